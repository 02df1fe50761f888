// Package piibench generates labelled texts with personal data in English
// and German and measures a detector on them: recall and precision per type,
// beside a naive baseline, in the same run.
//
// The texts come from hand-written templates whose slots are filled with
// fake values drawn with a seeded generator. The names, cities and streets
// come from @faker-js/faker's locale data (fake/, MIT), not from the lists
// the detector's gazetteers are built from (US census-derived given names,
// humannames, GeoNames), so that the benchmark does not only test a lookup
// of its own lists; [Stats] reports how many of the values the gazetteers
// hold all the same. Numbers (cards, IBANs, tax ids) are generated to pass
// their check digits, as real ones do.
package piibench

import (
	"embed"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/allmende/allmende/internal/privacy"
)

//go:embed fake/*.txt
var fakeFS embed.FS

// Example is one generated text and the spans a perfect detector reports.
type Example struct {
	Lang string
	Text string
	Want []privacy.Span
}

// lists are the fake values of one language.
type lists struct {
	first, last, city, street, country, state []string
}

func load(lang string) lists {
	read := func(name string) []string {
		b, err := fakeFS.ReadFile("fake/" + lang + "_" + name + ".txt")
		if err != nil {
			panic(err) // embedded at build time: a missing file is a build bug
		}
		return strings.Fields(strings.ReplaceAll(strings.TrimSpace(string(b)), " ", "\x00"))
	}
	un := func(l []string) []string {
		for k := range l {
			l[k] = strings.ReplaceAll(l[k], "\x00", " ")
		}
		return l
	}
	return lists{
		first: un(read("first")), last: un(read("last")), city: un(read("city")),
		street: un(read("street")), country: un(read("country")), state: un(read("state")),
	}
}

// piece is a part of a generated text; typ is "" for plain text.
type piece struct {
	text string
	typ  privacy.Type
}

// gen draws the values of one language.
type gen struct {
	lang  string
	r     *rand.Rand
	l     lists
	stats *Stats
}

// Generate returns n examples per language ("en", "de"), the same for the
// same seed.
func Generate(seed uint64, n int, langs ...string) ([]Example, *Stats) {
	st := &Stats{}
	var out []Example
	for li, lang := range langs {
		g := &gen{lang: lang, r: rand.New(rand.NewPCG(seed, uint64(li))), l: load(lang), stats: st}
		tpls := templates[lang]
		for k := 0; k < n; k++ {
			out = append(out, g.example(tpls[g.r.IntN(len(tpls))]))
		}
	}
	return out, st
}

// example fills a template: "{PERSON}" and the other slots are replaced by
// values; everything else is copied.
func (g *gen) example(tpl string) Example {
	var b strings.Builder
	ex := Example{Lang: g.lang}
	for rest := tpl; rest != ""; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			panic("unclosed slot in template " + tpl)
		}
		slot := rest[i+1 : i+j]
		rest = rest[i+j+1:]
		for _, p := range g.slot(slot) {
			start := b.Len()
			b.WriteString(p.text)
			if p.typ != "" {
				ex.Want = append(ex.Want, privacy.Span{Start: start, End: b.Len(), Type: p.typ, Score: 1})
			}
		}
	}
	ex.Text = b.String()
	return ex
}

func (g *gen) pick(l []string) string { return l[g.r.IntN(len(l))] }

func one(text string, t privacy.Type) []piece { return []piece{{text, t}} }

// slot returns the pieces of one slot.
func (g *gen) slot(name string) []piece {
	switch name {
	case "PERSON":
		return one(g.person(), privacy.Person)
	case "FIRST":
		f := g.pick(g.l.first)
		g.stats.name(f, "")
		return one(f, privacy.Person)
	case "TITLED":
		title, last := g.title(), g.pick(g.l.last)
		g.stats.name("", last)
		if g.r.IntN(2) == 0 {
			return []piece{{title, privacy.Title}, {" ", ""}, {last, privacy.Person}}
		}
		return []piece{{title, privacy.Title}, {" ", ""}, {g.person(), privacy.Person}}
	case "CITY":
		c := g.pick(g.l.city)
		g.stats.place(c)
		return one(c, privacy.Location)
	case "COUNTRY":
		c := g.pick(g.l.country)
		g.stats.place(c)
		return one(c, privacy.Location)
	case "ADDRESS":
		return one(g.address(), privacy.StreetAddress)
	case "ORG":
		return one(g.org(), privacy.Organization)
	case "DATE":
		return one(g.date(), privacy.DateTime)
	case "TIME":
		return one(g.time(), privacy.DateTime)
	case "AGE":
		return one(fmt.Sprint(18+g.r.IntN(70)), privacy.Age)
	case "ZIP":
		return one(fmt.Sprintf("%05d", 1000+g.r.IntN(98000)), privacy.ZipCode)
	case "PHONE":
		return one(g.phone(), privacy.PhoneNumber)
	case "EMAIL":
		return one(g.email(), privacy.EmailAddress)
	case "CARD":
		return one(g.card(), privacy.CreditCard)
	case "IBAN":
		return one(g.iban(), privacy.IBANCode)
	case "IP":
		return one(g.ip(), privacy.IPAddress)
	case "URL":
		return one(g.url(), privacy.URL)
	case "DOMAIN":
		return one(g.domain(), privacy.DomainName)
	case "SSN":
		return one(g.ssn(), privacy.USSSN)
	case "TAXID":
		return one(g.taxID(), privacy.DETaxID)
	case "DL":
		return one(g.licence(), privacy.DriverLicense)
	case "IDCARD":
		return one(g.idCard(), privacy.DEIDCard)
	}
	panic("unknown slot " + name)
}
