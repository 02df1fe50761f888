package piibench

import (
	"fmt"
	"strings"
)

func (g *gen) person() string {
	f, l := g.pick(g.l.first), g.pick(g.l.last)
	g.stats.name(f, l)
	return f + " " + l
}

func (g *gen) title() string {
	if g.lang == "de" {
		return g.pick([]string{"Herr", "Frau", "Dr.", "Prof.", "Prof. Dr."})
	}
	return g.pick([]string{"Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Ms"})
}

// enSuffixes are the street words of US and UK addresses the generator
// uses beside faker's street names.
var enSuffixes = []string{"Street", "Avenue", "Road", "Lane", "Drive", "Court", "Way", "Boulevard",
	"Place", "Terrace", "St", "Ave", "Rd", "Blvd", "Ln", "Dr"}

func (g *gen) address() string {
	if g.lang == "de" {
		a := fmt.Sprintf("%s %d", g.pick(g.l.street), 1+g.r.IntN(150))
		if g.r.IntN(5) == 0 {
			a += string(rune('a' + g.r.IntN(4)))
		}
		if g.r.IntN(2) == 0 {
			c := g.pick(g.l.city)
			g.stats.place(c)
			a += fmt.Sprintf(", %05d %s", 1000+g.r.IntN(98000), c)
		}
		return a
	}
	var street string
	if g.r.IntN(2) == 0 {
		street = g.pick(g.l.street)
	} else {
		street = g.pick(g.l.last) + " " + g.pick(enSuffixes)
	}
	a := fmt.Sprintf("%d %s", 1+g.r.IntN(9999), street)
	switch g.r.IntN(4) {
	case 0:
		a += fmt.Sprintf(", Apt %d", 1+g.r.IntN(40))
	case 1:
		c := g.pick(g.l.city)
		g.stats.place(c)
		a += fmt.Sprintf(", %s, %s %05d", c, g.pick(usStates), 1000+g.r.IntN(98000))
	}
	return a
}

var usStates = strings.Fields("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY")

// orgForms are organisation patterns, written for the benchmark: a
// surname or city with a legal form or an institution word, and a share of
// bare brand-like names that carry neither (which a gazetteer-free
// detector cannot know).
func (g *gen) org() string {
	last, city := g.pick(g.l.last), g.pick(g.l.city)
	if g.lang == "de" {
		switch g.r.IntN(10) {
		case 0:
			return last + " GmbH"
		case 1:
			return last + " & " + g.pick(g.l.last) + " GmbH & Co. KG"
		case 2:
			return last + " AG"
		case 3:
			return "Sparkasse " + city
		case 4:
			return "Universität " + city
		case 5:
			return "Stadtwerke " + city
		case 6:
			return last + " Logistik GmbH"
		case 7:
			return "Sportverein " + city + " e.V."
		case 8:
			return last + " Versicherung"
		}
		return g.pick(brands)
	}
	switch g.r.IntN(10) {
	case 0:
		return last + " Inc."
	case 1:
		return last + " LLC"
	case 2:
		return last + " & " + g.pick(g.l.last) + " Ltd"
	case 3:
		return "University of " + city
	case 4:
		return city + " Community Bank"
	case 5:
		return last + " Consulting Group"
	case 6:
		return last + " Technologies"
	case 7:
		return city + " General Hospital"
	case 8:
		return last + " Corp."
	}
	return g.pick(brands)
}

// brands are organisations known by a bare name.
var brands = []string{"Siemens", "Bosch", "Lufthansa", "Google", "Amazon", "Microsoft", "Zalando",
	"Spotify", "Netflix", "Volkswagen", "Adidas", "Henkel", "Lidl", "Aldi", "Rewe", "IKEA",
	"Oracle", "Nvidia", "Salesforce", "Airbus"}

var (
	enMonths = strings.Fields("January February March April May June July August September October November December")
	deMonths = strings.Fields("Januar Februar März April Mai Juni Juli August September Oktober November Dezember")
)

func (g *gen) date() string {
	y, m, d := 1950+g.r.IntN(75), 1+g.r.IntN(12), 1+g.r.IntN(28)
	if g.lang == "de" {
		switch g.r.IntN(3) {
		case 0:
			return fmt.Sprintf("%02d.%02d.%d", d, m, y)
		case 1:
			return fmt.Sprintf("%d. %s %d", d, deMonths[m-1], y)
		}
		return fmt.Sprintf("%d.%d.%d", d, m, y)
	}
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s %d, %d", enMonths[m-1], d, y)
	case 1:
		return fmt.Sprintf("%d %s %d", d, enMonths[m-1], y)
	case 2:
		return fmt.Sprintf("%d/%d/%d", m, d, y)
	}
	return fmt.Sprintf("%d-%02d-%02d", y, m, d)
}

func (g *gen) time() string {
	h, m := g.r.IntN(24), g.r.IntN(12)*5
	if g.lang == "de" {
		return fmt.Sprintf("%d:%02d Uhr", h, m)
	}
	if g.r.IntN(2) == 0 {
		return fmt.Sprintf("%d:%02d %s", 1+h%12, m, g.pick([]string{"am", "pm", "AM", "PM"}))
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for k := range b {
		b[k] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

func (g *gen) phone() string {
	d := g.digits
	nz := func() string { return fmt.Sprint(2 + g.r.IntN(8)) }
	if g.lang == "de" {
		switch g.r.IntN(8) {
		case 0:
			return "+49 30 " + d(7)
		case 1:
			return "+49 (0)" + nz() + d(1) + " " + d(6)
		case 2:
			return "01" + fmt.Sprint(5+g.r.IntN(3)) + d(1) + " " + d(7)
		case 3:
			return "0" + nz() + d(2) + " " + d(6)
		case 4:
			return "+49 1" + fmt.Sprint(5+g.r.IntN(3)) + d(1) + " " + d(7)
		case 5:
			return "+43 1 " + d(7)
		case 6:
			return "+41 44 " + d(3) + " " + d(2) + " " + d(2)
		}
		return "0" + nz() + d(1) + "/" + d(6)
	}
	switch g.r.IntN(8) {
	case 0:
		return "+1 (" + nz() + d(2) + ") " + nz() + d(2) + "-" + d(4)
	case 1:
		return "+1-" + nz() + d(2) + "-" + nz() + d(2) + "-" + d(4)
	case 2:
		return "(" + nz() + d(2) + ") " + nz() + d(2) + "-" + d(4)
	case 3:
		return nz() + d(2) + "-" + nz() + d(2) + "-" + d(4)
	case 4:
		return "+44 20 " + d(4) + " " + d(4)
	case 5:
		return "+44 7" + d(3) + " " + d(6)
	case 6:
		return "+61 2 " + d(4) + " " + d(4)
	}
	return nz() + d(2) + "." + nz() + d(2) + "." + d(4)
}

var mailDomains = []string{"example.com", "mail.example.org", "example.net", "post.example.de", "example.co.uk"}

func (g *gen) email() string {
	f, l := strings.ToLower(asciiOnly(g.pick(g.l.first))), strings.ToLower(asciiOnly(g.pick(g.l.last)))
	switch g.r.IntN(3) {
	case 0:
		return f + "." + l + "@" + g.pick(mailDomains)
	case 1:
		return f[:1] + l + fmt.Sprint(g.r.IntN(100)) + "@" + g.pick(mailDomains)
	}
	return f + "_" + l + "@" + g.pick(mailDomains)
}

// asciiOnly keeps the ASCII letters of a name for an e-mail address.
func asciiOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// cardSchemes are issuer prefixes and lengths of the major networks.
var cardSchemes = []struct {
	prefix string
	length int
}{
	{"4", 16}, {"51", 16}, {"55", 16}, {"2221", 16}, {"34", 15}, {"37", 15}, {"6011", 16},
	{"65", 16}, {"36", 14}, {"3528", 16}, {"62", 16}, {"6759", 16},
}

func (g *gen) card() string {
	sc := cardSchemes[g.r.IntN(len(cardSchemes))]
	num := sc.prefix + g.digits(sc.length-len(sc.prefix)-1)
	num += string(rune('0' + luhnDigit(num)))
	var groups []int
	switch sc.length {
	case 15:
		groups = []int{4, 6, 5}
	case 14:
		groups = []int{4, 6, 4}
	default:
		groups = []int{4, 4, 4, 4}
	}
	sep := g.pick([]string{" ", "-", ""})
	var parts []string
	p := 0
	for _, n := range groups {
		parts = append(parts, num[p:p+n])
		p += n
	}
	return strings.Join(parts, sep)
}

func luhnDigit(d string) int {
	sum := 0
	for k := 0; k < len(d); k++ {
		v := int(d[len(d)-1-k] - '0')
		if k%2 == 0 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// ibanForms are country codes and the BBAN lengths of their IBANs.
var ibanForms = []struct {
	cc   string
	bban int
}{{"DE", 18}, {"AT", 16}, {"CH", 17}, {"NL", 14}, {"FR", 23}, {"ES", 20}, {"BE", 12}}

func (g *gen) iban() string {
	f := ibanForms[g.r.IntN(len(ibanForms))]
	bban := g.digits(f.bban)
	if f.cc == "NL" {
		bban = "ABNA" + g.digits(10)
	}
	check := 98 - mod97(bban+f.cc+"00")
	iban := fmt.Sprintf("%s%02d%s", f.cc, check, bban)
	if g.r.IntN(2) == 0 {
		return iban
	}
	var parts []string
	for p := 0; p < len(iban); p += 4 {
		parts = append(parts, iban[p:min(p+4, len(iban))])
	}
	return strings.Join(parts, " ")
}

func mod97(s string) int {
	r := 0
	for _, c := range s {
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
			r = (r*100 + v) % 97
			continue
		}
		r = (r*10 + v) % 97
	}
	return r
}

func (g *gen) ip() string {
	if g.r.IntN(5) == 0 {
		return fmt.Sprintf("2001:db8:%x:%x::%x", g.r.IntN(65536), g.r.IntN(65536), 1+g.r.IntN(65535))
	}
	return fmt.Sprintf("%d.%d.%d.%d", 1+g.r.IntN(223), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

var siteWords = []string{"allmende", "gartenfreunde", "northwind", "contoso", "fabrikam", "tailspin",
	"kochbuch", "radweg", "bluebird", "lakeside", "mosaic", "pinecone"}

func (g *gen) domain() string {
	return g.pick(siteWords) + "-" + strings.ToLower(asciiOnly(g.pick(g.l.last))) + "." + g.pick([]string{"com", "de", "org", "net", "io", "co.uk", "at", "ch"})
}

func (g *gen) url() string {
	u := g.pick([]string{"https://", "http://", "https://www."}) + g.domain()
	switch g.r.IntN(3) {
	case 0:
		u += "/profile/" + strings.ToLower(asciiOnly(g.pick(g.l.first)))
	case 1:
		u += "/reset?token=" + g.digits(12)
	}
	return u
}

func (g *gen) ssn() string {
	area := 1 + g.r.IntN(665)
	return fmt.Sprintf("%03d-%02d-%04d", area, 1+g.r.IntN(99), 1+g.r.IntN(9999))
}

// taxID returns a valid German tax identification number: ten digits in
// which exactly one digit appears two or three times, then the ISO 7064
// MOD 11,10 check digit.
func (g *gen) taxID() string {
	for {
		d := g.digits(10)
		if d[0] == '0' {
			continue
		}
		var count [10]int
		for _, c := range d {
			count[c-'0']++
		}
		twice, missing := 0, 0
		for _, n := range count {
			switch {
			case n == 0:
				missing++
			case n == 2:
				twice++
			case n > 2:
				twice = 99
			}
		}
		if twice != 1 {
			continue
		}
		p := 10
		for _, c := range d {
			s := (int(c-'0') + p) % 10
			if s == 0 {
				s = 10
			}
			p = (s * 2) % 11
		}
		check := (11 - p) % 10
		return d + fmt.Sprint(check)
	}
}

// idCard returns a German identity card number: nine characters of the
// ICAO alphabet without look-alikes, and their check digit half the time.
func (g *gen) idCard() string {
	const alphabet = "CFGHJKLMNPRTVWXYZ"
	b := []byte{alphabet[g.r.IntN(len(alphabet))]}
	for len(b) < 9 {
		if g.r.IntN(2) == 0 {
			b = append(b, alphabet[g.r.IntN(len(alphabet))])
		} else {
			b = append(b, byte('0'+g.r.IntN(10)))
		}
	}
	digits := 0
	for _, c := range b {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if digits < 4 {
		b[8], b[7], b[6], b[5] = '1', '2', '3', '4'
	}
	if g.r.IntN(2) == 0 {
		return string(b)
	}
	sum := 0
	for k, c := range b {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * [3]int{7, 3, 1}[k%3]
	}
	return string(b) + fmt.Sprint(sum%10)
}

func (g *gen) licence() string {
	if g.lang == "de" {
		return string(rune('A'+g.r.IntN(26))) + g.digits(3) + string(rune('A'+g.r.IntN(26))) + string(rune('A'+g.r.IntN(26))) + g.digits(5)
	}
	return string(rune('A'+g.r.IntN(26))) + g.digits(7)
}
