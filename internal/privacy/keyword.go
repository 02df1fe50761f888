package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ctx is a set of context kinds: what a nearby word says about a number.
type ctx uint16

const (
	ctxPhone ctx = 1 << iota
	ctxCard
	ctxIBAN
	ctxIP
	ctxSSN
	ctxTax
	ctxDOB
	ctxAddress
	ctxZIP
	// ctxNotPII marks words after which a number is rarely personal data:
	// "version 1.2.3.4", "ISBN 978-…", "order number 1234567890".
	ctxNotPII
)

// trigger says which detector a keyword starts; the words after it are
// parsed there and then.
type trigger uint8

const (
	trigNone       trigger = iota
	trigTitle              // "Mr", "Frau": a name follows
	trigSalutation         // "Dear", "Hallo": a name follows
	trigIntro              // "name": only as "my name is" or "Name:"
	trigIntroVerb          // "heiße", "appelle", "llamo": a name follows
	trigSignoff            // "regards", "Grüße": a name follows
	trigPassport           // "passport", "Reisepass": a number follows
	trigPass               // "Pass": a number follows only after "Nr."
	trigMonth              // a month name that may start a date
	trigStreet             // "Calle", "Avenida": street name and number follow
	trigLocation           // "live", "wohne": a place follows
	trigAcademic           // "med", "rer", "nat": skipped between a title and a name
	trigLicence            // "license", "Führerschein": a licence number follows
	trigIDCard             // "Personalausweis": an identity card number follows
)

// keyword is what one word means to the scanner.
type keyword struct {
	ctx   ctx
	trig  trigger
	month uint8 // 1–12 for month names
}

// keywordGroups lists the table in readable groups. Words are lower case;
// a word may appear in several groups, its context kinds are then combined.
// The context words follow Presidio's recognisers where they exist (its
// phone, credit card, IBAN, IP, SSN, DE_TAX_ID and passport context lists),
// extended to German, French and Spanish.
var keywordGroups = []struct {
	kw    keyword
	words string
}{
	{keyword{ctx: ctxPhone}, `phone phones telephone tel tele fon mobile mobil cell cellphone call calls
		fax handy telefon telefonnummer nummer rufnummer mobilnummer handynummer whatsapp ruf rufen anrufen
		erreichbar téléphone tél portable appelez appeler teléfono telefono móvil movil llámame
		llamar cellulare`},
	{keyword{ctx: ctxCard}, `card cards credit debit visa mastercard amex maestro kreditkarte
		kartennummer karte carte tarjeta cc`},
	{keyword{ctx: ctxIBAN}, `iban bic swift bank konto kontonummer bankverbindung überweisung
		ueberweisung account compte cuenta`},
	{keyword{ctx: ctxIP}, `ip ipv4 ipv6 server host client login address addr adresse gateway
		router`},
	{keyword{ctx: ctxSSN}, `ssn ssns social security ss`},
	{keyword{ctx: ctxTax}, `steuer steuerid idnr identifikationsnummer steueridentifikationsnummer
		steuernummer tin tax finanzamt`},
	{keyword{ctx: ctxDOB}, `born birth birthday birthdate dob geboren geb geburtsdatum geburtstag
		né née naissance nacido nacida nacimiento cumpleaños nato nata`},
	{keyword{ctx: ctxAddress}, `address adresse anschrift wohnhaft wohne wohnt wohnen live lives living
		street domicile domicilio dirección direccion habite`},
	{keyword{ctx: ctxZIP}, `zip zipcode postcode postal plz postleitzahl cp`},
	{keyword{ctx: ctxNotPII}, `version release build isbn issn order orders bestellung
		bestellnummer invoice rechnung rechnungsnummer artikel article item sku ticket tracking
		sendungsnummer ref reference page seite chapter kapitel section abschnitt paragraph
		price preis total summe`},

	{keyword{trig: trigTitle}, `mr mrs ms miss mx dr prof herr frau madame monsieur mme mlle sr sra
		señor señora signor signora`},
	{keyword{trig: trigAcademic}, `med rer nat phil jur dent habil ing dipl`},
	{keyword{trig: trigSalutation}, `dear hello hi hey hallo liebe lieber hola bonjour salut ciao
		servus moin thanks danke`},
	{keyword{trig: trigIntro}, `name nom nombre`},
	{keyword{trig: trigIntroVerb}, `heiße heisse appelle llamo chiamo`},
	{keyword{trig: trigSignoff}, `regards grüße gruß grüsse gruesse gruss cheers sincerely
		cordialement saludos salutations yours signed gez gezeichnet`},
	{keyword{trig: trigPassport}, `passport reisepass passnummer reisepassnummer passeport pasaporte
		passaporto`},
	{keyword{trig: trigPass}, `pass`},
	{keyword{trig: trigIDCard}, `personalausweis personalausweisnummer ausweis ausweisnummer ausweisnr`},
	{keyword{trig: trigLicence}, `license licence führerschein führerscheinnummer dl`},
	{keyword{trig: trigStreet}, `calle avenida avda paseo plaza via viale piazza rua`},
	{keyword{trig: trigLocation}, `live lives living wohne wohnt wohnen lebe lebt leben habite
		habitent vivo vive vivimos moved`},
}

// monthNames maps English, German, French, Spanish and Italian month names
// and their usual abbreviations to month numbers.
var monthNames = [12]string{
	"january jan januar jänner janvier enero gennaio",
	"february feb februar février fevrier febrero febbraio",
	"march mar märz maerz mars marzo",
	"april apr avril abril aprile",
	"may mai mayo maggio",
	"june jun juni juin junio giugno",
	"july jul juli juillet julio luglio",
	"august aug août aout agosto",
	"september sep sept septembre septiembre setiembre settembre",
	"october oct oktober okt octobre octubre ottobre",
	"november nov novembre noviembre",
	"december dec dezember dez décembre decembre diciembre dicembre",
}

// maxKeywordLen bounds the words looked up; longer words are never keywords.
const maxKeywordLen = 32

var keywords = buildKeywords()

func buildKeywords() map[string]keyword {
	m := map[string]keyword{}
	add := func(w string, kw keyword) {
		for _, form := range []string{w, titleCase(w)} {
			k := m[form]
			k.ctx |= kw.ctx
			if kw.trig != trigNone && k.trig == trigNone {
				k.trig = kw.trig
			}
			if kw.month != 0 {
				k.month = kw.month
			}
			m[form] = k
		}
	}
	for _, g := range keywordGroups {
		for _, w := range strings.Fields(g.words) {
			add(w, g.kw)
		}
	}
	for i, names := range monthNames {
		for _, w := range strings.Fields(names) {
			add(w, keyword{trig: trigMonth, month: uint8(i + 1)})
		}
	}
	return m
}

// titleCase upper-cases a word's first letter when it is not ASCII: the
// lookup folds only ASCII, so "Überweisung" must be in the table as is.
func titleCase(w string) string {
	r, size := utf8.DecodeRuneInString(w)
	if r < utf8.RuneSelf {
		return w
	}
	return string(unicode.ToUpper(r)) + w[size:]
}

// lookup returns the keyword that text[i:j] spells, ignoring ASCII case.
// It copies into a stack buffer so that the map lookup does not allocate.
func lookup(text string, i, j int) (keyword, bool) {
	if j-i < 2 || j-i > maxKeywordLen {
		return keyword{}, false
	}
	var buf [maxKeywordLen]byte
	kw, ok := keywords[string(foldASCII(buf[:0], text[i:j]))]
	return kw, ok
}

// foldASCII appends w to dst with ASCII letters in lower case.
func foldASCII(dst []byte, w string) []byte {
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c-'A' < 26 {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
