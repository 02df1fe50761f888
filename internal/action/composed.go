package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/actor"
	"github.com/allmende/allmende/internal/attrib"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// A composed automation chains listed automations: its parts run one
// after the other in one run, and the text a part ends with (found by a
// CSS selector on its last page) can become a parameter of the next. Its
// price is at least what its parts cost together (checked when composed
// and again when a run starts), and a run pays, in its one reward.split
// event, each part's author(s) what a direct run of the part pays them,
// and the markup's authors' share among the parts' authors by their share
// of the steps (settleComposed). Its composer's test run is not free: it
// pays the parts' prices. A part that fails fails the run, which is
// refunded: nobody is paid for half a chain.
//
// Any part but the last may pass on an output: after a learned program's
// run (actor.Options.Report) or a recording's replay
// (replay.Options.Report) succeeded, the same report expression (reportJS)
// reads the text at the part's selector on the page it ended on.

// MaxParts bounds a composed automation's chain; MaxSelectorLen an
// output's selector.
const (
	MaxParts       = 5
	MaxSelectorLen = 200
)

// Part is one link of a composed automation as the listing shows it.
type Part struct {
	Automation string `json:"automation"`
	Title      string `json:"title,omitempty"`
	Author     string `json:"author,omitempty"`
	Steps      int    `json:"steps,omitempty"`
	// Input is this part's parameter that gets the previous part's
	// output ("" for none); Output is the CSS selector, on the page this
	// part ends on, of the text passed on ("" for none).
	Input  string `json:"input,omitempty"`
	Output string `json:"output,omitempty"`
	// Listed says the part is still in the marketplace (a listing shows
	// it; what a member composes from is listed).
	Listed bool `json:"listed"`
	// Open says the viewer of the chain may open the part's own page: a
	// listed part anyone, one no longer listed only its author and
	// stewards (a withdrawn one nobody). A page links only such parts.
	Open bool `json:"-"`
}

// Composition is what a member says about a new composed automation.
type Composition struct {
	Publication
	Parts []Part `json:"parts"`
}

// partRow is a part as a run needs it.
type partRow struct {
	a             Automation
	input, output string
}

// Compose makes a composed automation of listed automations. Like any
// other it is listed only after its test run; its composer need not be a
// part's author and is paid only as one.
func (s *Service) Compose(ctx context.Context, m member.Member, c Composition) (Automation, error) {
	parts, err := s.checkComposition(ctx, &c)
	if err != nil {
		return Automation{}, err
	}
	draft := Automation{Composed: true}
	for i, p := range c.Parts {
		draft.Parts = append(draft.Parts, Part{Automation: parts[i].Slug, Input: p.Input})
	}
	draft.Parameters = composedParameters(parts, draft.Parts)
	if len(c.Samples) > 0 {
		if err := bindComposed(draft, c.Samples); err != nil {
			return Automation{}, &problem.Error{Kind: problem.Invalid, Message: "the samples do not fit the parts", Fields: map[string]string{"samples": err.Error()}}
		}
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO automations (slug, recording_id, author_id, title, description, price_per_run, status, created_at, samples, composed)
			VALUES ($1, $2, $3, $4, $5, $6, 'published', $7, $8, 1) RETURNING id`, c.Slug, parts[0].recordingID, m.ID, c.Title, c.Description, c.PricePerRun, store.Now(),
			s.sealSamples(c.Slug, c.Samples)).Scan(&id)
		if err != nil {
			return err
		}
		for i, p := range c.Parts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO automation_parts (automation_id, position, part_id, input, output) VALUES ($1, $2, $3, $4, $5)`,
				id, i, parts[i].rowID, p.Input, p.Output); err != nil {
				return err
			}
		}
		return nil
	})
	if store.IsUniqueViolation(err) {
		return Automation{}, &problem.Error{Kind: problem.Conflict, Message: "an automation with this id exists", Fields: map[string]string{"id": "taken"}}
	}
	if err != nil {
		return Automation{}, fmt.Errorf("compose: %w", err)
	}
	return s.AutomationFor(ctx, m, c.Slug)
}

// CheckComposition says what is wrong with a composition, every field's
// problem at once (a form shows them all), without composing it.
func (s *Service) CheckComposition(ctx context.Context, c Composition) error {
	_, err := s.checkComposition(ctx, &c)
	return err
}

// checkComposition checks c (trimming its fields) and returns its parts.
func (s *Service) checkComposition(ctx context.Context, c *Composition) ([]Automation, error) {
	f := problem.Fields{}
	f.Merge(c.validate())
	if len(c.Parts) < 2 || len(c.Parts) > MaxParts {
		f.Add("parts", "chain 2 to %d listed automations", MaxParts)
		return nil, f.Err()
	}
	parts := make([]Automation, len(c.Parts))
	for i, p := range c.Parts {
		field := "parts." + strconv.Itoa(i)
		a, err := s.Automation(ctx, strings.TrimSpace(p.Automation))
		if problem.Is(err, problem.NotFound) {
			f.Add(field+".automation", "no listed automation %q", p.Automation)
			continue
		}
		if err != nil {
			return nil, err
		}
		parts[i] = a
		if a.Composed {
			f.Add(field+".automation", "%s is itself composed; chain its parts instead", a.Slug)
		}
		if p.Output != "" {
			switch {
			case i == len(c.Parts)-1:
				f.Add(field+".output", "the last part has nobody to pass its output to")
			case c.Parts[i+1].Input == "":
				f.Add(field+".output", "the next part takes no input: name its parameter that gets this output")
			case utf8.RuneCountInString(p.Output) > MaxSelectorLen:
				f.Add(field+".output", "a CSS selector of at most %d characters", MaxSelectorLen)
			}
			f.Line(field+".output", p.Output)
		}
		if p.Input != "" {
			if i == 0 || c.Parts[i-1].Output == "" {
				f.Add(field+".input", "the previous part passes on no output")
			}
			if !hasParam(a.Parameters, p.Input) {
				f.Add(field+".input", "%s has no parameter %q", a.Slug, p.Input)
			}
		}
	}
	if _, bad := f["price_per_run"]; !bad {
		// A chain costs at least what its parts cost one by one: else
		// anyone could run others' paid automations for less.
		var sum int64
		for _, a := range parts {
			var err error
			if sum, err = points.Add(sum, a.PricePerRun); err != nil {
				return nil, err
			}
		}
		if c.PricePerRun < sum {
			f.Add("price_per_run", "at least %s, what its parts cost together", s.money(sum))
		}
	}
	return parts, f.Err()
}

func hasParam(ps []recording.Parameter, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

// composedParameters are what a runner fills in for a chain: every part's
// parameters but those fed by the previous part, once per name (parts
// that share a name share the value).
func composedParameters(parts []Automation, spec []Part) []recording.Parameter {
	out := []recording.Parameter{}
	for i, a := range parts {
		for _, p := range a.Parameters {
			if p.Name == spec[i].Input || hasParam(out, p.Name) {
				continue
			}
			out = append(out, p)
		}
	}
	return out
}

// bindComposed says whether values give every parameter of a composed
// automation (a.Parameters, a.Parts) a value and name no other.
func bindComposed(a Automation, values map[string]string) error {
	var missing []string
	for _, p := range a.Parameters {
		if _, ok := values[p.Name]; !ok && p.Default == "" {
			missing = append(missing, p.Name)
		}
	}
	for name := range values {
		if !hasParam(a.Parameters, name) {
			return fmt.Errorf("the automation has no parameter %q", name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no value for %s", strings.Join(missing, ", "))
	}
	return nil
}

// partsOf reads a composed automation's parts, in order.
func (s *Service) partsOf(ctx context.Context, q store.Querier, automationID int64) ([]partRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT part_id, input, output FROM automation_parts WHERE automation_id = $1 ORDER BY position`, automationID)
	if err != nil {
		return nil, fmt.Errorf("parts: %w", err)
	}
	var ids []int64
	var out []partRow
	for rows.Next() {
		var id int64
		var p partRow
		if err := rows.Scan(&id, &p.input, &p.output); err != nil {
			rows.Close()
			return nil, err
		}
		ids, out = append(ids, id), append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, id := range ids {
		a, err := scanAutomation(q.QueryRowContext(ctx, `SELECT `+automationColumns+automationFrom+` WHERE a.id = $1`, id))
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i+1, err)
		}
		out[i].a = a
	}
	return out, nil
}

// withParts fills in a composed automation's parts, steps and parameters;
// visible says which parts the viewer may open (as AutomationFor decides).
func (s *Service) withParts(ctx context.Context, a Automation, visible func(Automation) bool) (Automation, error) {
	rows, err := s.partsOf(ctx, s.db.Read(), a.rowID)
	if err != nil {
		return Automation{}, err
	}
	parts := make([]Automation, len(rows))
	a.Parts, a.Steps = nil, 0
	for i, r := range rows {
		p := r.a
		if p.Status == "published" {
			// A part withdrawn or erased since has no parameters to
			// show; the chain's runs fail until its composer replaces it.
			if p.Parameters, err = s.parameters(ctx, p); err != nil && !problem.Is(err, problem.NotFound) {
				return Automation{}, err
			}
		}
		parts[i] = p
		a.Steps += p.Steps
		listed := p.Status == "published" && p.Listed
		a.Parts = append(a.Parts, Part{Automation: p.Slug, Title: p.Title, Author: p.Author, Steps: p.Steps, Input: r.input, Output: r.output, Listed: listed,
			Open: p.Status == "published" && visible(p)})
		if !listed && a.Lapsed == "" {
			a.Lapsed = lapsedMessage(i, p.Slug)
		}
	}
	a.Listed = a.Listed && a.Lapsed == ""
	a.Parameters = composedParameters(parts, a.Parts)
	return a, nil
}

// lapsedPart is the SQL condition, on a chain a, that one of its parts is
// no longer listed: the marketplace leaves such a chain out.
const lapsedPart = `SELECT 1 FROM automation_parts ap JOIN automations pa ON pa.id = ap.part_id
	WHERE ap.automation_id = a.id AND (pa.status <> 'published' OR pa.listed = 0)`

func lapsedMessage(i int, slug string) string {
	return fmt.Sprintf("part %d (%s) is no longer listed", i+1, slug)
}

// retestChains makes every chain with the part a new version, out of the
// marketplace until its own test run succeeds: the part it was tested
// with left the marketplace and comes back (listed again, perhaps as a
// new version of its own) — the chain's test run no longer vouches for
// it. In the transaction that lists the part.
func retestChains(ctx context.Context, tx *store.Tx, partID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE automations SET version = version + 1, listed = 0
		WHERE composed = 1 AND id IN (SELECT automation_id FROM automation_parts WHERE part_id = $1)`, partID)
	return err
}

// partsListed refuses a chain with a part no longer in the marketplace.
func (s *Service) partsListed(ctx context.Context, q store.Querier, automationID int64) error {
	rows, err := s.partsOf(ctx, q, automationID)
	if err != nil {
		return err
	}
	for i, r := range rows {
		if r.a.Status != "published" || !r.a.Listed {
			return &problem.Error{Kind: problem.Conflict, Message: lapsedMessage(i, r.a.Slug) + "; the chain runs again once it is listed and the chain's own test run has passed",
				Fields: map[string]string{"parts." + strconv.Itoa(i) + ".automation": "not listed"}}
		}
	}
	return nil
}

// reportJS is the report expression that reads a part's output: the value
// of a form field, or the text of any other element, that selector finds
// on the last page, as {"text": …}; null if none. The object tells what
// the page said from what a runner says when the expression itself
// failed (a JSON string: see partOutput).
func reportJS(selector string) string {
	sel, _ := json.Marshal(selector)
	return `(() => { const e = document.querySelector(` + string(sel) + `); if (!e) return null;
		const v = (typeof e.value === 'string' && e.value !== '') ? e.value : e.innerText; return {text: (v || '').trim()}; })()`
}

// partOutput is the text a part passes on, from what reportJS returned
// for selector: an error if the selector found nothing, found only
// blank text or text no form takes, or the expression failed.
func partOutput(report json.RawMessage, selector string) (string, error) {
	var out struct {
		Text *string `json:"text"`
	}
	trimmed := strings.TrimSpace(string(report))
	if trimmed == "" || trimmed == "null" {
		return "", fmt.Errorf("it ended with nothing at %s to pass on", selector)
	}
	if err := json.Unmarshal(report, &out); err != nil || out.Text == nil {
		var msg string
		if json.Unmarshal(report, &msg) != nil || msg == "" {
			msg = "it returned " + trimmed
		}
		return "", fmt.Errorf("its output at %s could not be read: %s", selector, hideQueries(msg))
	}
	text := strings.TrimSpace(*out.Text)
	if text == "" {
		return "", fmt.Errorf("it ended with nothing at %s to pass on", selector)
	}
	if _, bad := controlRune(text); bad {
		return "", fmt.Errorf("the text at %s has a control character, which no form takes", selector)
	}
	return text, nil
}

// composedRun runs a chain's parts in order with the run's values, each
// given the previous one's output where it asks for it, and returns what
// the last part ended with as the run's output (run_output.go): the text
// at the output the chain names for it (which must be there, as for any
// part), else what a run of that part alone would show.
func (s *Service) composedRun(ctx context.Context, a Automation, plain string) ([]RunStep, int, string, error) {
	values := map[string]string{}
	if err := json.Unmarshal([]byte(plain), &values); err != nil {
		return nil, -1, "", fmt.Errorf("the run's values cannot be read: %w", err)
	}
	rows, err := s.partsOf(ctx, s.db.Read(), a.rowID)
	if err != nil {
		return nil, -1, "", err
	}
	var steps []RunStep
	var passed, output string
	for i, r := range rows {
		n := i + 1
		p := r.a
		if p.Status != "published" || !p.Listed {
			return steps, -1, "", errors.New(lapsedMessage(i, p.Slug))
		}
		params, err := s.parameters(ctx, p)
		if err != nil {
			return steps, -1, "", fmt.Errorf("part %d (%s): %w", n, p.Slug, err)
		}
		vals := map[string]string{}
		for _, prm := range params {
			if v, ok := values[prm.Name]; ok {
				vals[prm.Name] = v
			}
		}
		if r.input != "" {
			vals[r.input] = passed
		}
		var got []RunStep
		var failed int
		var report json.RawMessage
		var expr string
		last := i == len(rows)-1
		if r.output != "" {
			expr = reportJS(r.output)
		}
		switch {
		case last && r.output == "" && p.Learned:
			got, failed, report, err = s.act(ctx, *p.program, actor.Options{Params: vals, Report: outputJS("")})
			if err == nil {
				output = runOutput(report)
			}
		case last && r.output == "":
			got, failed, output, err = s.replayOutput(ctx, p, vals, "")
		case p.Learned:
			got, failed, report, err = s.act(ctx, *p.program, actor.Options{Params: vals, Report: expr})
		default:
			got, failed, report, err = s.replayReport(ctx, p, vals, expr)
		}
		base := len(steps)
		for _, st := range got {
			st.Index += base
			if st.Step == "" {
				st.Step = strconv.Itoa(st.Index - base + 1)
			}
			st.Step = strconv.Itoa(n) + "." + st.Step
			steps = append(steps, st)
		}
		if err != nil {
			if failed >= 0 {
				failed += base
			}
			return steps, failed, "", fmt.Errorf("part %d (%s): %w", n, p.Slug, err)
		}
		if r.output != "" {
			if passed, err = partOutput(report, r.output); err != nil {
				return steps, -1, "", fmt.Errorf("part %d (%s): %w", n, p.Slug, err)
			}
			if last {
				output = cutOutput(passed, MaxRunOutput)
			}
		}
	}
	return steps, -1, output, nil
}

// controlRune finds a control character (other than tab and newline) that
// no form would take as a parameter value.
func controlRune(s string) (rune, bool) {
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f {
			return r, true
		}
	}
	return 0, false
}

// isComposed says whether an automation is a chain, in tx.
func (s *Service) isComposed(ctx context.Context, q store.Querier, automationID int64) (bool, error) {
	var composed int
	err := q.QueryRowContext(ctx, `SELECT composed FROM automations WHERE id = $1`, automationID).Scan(&composed)
	return composed == 1, err
}

// partsPrice is what a chain's parts cost now, run one by one.
func partsPrice(rows []partRow) (int64, error) {
	var sum int64
	for _, r := range rows {
		var err error
		if sum, err = points.Add(sum, r.a.PricePerRun); err != nil {
			return 0, err
		}
	}
	return sum, nil
}

// partsPriced refuses a run of a chain priced below what its parts cost
// now (a part's price rose since it was composed), naming the part.
func (s *Service) partsPriced(ctx context.Context, q store.Querier, a Automation) error {
	rows, err := s.partsOf(ctx, q, a.rowID)
	if err != nil {
		return err
	}
	sum, err := partsPrice(rows)
	if err != nil {
		return err
	}
	if a.PricePerRun >= sum {
		return nil
	}
	// The dearest part is the likeliest to have risen; name it.
	k := 0
	for i, r := range rows {
		if r.a.PricePerRun > rows[k].a.PricePerRun {
			k = i
		}
	}
	return &problem.Error{Kind: problem.Conflict,
		Message: fmt.Sprintf("the parts now cost %s together (part %d, %s, costs %s) and the chain only %s; its composer must raise its price",
			s.money(sum), k+1, rows[k].a.Slug, s.money(rows[k].a.PricePerRun), s.money(a.PricePerRun)),
		Fields: map[string]string{"parts." + strconv.Itoa(k) + ".automation": "costs " + s.money(rows[k].a.PricePerRun) + " now", "price_per_run": "at least " + s.money(sum)}}
}

// settleComposed pays a chain's successful run in one reward.split event.
// Each part's author(s) get what a direct run of the part pays them now
// (its price less the treasury's cut, a learned part's share to its
// demonstrators), the treasury its cut of each; the chain's markup over
// the parts' prices is split the same way, its authors' share among the
// parts' authors by their parts' steps. A test run holds only the parts'
// prices, so it has no markup. Should the parts cost more than the run
// holds (their prices rose while it was queued), what it holds is shared
// among the parts by their prices first. The amounts are computed here
// exactly and passed to reward.Postings as integer weights, which it
// reproduces.
func (s *Service) settleComposed(ctx context.Context, tx *store.Tx, run Run, escrow string, held, share int64, slug string) (string, error) {
	rows, err := s.partsOf(ctx, tx, run.automationID)
	if err != nil {
		return "", err
	}
	if len(rows) == 0 {
		return "", errors.New("a composed automation without parts")
	}
	prices := make([]int64, len(rows))
	sum, err := partsPrice(rows)
	if err != nil {
		return "", err
	}
	for i, r := range rows {
		prices[i] = r.a.PricePerRun
	}
	if sum > held {
		w := make([]float64, len(rows))
		for i, p := range prices {
			w[i] = float64(p)
		}
		if prices, err = attrib.Split(held, w); err != nil {
			return "", err
		}
		sum = held
	}
	amounts := map[string]int64{}
	add := func(acct string, v int64) error {
		n, err := points.Add(amounts[acct], v)
		amounts[acct] = n
		return err
	}
	// cut is the treasury's part of a price, as a direct run takes it.
	cut := func(p int64) (int64, error) { return points.MulDiv(p, points.BasisPoints-share, points.BasisPoints) }
	parts := make([]string, len(rows))
	steps := make([]float64, len(rows))
	for i, r := range rows {
		parts[i] = r.a.Slug
		steps[i] = float64(max(r.a.Steps, 1))
		if prices[i] == 0 {
			continue
		}
		if r.a.Learned {
			// As a learned automation's own run pays: the authors' share
			// (rounded down) to its demonstrators, the rest the treasury's.
			authors, err := points.MulDiv(prices[i], share, points.BasisPoints)
			if err != nil {
				return "", err
			}
			accounts, weights, err := s.demoSplit(ctx, tx, r.a.rowID)
			if err != nil {
				return "", err
			}
			got, err := attrib.Split(authors, weights)
			if errors.Is(err, attrib.ErrNoWeight) {
				accounts, got = []string{reward.Treasury}, []int64{authors}
			} else if err != nil {
				return "", err
			}
			for k, acct := range accounts {
				if err := add(acct, got[k]); err != nil {
					return "", err
				}
			}
			if err := add(reward.Treasury, prices[i]-authors); err != nil {
				return "", err
			}
			continue
		}
		t, err := cut(prices[i])
		if err != nil {
			return "", err
		}
		if err := errors.Join(add(reward.Treasury, t), add(memberOrTreasury(r.a.Author), prices[i]-t)); err != nil {
			return "", err
		}
	}
	if markup := held - sum; markup > 0 {
		t, err := cut(markup)
		if err != nil {
			return "", err
		}
		got, err := attrib.Split(markup-t, steps)
		if err != nil {
			return "", err
		}
		if err := add(reward.Treasury, t); err != nil {
			return "", err
		}
		for i, r := range rows {
			if err := add(memberOrTreasury(r.a.Author), got[i]); err != nil {
				return "", err
			}
		}
	}
	accounts := make([]string, 0, len(amounts))
	for acct := range amounts {
		accounts = append(accounts, acct)
	}
	slices.Sort(accounts)
	weights := make([]float64, len(accounts))
	for i, acct := range accounts {
		weights[i] = float64(amounts[acct])
	}
	// Integer weights that add up to held: the largest-remainder split
	// gives each exactly its weight.
	_, postings, err := reward.Postings(reward.Payment{Payer: escrow, Total: held, ContributorBP: points.BasisPoints, Contributors: accounts, Weights: weights,
		Rest: reward.Treasury})
	if err != nil {
		return "", err
	}
	return s.reward.Transfer(ctx, tx, ledger.Event{Type: ledger.RewardSplit, Scope: "automation:" + slug, Postings: postings,
		Content: map[string]any{"run": run.ID, "parts": parts}})
}
