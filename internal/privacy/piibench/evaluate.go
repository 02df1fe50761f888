package piibench

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/privacy"
)

// Stats counts how many generated names and places the detector's
// gazetteers hold, so that a reader can tell recall found by the lists
// from recall found by the grammar.
type Stats struct {
	First, FirstKnown, Last, LastKnown, Places, PlacesKnown int
}

func (s *Stats) name(first, last string) {
	if first != "" {
		s.First++
		if privacy.InGazetteer(first) {
			s.FirstKnown++
		}
	}
	if last != "" {
		s.Last++
		if privacy.InGazetteer(last) {
			s.LastKnown++
		}
	}
}

func (s *Stats) place(p string) {
	s.Places++
	if privacy.InGazetteer(p) {
		s.PlacesKnown++
	}
}

// Detector finds spans in a text.
type Detector func(text string) []privacy.Span

// Counts are true positives, false positives and false negatives.
type Counts struct{ TP, FP, FN int }

// Precision is TP/(TP+FP), 1 when nothing was reported.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), 1 when there was nothing to find.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

func ratio(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// Result holds the counts per type and over all types.
type Result struct {
	PerType map[privacy.Type]*Counts
	All     Counts
	// Misses and FalsePositives keep a few examples for the report.
	Misses, FalsePositives []string
}

// match reports whether a found span matches a wanted one: the same type
// and an overlap of at least half of the union of both, which forgives a
// trailing full stop or a title inside the span but not a name cut in two.
func match(got, want privacy.Span) bool {
	if got.Type != want.Type {
		return false
	}
	lo, hi := max(got.Start, want.Start), min(got.End, want.End)
	if hi <= lo {
		return false
	}
	union := max(got.End, want.End) - min(got.Start, want.Start)
	return 2*(hi-lo) >= union
}

// Evaluate runs d on every example and counts per type.
func Evaluate(d Detector, examples []Example) Result {
	res := Result{PerType: map[privacy.Type]*Counts{}}
	get := func(t privacy.Type) *Counts {
		if res.PerType[t] == nil {
			res.PerType[t] = &Counts{}
		}
		return res.PerType[t]
	}
	for _, ex := range examples {
		got := d(ex.Text)
		used := make([]bool, len(ex.Want))
		for _, g := range got {
			hit := false
			for k, w := range ex.Want {
				if !used[k] && match(g, w) {
					used[k], hit = true, true
					break
				}
			}
			if hit {
				get(g.Type).TP++
				res.All.TP++
			} else {
				get(g.Type).FP++
				res.All.FP++
				if len(res.FalsePositives) < 40 {
					res.FalsePositives = append(res.FalsePositives, fmt.Sprintf("%s %q in %q", g.Type, ex.Text[g.Start:g.End], ex.Text))
				}
			}
		}
		for k, w := range ex.Want {
			if !used[k] {
				get(w.Type).FN++
				res.All.FN++
				if len(res.Misses) < 40 {
					res.Misses = append(res.Misses, fmt.Sprintf("%s %q in %q", w.Type, ex.Text[w.Start:w.End], ex.Text))
				}
			}
		}
	}
	return res
}

// Scan is the detector under test: privacy.Scan at its default threshold.
func Scan(text string) []privacy.Span { return privacy.Scan(text, privacy.DefaultMinScore) }

// baselinePatterns are the naive baseline: one regular expression per type
// for the types a first implementation covers, without checksums or
// context, and nothing for names, places or organisations.
var baselinePatterns = []struct {
	t  privacy.Type
	re *regexp.Regexp
}{
	{privacy.EmailAddress, regexp.MustCompile(`[\w.+-]+@[\w-]+\.[\w.-]*\w`)},
	{privacy.URL, regexp.MustCompile(`https?://\S*\w`)},
	{privacy.IBANCode, regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b`)},
	{privacy.CreditCard, regexp.MustCompile(`\b(?:\d{4}[ -]?){3}\d{4}\b|\b\d{4}[ -]?\d{6}[ -]?\d{4,5}\b`)},
	{privacy.IPAddress, regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)},
	{privacy.USSSN, regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`)},
	{privacy.PhoneNumber, regexp.MustCompile(`\+?\(?\d[\d ()/.-]{6,}\d`)},
	{privacy.DateTime, regexp.MustCompile(`\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b`)},
}

// Baseline is the naive detector: the first pattern to claim a stretch of
// text wins.
func Baseline(text string) []privacy.Span {
	var out []privacy.Span
	taken := func(a, b int) bool {
		for _, s := range out {
			if a < s.End && s.Start < b {
				return true
			}
		}
		return false
	}
	for _, p := range baselinePatterns {
		for _, m := range p.re.FindAllStringIndex(text, -1) {
			if !taken(m[0], m[1]) {
				out = append(out, privacy.Span{Start: m[0], End: m[1], Type: p.t, Score: 1})
			}
		}
	}
	return out
}

// Report writes the table of one language: recall and precision per type
// for the detector and the baseline side by side.
func Report(w io.Writer, lang string, scan, base Result) {
	types := make([]privacy.Type, 0, len(scan.PerType))
	for t := range scan.PerType {
		types = append(types, t)
	}
	for t := range base.PerType {
		if scan.PerType[t] == nil {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	fmt.Fprintf(w, "%s\n%-15s %6s %6s %6s %6s   %8s %8s\n", strings.ToUpper(lang), "type", "gold", "found", "recall", "prec", "base-rec", "base-prec")
	for _, t := range types {
		c, b := counts(scan, t), counts(base, t)
		fmt.Fprintf(w, "%-15s %6d %6d %6.2f %6.2f   %8.2f %8.2f\n", t, c.TP+c.FN, c.TP+c.FP, c.Recall(), c.Precision(), b.Recall(), b.Precision())
	}
	fmt.Fprintf(w, "%-15s %6d %6d %6.2f %6.2f   %8.2f %8.2f\n\n", "ALL", scan.All.TP+scan.All.FN, scan.All.TP+scan.All.FP,
		scan.All.Recall(), scan.All.Precision(), base.All.Recall(), base.All.Precision())
}

func counts(r Result, t privacy.Type) Counts {
	if c := r.PerType[t]; c != nil {
		return *c
	}
	return Counts{}
}
