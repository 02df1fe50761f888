package privacy

import "strings"

// Type names a kind of personal data, spelled as Presidio spells it.
type Type string

// The types [Scan] reports.
const (
	Person        Type = "PERSON"
	EmailAddress  Type = "EMAIL_ADDRESS"
	PhoneNumber   Type = "PHONE_NUMBER"
	CreditCard    Type = "CREDIT_CARD"
	IBANCode      Type = "IBAN_CODE"
	IPAddress     Type = "IP_ADDRESS"
	URL           Type = "URL" // scored higher when it carries credentials or tokens
	USSSN         Type = "US_SSN"
	USPassport    Type = "US_PASSPORT"
	DETaxID       Type = "DE_TAX_ID"
	DEPassport    Type = "DE_PASSPORT"
	Passport      Type = "PASSPORT"       // passport-like number of another country
	DateTime      Type = "DATE_TIME"      // a date or a time of day; dates of birth score highest
	StreetAddress Type = "STREET_ADDRESS" // street, house number, and postcode and city when given
	Location      Type = "LOCATION"       // a city, region or country
	Organization  Type = "ORGANIZATION"   // a company, bank, university, association
	Age           Type = "AGE"            // the number in "34 years old", "34 Jahre alt"
	ZipCode       Type = "ZIP_CODE"       // a postcode outside a full street address
	Title         Type = "TITLE"          // "Mr.", "Dr.", "Frau" before a name
	DomainName    Type = "DOMAIN_NAME"    // a host name outside a URL or e-mail address
	DriverLicense Type = "DRIVER_LICENSE" // the number after "driver's license", "Führerschein"
	DEIDCard      Type = "DE_ID_CARD"     // the number of a German identity card (Personalausweis)
)

// Types lists every type [Scan] can report, in a fixed order.
var Types = []Type{
	Person, EmailAddress, PhoneNumber, CreditCard, IBANCode, IPAddress, URL,
	USSSN, USPassport, DETaxID, DEPassport, Passport, DateTime, StreetAddress,
	Location, Organization, Age, ZipCode, Title, DomainName, DriverLicense, DEIDCard,
}

// Span is one finding: text[Start:End] is personal data of the given type.
// Start and End are byte offsets; [RuneOffsets] converts them to code points.
type Span struct {
	Start, End int
	Type       Type
	Score      float64
}

// Placeholder is the text [Redact] puts in place of a span of type t.
func Placeholder(t Type) string { return "<" + string(t) + ">" }

// maxTypeLen bounds the search for the closing '>' of a placeholder.
const maxTypeLen = len("STREET_ADDRESS")

// placeholderEnd returns the end of the placeholder that starts at text[i]
// (a '<'), or i when there is none. The scanner steps over placeholders so
// that redacted text yields no new findings: neither the placeholder itself
// nor a context word inside it ("<PHONE_NUMBER>") counts.
func placeholderEnd(text string, i int) int {
	if i+2 >= len(text) || text[i+1] < 'A' || text[i+1] > 'Z' {
		return i
	}
	rest := text[i+1:]
	if len(rest) > maxTypeLen+1 {
		rest = rest[:maxTypeLen+1]
	}
	j := strings.IndexByte(rest, '>')
	if j < 0 || !isType(rest[:j]) {
		return i
	}
	return i + 1 + j + 1
}

func isType(s string) bool {
	for _, t := range Types {
		if string(t) == s {
			return true
		}
	}
	return false
}
