package pages

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/points"
)

// tagNames is the sequence of tags in a piece of HTML: what a browser
// builds from it, whatever the text between.
var tagName = regexp.MustCompile(`<(/?[a-zA-Z]+)`)

func tagNames(s string) []string {
	var out []string
	for _, m := range tagName.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func row(name, slug, reason, status, dna, id, event, redaction string) datanet.Contribution {
	idx := int64(7)
	return datanet.Contribution{ID: id, Datanet: slug, DatanetName: name, Status: status, Reason: reason, DNA: dna, EventID: event,
		LogIndex: &idx, CreatedAt: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), Redactions: map[string]int{redaction: 2}}
}

// FuzzContributionRows: whatever a datanet's name, a reason or an id
// holds, the hand-built rows have the same tags as for plain words, and
// every value reads back as written once the entities are decoded.
func FuzzContributionRows(f *testing.F) {
	f.Add(`"><script>alert(1)</script>`, `x" onmouseover="alert(1)`, `it's <b>bold</b> & more`, `accepted`, `0123456789abcdef<i>`, `c-'"><img src=x>`, `ev/../../x?y#z`, `email<br>`)
	f.Add(`Tenancy Q&A`, `tenancy`, ``, `erased`, ``, `c-abc`, ``, `phone`)
	f.Add("\x00\u2028</td></tr></table>", `javascript:alert(1)`, `--><!--`, `"`, `</code>`, `/`, `%2F`, `'`)
	plain := string(contributionRows([]datanet.Contribution{row("name", "slug", "reason", "accepted", "0123456789abcdef00", "c-id", "ev-id", "email")}, points.DefaultCurrency.Format))
	f.Fuzz(func(t *testing.T, name, slug, reason, status, dna, id, event, redaction string) {
		if status == "erased" || len(dna) < 16 || reason == "" || event == "" {
			// These leave parts of the row out; the seeds above cover them.
			return
		}
		got := string(contributionRows([]datanet.Contribution{row(name, slug, reason, status, dna, id, event, redaction)}, points.DefaultCurrency.Format))
		if !slices.Equal(tagNames(got), tagNames(plain)) {
			t.Fatalf("the values changed the row's tags:\n%s\nwant the tags of\n%s", got, plain)
		}
		text := html.UnescapeString(got)
		for _, v := range []string{name, reason, status, dna} {
			if !strings.Contains(text, v) {
				t.Fatalf("%q does not read back from %s", v, got)
			}
		}
		for _, attr := range regexp.MustCompile(`="[^"]*"`).FindAllString(got, -1) {
			if strings.ContainsAny(attr[2:len(attr)-1], `<>'`) {
				t.Fatalf("an attribute holds markup: %s", attr)
			}
		}
	})
}

// TestContributionRowsEscape checks the seeds that leave parts out (an
// erased record, no DNA, no log index): still no markup from the values.
func TestContributionRowsEscape(t *testing.T) {
	c := row(`<script>`, `<s>`, ``, `erased`, ``, `<id>`, ``, `<r>`)
	c.LogIndex = nil
	got := string(contributionRows([]datanet.Contribution{c}, points.DefaultCurrency.Format))
	if strings.Contains(got, "<script>") || strings.Contains(got, "<s>") || strings.Contains(got, "<r>") || strings.Contains(got, "erase\"") {
		t.Fatalf("markup or an erase form in an erased row: %s", got)
	}
}
