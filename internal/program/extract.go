package program

import (
	"fmt"
	"strings"

	"github.com/allmende/allmende/internal/recording"
)

// Eval reads the value from an outline. It fails when the anchor node is
// not there, when nodes that disagree match it (it never picks one), or
// when the part it asks for is missing.
func (e Extract) Eval(o recording.Outline) (string, error) {
	text, _, err := e.anchorText(o)
	if err != nil {
		return "", err
	}
	return e.take(text)
}

// anchorText finds the anchor node and returns the text the rule works
// on, and the node's ref.
func (e Extract) anchorText(o recording.Outline) (string, int, error) {
	type hit struct {
		text string
		ref  int
	}
	var hits []hit
	add := func(text string, ref int) {
		for _, h := range hits {
			if h.text == text {
				return
			}
		}
		hits = append(hits, hit{text, ref})
	}
	var what string
	switch {
	case e.StartsWith != "":
		what = fmt.Sprintf("text that begins with %q", e.StartsWith)
		for i, n := range o.Nodes {
			if t := norm(n.Text); strings.HasPrefix(t, e.StartsWith) && t != e.StartsWith {
				add(strings.TrimSpace(t[len(e.StartsWith):]), i)
			}
		}
	case e.Follows != "":
		what = fmt.Sprintf("text after %q", e.Follows)
		for i, n := range o.Nodes {
			if norm(n.Text) != e.Follows {
				continue
			}
			if j := nextText(o, i); j >= 0 {
				add(nodeText(o.Nodes[j]), j)
			}
		}
	case e.Field != "":
		what = fmt.Sprintf("the field %q", e.Field)
		for i, n := range o.Nodes {
			if n.Interactive && !n.Masked && (norm(n.Label) == e.Field || n.Label == "" && norm(n.Name) == e.Field) {
				add(norm(n.Value), i)
			}
		}
	case e.Row != "" && e.Column != "":
		what = fmt.Sprintf("the %q cell of the row %q", e.Column, e.Row)
		for i, n := range o.Nodes {
			if n.Role != "cell" && n.Role != "gridcell" || n.Place == nil {
				continue
			}
			if norm(n.Place.RowKey) == e.Row && norm(n.Place.ColumnHeader) == e.Column {
				add(norm(n.Text), i)
			}
		}
	default:
		return "", -1, fmt.Errorf("the extraction rule names no node (starts_with, follows, field, or row and column)")
	}
	switch len(hits) {
	case 0:
		return "", -1, fmt.Errorf("the page has no %s", what)
	case 1:
		return hits[0].text, hits[0].ref, nil
	}
	return "", -1, fmt.Errorf("the page has %d different %s (%q, %q…); the rule does not say which", len(hits), what, hits[0].text, hits[1].text)
}

// take applies Quote, Split/Part and Transform to the anchor's text.
func (e Extract) take(text string) (string, error) {
	if e.Quote > 0 {
		qs := quoted(text)
		if e.Quote > len(qs) {
			return "", fmt.Errorf("%q has no quoted phrase number %d", text, e.Quote)
		}
		text = qs[e.Quote-1]
	}
	if e.Split != "" && e.Part != 0 {
		parts := strings.Split(text, e.Split)
		i := e.Part - 1
		if e.Part < 0 {
			i = len(parts) + e.Part
		}
		if i < 0 || i >= len(parts) {
			return "", fmt.Errorf("%q has no part %d when split at %q", text, e.Part, e.Split)
		}
		text = strings.TrimSpace(parts[i])
	}
	return ApplyTransform(e.Transform, text)
}

// nodeText is a node's visible text, or a field's value.
func nodeText(n recording.Node) string {
	if t := norm(n.Text); t != "" {
		return t
	}
	if n.Interactive && !n.Masked {
		return norm(n.Value)
	}
	return ""
}

// nextText returns the first node after ref, not inside it, that has text.
func nextText(o recording.Outline, ref int) int {
	for j := ref + 1; j < len(o.Nodes); j++ {
		if within(o, j, ref) {
			continue
		}
		if nodeText(o.Nodes[j]) != "" {
			return j
		}
	}
	return -1
}

// within reports whether node j is ref or inside it.
func within(o recording.Outline, j, ref int) bool {
	for seen := 0; j >= 0 && j < len(o.Nodes) && seen <= len(o.Nodes); seen++ {
		if j == ref {
			return true
		}
		j = o.Nodes[j].Parent
	}
	return false
}

// quotePairs are the quotation marks a quoted phrase may stand in.
var quotePairs = [][2]rune{{'"', '"'}, {'“', '”'}, {'„', '“'}, {'«', '»'}, {'‘', '’'}, {'\'', '\''}}

// quoted returns the quoted phrases of s, in order.
func quoted(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		for _, p := range quotePairs {
			if rs[i] != p[0] {
				continue
			}
			// An apostrophe inside a word is not a quote.
			if p[0] == '\'' && i > 0 && isWordRune(rs[i-1]) {
				break
			}
			for j := i + 1; j < len(rs); j++ {
				if rs[j] == p[1] && (p[1] != '\'' || j+1 == len(rs) || !isWordRune(rs[j+1])) {
					out = append(out, string(rs[i+1:j]))
					i = j
					break
				}
			}
			break
		}
	}
	return out
}

func isWordRune(r rune) bool {
	return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 && r != '’' && r != '‘'
}

// separators are where a text may be split into parts or list items.
var separators = []string{", ", "; ", " / ", " - ", " ", "/", "-", "@", ","}

// candidate is an extraction rule that gives a demo's value, with the node
// it read.
type candidate struct {
	rule Extract
	ref  int
}

// candidates lists the extraction rules that read want from o. It tries
// every text of the page as an anchor: a "Label:" prefix or the words
// before a quote (StartsWith), the text just before it (Follows), a field's
// label, a cell's row and column; then the whole text, a quoted phrase or
// a part of a split, through each transform.
func candidates(o recording.Outline, want string) []candidate {
	want = norm(want)
	if want == "" {
		return nil
	}
	var out []candidate
	seen := map[Extract]bool{}
	try := func(base Extract, text string) {
		type piece struct {
			quote, part int
			split, text string
		}
		pieces := []piece{{text: text}}
		for k, q := range quoted(text) {
			pieces = append(pieces, piece{quote: k + 1, text: q})
		}
		for _, p := range append([]piece(nil), pieces...) {
			for _, sep := range separators {
				parts := strings.Split(p.text, sep)
				if len(parts) < 2 || len(parts) > 40 {
					continue
				}
				for i, part := range parts {
					pieces = append(pieces, piece{p.quote, i + 1, sep, strings.TrimSpace(part)})
					if i == len(parts)-1 {
						pieces = append(pieces, piece{p.quote, -1, sep, strings.TrimSpace(part)})
					}
				}
			}
		}
		for _, p := range pieces {
			for _, tr := range transformsTo(p.text, want) {
				r := base
				r.Quote, r.Split, r.Part, r.Transform = p.quote, p.split, p.part, tr
				if seen[r] {
					continue
				}
				seen[r] = true
				// Keep only rules that read want from this page as a run
				// would: one anchor, the same part.
				if got, err := r.Eval(o); err == nil && got == want {
					_, ref, _ := r.anchorText(o)
					out = append(out, candidate{r, ref})
				}
			}
		}
	}
	for i, n := range o.Nodes {
		t := norm(n.Text)
		if t != "" && !strings.Contains(strings.ToLower(t), strings.ToLower(firstWord(want))) && !looksLikeDate(want) {
			t = "" // the value cannot come from this text
		}
		if t != "" {
			if k := strings.Index(t, ":"); k > 0 && k < 60 {
				try(Extract{StartsWith: t[:k+1]}, strings.TrimSpace(t[k+1:]))
			}
			if k := strings.IndexAny(t, "\"“„«‘'"); k > 0 {
				prefix := strings.TrimSpace(t[:k])
				if prefix != "" && len(prefix) < 80 {
					try(Extract{StartsWith: prefix}, strings.TrimSpace(t[len(prefix):]))
				}
			}
			if p := prevText(o, i); p != "" && len(p) < 60 && !n.Interactive {
				try(Extract{Follows: p}, t)
			}
			if n.Place != nil && n.Place.Column > 0 && n.Place.RowKey != "" && n.Place.ColumnHeader != "" {
				try(Extract{Row: norm(n.Place.RowKey), Column: norm(n.Place.ColumnHeader)}, t)
			}
		}
		if n.Interactive && !n.Masked && n.Value != "" {
			if l := norm(n.Label); l != "" {
				try(Extract{Field: l}, norm(n.Value))
			}
		}
	}
	return out
}

// firstWord is the first word of s, to rule out texts quickly.
func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

func looksLikeDate(s string) bool {
	for _, f := range dateOrder {
		if _, ok := parseDate(f, s); ok {
			return true
		}
	}
	return false
}

// prevText is the text of the nearest node before ref that is not an
// ancestor of it and has text.
func prevText(o recording.Outline, ref int) string {
	for j := ref - 1; j >= 0; j-- {
		if within(o, ref, j) {
			continue
		}
		if o.Nodes[j].Interactive {
			return ""
		}
		if t := nodeText(o.Nodes[j]); t != "" {
			return t
		}
	}
	return ""
}

// cost ranks rules: fewer and plainer operations first.
func (e Extract) cost() int {
	c := 0
	switch {
	case e.Field != "":
		c = 1
	case e.Row != "":
		c = 2
	case e.Follows != "":
		c = 3
	default:
		c = 4
	}
	if e.Quote > 0 {
		c++
	}
	if e.Split != "" {
		c += 3
	}
	if e.Transform != "" {
		c += 2
	}
	return c
}
