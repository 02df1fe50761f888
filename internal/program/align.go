package program

import (
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/recording"
)

// unit is a step of a demo or a loop of steps: iters holds each pass
// through the loop's body (a plain step has one pass of one action).
type unit struct {
	loop  bool
	body  []string // the body's action signatures
	iters [][]action
}

func (u unit) sig() string {
	if u.loop {
		return "loop(" + strings.Join(u.body, ";") + ")"
	}
	return u.iters[0][0].sig()
}

// first is the unit's first action, for errors.
func (u unit) first() action { return u.iters[0][0] }

// itemOf is the text that tells one pass of a loop from another: the
// label, name, text or row of the target of the body's first click-like
// action.
func itemField(a action) string {
	if a.target == nil {
		return ""
	}
	t := a.target
	for _, s := range []string{t.Label, t.Name, t.Text} {
		if s = norm(s); s != "" {
			return s
		}
	}
	if t.Place != nil {
		return norm(t.Place.RowKey)
	}
	return ""
}

// varies reports whether the passes act on elements that differ in
// their item text: a loop over items, not one element clicked again.
func varies(passes [][]action) bool {
	for j := range passes[0] {
		a := passes[0][j]
		if a.kind == ActType || a.kind == ActSelect || a.target == nil || isField(a.target) {
			continue
		}
		seen := map[string]bool{}
		for _, p := range passes {
			seen[itemField(p[j])] = true
		}
		if len(seen) == len(passes) {
			return true
		}
	}
	return false
}

func sigs(as []action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.sig()
	}
	return out
}

func equalSigs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// findLoops finds, in one demo, runs of two or more passes through the
// same body of one to three actions on different items.
func findLoops(as []action) [][]string {
	var bodies [][]string
	for i := 0; i < len(as); {
		best, bestK := 0, 0
		for p := 1; p <= 3 && i+2*p <= len(as); p++ {
			body := sigs(as[i : i+p])
			k := 1
			for i+(k+1)*p <= len(as) && equalSigs(sigs(as[i+k*p:i+(k+1)*p]), body) {
				k++
			}
			if k < 2 {
				continue
			}
			var passes [][]action
			for j := 0; j < k; j++ {
				passes = append(passes, as[i+j*p:i+(j+1)*p])
			}
			if varies(passes) && oneLandmark(passes) && listed(passes) && p*k > best*bestK {
				best, bestK = p, k
			}
		}
		if best == 0 {
			i++
			continue
		}
		bodies = append(bodies, sigs(as[i:i+best]))
		i += best * bestK
	}
	return bodies
}

// oneLandmark reports whether each action of the body acts, in every
// pass, within the same landmark or dialog: the items of one list stand
// together, and a dialog's button clicked before a page's button is not
// a pass through a loop with it.
func oneLandmark(passes [][]action) bool {
	for j := range passes[0] {
		for _, p := range passes[1:] {
			a, b := passes[0][j].target, p[j].target
			if a != nil && b != nil && norm(a.Landmark) != norm(b.Landmark) {
				return false
			}
		}
	}
	return true
}

// units groups a demo's actions into steps and loops over the bodies
// found in any demo: a body that one demo repeats is a loop in every demo,
// even one that went through it once.
func units(as []action, bodies [][]string) []unit {
	var out []unit
	for i := 0; i < len(as); {
		matched := false
		for _, body := range bodies {
			p := len(body)
			k := 0
			for i+(k+1)*p <= len(as) && equalSigs(sigs(as[i+k*p:i+(k+1)*p]), body) {
				k++
			}
			if k == 0 {
				continue
			}
			u := unit{loop: true, body: body}
			for j := 0; j < k; j++ {
				u.iters = append(u.iters, as[i+j*p:i+(j+1)*p])
			}
			out = append(out, u)
			i += k * p
			matched = true
			break
		}
		if !matched {
			out = append(out, unit{iters: [][]action{{as[i]}}})
			i++
		}
	}
	return out
}

// column is one step of the program across demos: the unit each demo did
// for it, nil where a demo did not.
type column []*unit

// align lines up the demos' units, in order, by signature, preferring
// matches whose targets read the same (a longest common subsequence with
// weights); a unit a demo has and the others lack gets a column of its own.
func align(demos [][]unit) []column {
	n := len(demos)
	var cols []column
	for _, u := range demos[0] {
		c := make(column, n)
		u := u
		c[0] = &u
		cols = append(cols, c)
	}
	for d := 1; d < n; d++ {
		us := demos[d]
		rep := func(c column) *unit {
			for _, u := range c {
				if u != nil {
					return u
				}
			}
			return nil
		}
		score := func(c column, u unit) int {
			r := rep(c)
			if r.sig() != u.sig() {
				return -1
			}
			// A form's fields are told apart by their labels, not by
			// their order: another layout may put them in another.
			// (A field the data names — "set “Email” to …" — still
			// lines up when nothing better does.)
			if a, b := r.first(), u.first(); !r.loop && a.target != nil && (isField(a.target) || a.kind == ActType || a.kind == ActSelect) && itemField(a) != itemField(b) {
				return 1
			}
			return 2 + similar(r.first(), u.first())
		}
		// dp[i][j]: best score aligning cols[i:] with us[j:].
		dp := make([][]int, len(cols)+1)
		for i := range dp {
			dp[i] = make([]int, len(us)+1)
		}
		for i := len(cols); i >= 0; i-- {
			for j := len(us); j >= 0; j-- {
				if i == len(cols) || j == len(us) {
					continue
				}
				best := max(dp[i+1][j], dp[i][j+1])
				if s := score(cols[i], us[j]); s > 0 {
					best = max(best, s+dp[i+1][j+1])
				}
				dp[i][j] = best
			}
		}
		var merged []column
		i, j := 0, 0
		for i < len(cols) || j < len(us) {
			switch {
			case i < len(cols) && j < len(us) && score(cols[i], us[j]) > 0 && dp[i][j] == score(cols[i], us[j])+dp[i+1][j+1]:
				u := us[j]
				cols[i][d] = &u
				merged = append(merged, cols[i])
				i++
				j++
			case i < len(cols) && (j == len(us) || dp[i][j] == dp[i+1][j]):
				merged = append(merged, cols[i])
				i++
			default:
				c := make(column, n)
				u := us[j]
				c[d] = &u
				merged = append(merged, c)
				j++
			}
		}
		cols = merged
	}
	return cols
}

// listed reports whether the passes go over items that look like a list:
// their elements share a list or table, or the page names every item in
// one text (quoted, or separated by commas). Fields of a form, filled one
// after the other, are not a loop.
func listed(passes [][]action) bool {
	for j := range passes[0] {
		a := passes[0][j]
		if a.target == nil || a.kind == ActType || a.kind == ActSelect || isField(a.target) {
			continue
		}
		if p := a.target.Place; p != nil && p.Container >= 0 && all3(column0(passes, j), func(b action) bool {
			return b.target.Place != nil && b.target.Place.Container == p.Container
		}) {
			return true
		}
		// Rows of one table whose later passes were described after the
		// table changed: the same column (by its header, or by its place
		// when the column has no header, as a column of star buttons).
		if p := a.target.Place; p != nil && p.Row >= 0 && (p.ColumnHeader != "" || p.Column >= 0) && all3(column0(passes, j), func(b action) bool {
			q := b.target.Place
			return q != nil && q.Row >= 0 && q.ColumnHeader == p.ColumnHeader && (p.ColumnHeader != "" || q.Column == p.Column)
		}) {
			return true
		}
		var items []string
		for _, pass := range passes {
			items = append(items, strings.ToLower(itemField(pass[j])))
		}
		for _, page := range a.pages {
			for _, n := range page.Nodes {
				t := strings.ToLower(norm(n.Text))
				if len(t) < 3 {
					continue
				}
				named := 0
				qs := quoted(t)
				for _, it := range items {
					if it != "" && (slices.Contains(qs, it) || strings.Contains(t, it+",") || strings.Contains(t, ", "+it) || strings.Contains(t, "and "+it)) {
						named++
					}
				}
				if named == len(items) {
					return true
				}
			}
		}
	}
	return false
}

// column0 is the j-th action of every pass.
func column0(passes [][]action, j int) []action {
	out := make([]action, len(passes))
	for i, p := range passes {
		out[i] = p[j]
	}
	return out
}

// isField reports whether a node is a field one types into: a click on
// it only puts the focus there.
func isField(n *recording.Node) bool {
	switch n.Role {
	case "textbox", "searchbox", "combobox", "spinbutton":
		return true
	}
	return n.Tag == "textarea" || n.Tag == "input" && n.Role == ""
}

// similar scores how alike two actions' targets are, beyond their kind:
// the same text counts most; then being late alike, the same landmark,
// the same heading — so that a day picked in a calendar lines up with the
// day of another demo, not with a "Next month" that demo did not need.
func similar(a, b action) int {
	s := 0
	if itemField(a) == itemField(b) {
		s += 4
	}
	if a.late == b.late {
		s++
	}
	if dataLike(a) == dataLike(b) {
		s += 2
	}
	if a.target != nil && b.target != nil {
		if a.target.Landmark == b.target.Landmark {
			s++
		}
		if a.target.Heading == b.target.Heading {
			s++
		}
	}
	return s
}

// dataLike reports whether the action's target reads text that the page
// says elsewhere (a day the instruction names), unlike a control that is
// always there ("Next month").
func dataLike(a action) bool {
	item := strings.ToLower(itemField(a))
	if item == "" {
		return false
	}
	for _, page := range a.pages {
		for _, n := range page.Nodes {
			if !n.Interactive && !choice(n) && n.Ref != a.target.Ref && strings.Contains(strings.ToLower(n.Text), item) && len(n.Text) > len(item) {
				return true
			}
		}
	}
	return false
}

// group is a run of a demo's actions on one element that sets its state:
// a field clicked and typed into, a box ticked. Such actions on different
// elements commute: filling a form's fields in another order, or ticking
// before unticking, does the same.
type group struct {
	at, n int // as[at : at+n]
	field bool
}

// setsState reports whether an action sets the state of its own element.
func setsState(a action) bool {
	if a.target == nil {
		return false
	}
	switch a.kind {
	case ActType, ActSelect, ActCheck, ActUncheck:
		return true
	}
	return a.kind == ActClick && isField(a.target) && a.repeat == 1
}

// groups splits a demo's actions into groups (an action that sets no
// state is a group of its own, with n 0 for "not a setting").
func groups(as []action) []group {
	var out []group
	for i := 0; i < len(as); {
		a := as[i]
		if !setsState(a) {
			out = append(out, group{at: i})
			i++
			continue
		}
		j := i + 1
		for j < len(as) && setsState(as[j]) && sameNode(as[j].target, a.target) && (as[j].kind == ActType || as[j].kind == ActSelect || as[j].kind == ActClick && isField(as[j].target)) {
			j++
		}
		g := group{at: i, n: j - i}
		for _, b := range as[i:j] {
			if b.kind == ActType || b.kind == ActSelect || b.kind == ActClick {
				g.field = true
			}
		}
		out = append(out, g)
		i = j
	}
	return out
}

// commute puts, in each demo, the commuting actions of a run of fields or
// of boxes into one order, so that demos that filled a form in the order
// of its layout (which differs between instances) line up: fields in the
// order demo 1 filled them (a field demo 1 did not fill stays after the
// one before it), boxes ticked before boxes unticked. A run holds each
// element once; actions that set no state end it.
func commute(demos [][]action) {
	rank := map[string]int{}
	for _, g := range groups(demos[0]) {
		if a := demos[0][g.at]; g.field {
			if _, ok := rank[itemField(a)]; !ok {
				rank[itemField(a)] = len(rank)
			}
		}
	}
	for d, as := range demos {
		gs := groups(as)
		out := make([]action, 0, len(as))
		for i := 0; i < len(gs); {
			g := gs[i]
			if g.n == 0 {
				out = append(out, as[g.at])
				i++
				continue
			}
			// The run of groups of the same sort, on distinct elements.
			j := i + 1
			seen := map[string]bool{what(as[g.at].target): true}
			for j < len(gs) && gs[j].n > 0 && gs[j].field == g.field && !seen[what(as[gs[j].at].target)] {
				seen[what(as[gs[j].at].target)] = true
				j++
			}
			run := slices.Clone(gs[i:j])
			key := make([]int, len(run))
			last := -1
			for k, r := range run {
				a := as[r.at]
				switch {
				case !g.field && a.kind == ActUncheck:
					key[k] = 1
				case !g.field:
					key[k] = 0
				default:
					if x, ok := rank[itemField(a)]; ok {
						last = x
					}
					key[k] = last
				}
			}
			idx := make([]int, len(run))
			for k := range idx {
				idx[k] = k
			}
			slices.SortStableFunc(idx, func(x, y int) int { return key[x] - key[y] })
			for _, k := range idx {
				out = append(out, as[run[k].at:run[k].at+run[k].n]...)
			}
			i = j
		}
		demos[d] = out
	}
}
