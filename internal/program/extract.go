package program

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/recording"
)

// Eval reads the value from an outline. It fails when the anchor node is
// not there, when nodes that disagree match it (it never picks one), or
// when the part it asks for is missing.
func (e Extract) Eval(o recording.Outline) (string, error) { return e.EvalIn(o, nil) }

// EvalIn is Eval with the values of the inputs read so far, for a rule
// that looks a row up by one (KeyInput).
func (e Extract) EvalIn(o recording.Outline, inputs map[string]string) (string, error) {
	return e.evalPreferring(o, inputs)
}

// evalPreferring is EvalIn that, where nodes disagree, tries each of
// prefer in turn and takes the one node whose value it accepts, if
// exactly one is: the value every demo read, or the only value of the
// form every demo's value had (an e-mail address beside "the help desk").
func (e Extract) evalPreferring(o recording.Outline, inputs map[string]string, prefer ...func(string) bool) (string, error) {
	if e.KeyInput != "" {
		key, ok := inputs[e.KeyInput]
		if !ok {
			return "", fmt.Errorf("the input %q has no value yet", e.KeyInput)
		}
		e.Row, e.KeyInput = "\x00"+norm(key), ""
	}
	text, _, err := e.anchorText(o)
	var several *severalError
	if errors.As(err, &several) {
		for _, ok := range prefer {
			found := 0
			for _, t := range several.texts {
				if v, err := e.take(t); err == nil && ok(v) {
					text = t
					found++
				}
			}
			if found == 1 {
				err = nil
				break
			}
		}
	}
	if err != nil {
		return "", err
	}
	return e.take(text)
}

// severalError is an anchor that nodes disagreeing on it match.
type severalError struct {
	texts []string
	what  string
}

func (e *severalError) Error() string {
	return fmt.Sprintf("the page has %d different %s (%q, %q…); the rule does not say which", len(e.texts), e.what, e.texts[0], e.texts[1])
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
			if t := norm(n.Text); !n.Interactive && !choice(n) && strings.HasPrefix(t, e.StartsWith) && t != e.StartsWith {
				add(strings.TrimSpace(t[len(e.StartsWith):]), i)
			}
		}
	case e.Follows != "":
		what = fmt.Sprintf("text after %q", e.Follows)
		for i, n := range o.Nodes {
			if n.Interactive || choice(n) || norm(n.Text) != e.Follows {
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
	case e.After != "":
		what = fmt.Sprintf("text with a value between %q and %q", e.After, e.Before)
		// A text without the anchor's words is passed over before it is
		// cut into words (learning tries many rules on every text).
		must := e.After
		if must == "^" {
			must = e.Before
		}
		must = firstWord(must)
		for i, n := range o.Nodes {
			if n.Interactive || choice(n) || n.Text == "" || !strings.Contains(n.Text, must) {
				continue
			}
			t := norm(n.Text)
			if e.In != "" && firstWord(t) != e.In {
				continue
			}
			if v, ok := between(t, e.After, e.Before); ok {
				add(v, i)
			}
		}
	case strings.HasPrefix(e.Row, "\x00") && e.KeyColumn != "":
		key := e.Row[1:]
		what = fmt.Sprintf("%q cell of a row whose %q is %q", e.Column, e.KeyColumn, key)
		keys := rowCells(o, e.KeyColumn)
		for i, n := range o.Nodes {
			if n.Role != "cell" && n.Role != "gridcell" || n.Place == nil || norm(n.Place.ColumnHeader) != e.Column {
				continue
			}
			if keys[rowKey{n.Place.Container, n.Place.Row}] == key {
				add(norm(n.Text), i)
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
	texts := make([]string, len(hits))
	for i, h := range hits {
		texts[i] = h.text
	}
	return "", -1, &severalError{texts, what}
}

// take applies Quote, Split/Part and Transform to the anchor's text.
func (e Extract) take(text string) (string, error) {
	switch qs := quoted(text); {
	case e.Quote == -1:
		// A text that quotes nothing lists nothing: a loop over it runs
		// no times ("Sign in …" with or without "and tick “Keep me
		// signed in”").
		text = strings.Join(qs, "\n")
	case e.Quote > 0:
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
		if e.Part == -1 {
			text = lastPart(text)
		}
	}
	if e.Chars > 0 {
		r := []rune(text)
		if len(r) < e.Chars {
			return "", fmt.Errorf("%q is shorter than %d characters", text, e.Chars)
		}
		text = string(r[:e.Chars])
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

// separators are where a text may be split into parts or list items; the
// arrows are those of menu paths and breadcrumbs ("Edit › Insert › Table").
var arrows = []string{" › ", " » ", " > "}

var separators = []string{", ", "; ", " / ", " - ", " › ", " » ", " > ", " ", "/", "-", "@", ",", ":"}

// lastPart is the last part of a split text without the sentence's full
// stop (or question or exclamation mark): "Edit › Insert › Table." ends
// in "Table".
func lastPart(s string) string {
	s = strings.TrimSpace(s)
	if t := strings.TrimRight(s, ".!?"); t != "" {
		return t
	}
	return s
}

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
	wantDate := looksLikeDate(want)
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
						pieces = append(pieces, piece{p.quote, -1, sep, lastPart(part)})
					}
				}
			}
		}
		type cut struct {
			piece
			chars int
		}
		var cuts []cut
		for _, p := range pieces {
			cuts = append(cuts, cut{p, 0})
			if n := len([]rune(want)); n < len([]rune(p.text)) && strings.HasPrefix(strings.ToLower(p.text), strings.ToLower(want)) {
				cuts = append(cuts, cut{piece{p.quote, p.part, p.split, string([]rune(p.text)[:n])}, n})
			}
		}
		for _, p := range cuts {
			// Only a case or date transform can turn a piece into want.
			if !wantDate && !strings.EqualFold(p.text, want) {
				continue
			}
			for _, tr := range transformsTo(p.text, want) {
				r := base
				r.Quote, r.Split, r.Part, r.Chars, r.Transform = p.quote, p.split, p.part, p.chars, tr
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
		if choice(n) {
			continue // a list's choices say what can be picked, not what to pick
		}
		t := norm(n.Text)
		if t != "" && !strings.Contains(strings.ToLower(t), strings.ToLower(firstWord(want))) && !wantDate {
			t = "" // the value cannot come from this text
		}
		if t != "" {
			if k := labelColon(t); k > 0 {
				try(Extract{StartsWith: t[:k+1]}, strings.TrimSpace(t[k+1:]))
			}
			if k := strings.IndexAny(t, "\"“„«‘'"); k > 0 {
				prefix := strings.TrimSpace(t[:k])
				if prefix != "" && len(prefix) < 80 {
					try(Extract{StartsWith: prefix}, strings.TrimSpace(t[len(prefix):]))
				}
			}
			for _, sp := range spans(t, 6) {
				if sp[0] == "^" && n.Role == "heading" {
					// A heading names the page ("Redeem a voucher");
					// it is not an instruction whose first word, its
					// verb, other data may change.
					continue
				}
				try(Extract{After: sp[0], Before: sp[1]}, sp[2])
				if sp[0] != "^" {
					try(Extract{After: sp[0], Before: sp[1], In: firstWord(t)}, sp[2])
				}
			}
			// A label's value is short; a sentence after a heading is
			// not what the heading names (a note may come between).
			if p := prevText(o, i); p != "" && len(p) < 60 && !n.Interactive && len(strings.Fields(t)) <= 5 && !strings.ContainsAny(t, "\"“”„«»") {
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
		if o.Nodes[j].Interactive || choice(o.Nodes[j]) {
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
	case e.After != "":
		// Anchors of small lower-case words ("from", "to") or
		// punctuation are the template's; a capitalised word is more
		// likely data.
		c = 6
		if !templateWords(e.After) {
			c += 4 // a capitalised word or a number is likely data
		}
		if e.Before != "" && e.Before != "$" && !templateWords(e.Before) {
			c += 2 // …less so after the value: often the next label
		}
		if e.In == "" {
			c++ // any text with these words, not only the sentence's
		}
		if n := len(tokens(e.After)); n > 2 || n == 2 && !strings.HasSuffix(e.After, " :") {
			c += 2 // "Email :" is a label; "the first" or `for "` two tokens
		} else if r := []rune(e.After); len(r) == 1 && !unicode.IsLetter(r[0]) {
			c += 2 // a lone ":" or "," is in many texts
		}
	default:
		// A long beginning is likely to hold data ("Reject the claim
		// of"): each word after the first costs one.
		c = 3 + len(strings.Fields(e.StartsWith))
	}
	if e.Quote != 0 {
		c++
	}
	if e.Chars > 0 {
		c += 5 // only when no whole word or part will do
	}
	if e.Split != "" {
		// The nth word of a long text is brittle: a later piece, or a
		// split at spaces, costs more.
		part := e.Part
		if part < 0 {
			part = -part
		}
		c += 3 + min(part-1, 10)
		if e.Split == " " {
			c++
		}
	}
	if e.Transform != "" {
		c += 2
	}
	return c
}

// token is a word, or one mark of punctuation, of a text.
type token struct {
	text       string
	start, end int // byte offsets
}

// tokens splits s into words (letters and digits, with the marks that
// hold a word together: "O'Neil", "a@b.org", "03/07/2026", "12:30") and
// single marks of punctuation; a full stop, comma, colon or similar at a
// word's end is a token of its own.
func tokens(s string) []token {
	var out []token
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	inner := func(r rune) bool { return strings.ContainsRune("'’@._-/:,+#&", r) }
	rs := []rune(s)
	off := make([]int, len(rs)+1)
	for i, b := 0, 0; i < len(rs); i++ {
		off[i] = b
		b += utf8.RuneLen(rs[i])
		off[i+1] = b
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case isWord(r):
			j := i + 1
			for j < len(rs) && (isWord(rs[j]) || inner(rs[j]) && j+1 < len(rs) && isWord(rs[j+1])) {
				j++
			}
			out = append(out, token{string(rs[i:j]), off[i], off[j]})
			i = j
		default:
			out = append(out, token{string(r), off[i], off[i+1]})
			i++
		}
	}
	return out
}

// seqAt reports whether the words of seq (tokens joined by spaces) stand
// at ts[i:].
func seqAt(ts []token, i int, seq []string) bool {
	if i+len(seq) > len(ts) {
		return false
	}
	for k, w := range seq {
		if ts[i+k].text != w {
			return false
		}
	}
	return true
}

// between finds, in s, the first place where the words after are
// followed by one or more words and then by before — or the end of s:
// less a closing full stop when before is "", as it is when before is "$"
// or does not follow; it returns the words in between as they stand in s.
func between(s, after, before string) (string, bool) {
	return betweenTokens(s, tokens(s), after, before)
}

// betweenTokens is between with s already cut into tokens.
func betweenTokens(s string, ts []token, after, before string) (string, bool) {
	a := strings.Fields(after)
	b := strings.Fields(before)
	if after == "^" {
		// The value begins the text and runs up to before, which must
		// follow: "Reject the claim of …" (the instruction's verb).
		if len(b) == 0 || before == "$" {
			return "", false
		}
		for j := 1; j < len(ts); j++ {
			if seqAt(ts, j, b) {
				return s[ts[0].start:ts[j-1].end], true
			}
		}
		return "", false
	}
	for i := 0; i+len(a) < len(ts); i++ {
		if !seqAt(ts, i, a) {
			continue
		}
		first := i + len(a)
		if before == "$" {
			return s[ts[first].start:ts[len(ts)-1].end], true
		}
		if len(b) == 0 {
			last := len(ts)
			if last > first+1 && strings.ContainsAny(ts[last-1].text, ".!?") {
				last--
			}
			return s[ts[first].start:ts[last-1].end], true
		}
		for j := first + 1; j < len(ts); j++ {
			if seqAt(ts, j, b) {
				return s[ts[first].start:ts[j-1].end], true
			}
		}
		// The value is the last of a list ("…, Email: a@b.org"): it runs
		// to the end.
		return s[ts[first].start:ts[len(ts)-1].end], true
	}
	return "", false
}

// spans lists the ways to cut a value of one to maxWords words out of s, by
// the one or two words before it and the word after it (or the end):
// [after, before, value].
func spans(s string, maxWords int) [][3]string {
	ts := tokens(s)
	if len(ts) > 80 {
		return nil
	}
	var out [][3]string
	list := len(labelled.FindAllString(s, -1)) >= 2
	// The first words, up to the word after them: a sentence that
	// begins with the value ("Reject the claim of …").
	for k := 1; k <= maxWords && k < len(ts); k++ {
		if v, ok := betweenTokens(s, ts, "^", ts[k].text); ok && v == s[ts[0].start:ts[k-1].end] {
			out = append(out, [3]string{"^", ts[k].text, v})
		}
	}
	for i := 1; i < len(ts); i++ {
		for k := 1; k <= maxWords && i+k <= len(ts); k++ {
			befores := []string{""}
			switch {
			case i+k < len(ts):
				befores = []string{ts[i+k].text}
			case list:
				// The last of a list of labelled values: it ends, as the
				// others do, at a comma — on other data it may be first.
				befores = []string{",", ";", "and"}
			default:
				// …or where other data goes on: "Username: ken36" and
				// "Username: sophie24 and tick …".
				befores = append(befores, "$", ",", ";", "and")
			}
			for _, n := range []int{1, 2} {
				if i-n < 0 {
					continue
				}
				var words []string
				for _, t := range ts[i-n : i] {
					words = append(words, t.text)
				}
				after := strings.Join(words, " ")
				for _, before := range befores {
					v, ok := betweenTokens(s, ts, after, before)
					if ok && v == s[ts[i].start:ts[i+k-1].end] {
						out = append(out, [3]string{after, before, v})
					}
				}
			}
		}
	}
	return out
}

// labelled finds the labels of a list of labelled values ("Email: a@b.org,
// Phone: 555"): a label at the start or after a comma or semicolon.
var labelled = regexp.MustCompile(`(?:^|[,;] )[^,;:"“”]{1,40}: `)

// templateWords reports whether the anchor is punctuation or lower-case
// words, the fixed part of an instruction.
func templateWords(s string) bool {
	if strings.HasSuffix(s, ":") {
		return true // a label: "Born:"
	}
	for _, w := range strings.Fields(s) {
		if len([]rune(w)) == 1 && !unicode.IsLetter([]rune(w)[0]) && !unicode.IsDigit([]rune(w)[0]) {
			continue // punctuation
		}
		for _, r := range w {
			if !unicode.IsLower(r) {
				return false // capitalised, a number, an address: data
			}
		}
	}
	return true
}

// wordsOf reports whether the rule reads a value out of running text on o
// by the text's fixed words: a label or the words before a quote
// (StartsWith), or small words around it (After and Before) — but not a
// word before a colon, which is a label itself; and at most a part of one
// compound word split at a mark: the year of "2025/Thistle", the hour of
// "10:40".
func (e Extract) wordsOf(o recording.Outline) bool {
	arrow := slices.Contains(arrows, e.Split)
	if e.Split != "" && e.Chars == 0 {
		whole := e
		whole.Split, whole.Part, whole.Transform = "", 0, ""
		// A menu path or breadcrumb ("Format › Bold") is one thing
		// named in parts, whatever the words of each part.
		if text, err := whole.Eval(o); err != nil || len(tokens(text)) != 1 && !arrow {
			return false
		}
		e.Split = ""
	}
	if e.StartsWith != "" {
		return e.Split == "" && e.Chars == 0
	}
	if e.After == "^" {
		// The instruction's first word, its verb ("Reject the claim of
		// …"), followed by a small word.
		return e.Split == "" && e.Chars == 0 && e.Quote == 0 && words(e.Before) == 1 && templateWords(e.Before)
	}
	// A path may follow the instruction's verb: "Choose Format › Bold".
	verb := arrow && words(e.After) == 1 && templateWords(strings.ToLower(e.After))
	if e.After == "" || !templateWords(e.After) && !verb || e.Split != "" || e.Chars != 0 {
		return false
	}
	if r := []rune(e.After); len(r) == 1 && !unicode.IsLetter(r[0]) {
		return false // a lone mark of punctuation says nothing
	}
	return e.Before == "" || e.Before == "$" || templateWords(e.Before) && e.Before != ":"
}

// choice reports whether a node is one of the choices of a list, menu,
// tab list or tree.
func choice(n recording.Node) bool {
	switch n.Role {
	case "option", "menuitem", "menuitemcheckbox", "menuitemradio", "tab", "treeitem":
		return true
	}
	return n.Tag == "option"
}

// labelColon returns the index of the colon that ends a label at the
// start of t ("Username: ada"), -1 if there is none: a colon followed by
// a space, after at most four words (not the colon of "10:30").
func labelColon(t string) int {
	k := strings.Index(t, ":")
	if k <= 0 || k > 60 || k+1 < len(t) && t[k+1] != ' ' || len(strings.Fields(t[:k])) > 4 {
		return -1
	}
	return k
}

// words counts the tokens of s that are words, not marks of punctuation.
func words(s string) int {
	n := 0
	for _, t := range tokens(s) {
		if r := []rune(t.text); len(r) > 1 || unicode.IsLetter(r[0]) || unicode.IsDigit(r[0]) {
			n++
		}
	}
	return n
}
