package action

import (
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/store"
)

// MaxRunOutput bounds a run's output in bytes: enough for a status, a
// tracking number or a short confirmation; a page's whole text is not
// what a member ran the automation for.
const MaxRunOutput = 4096

// outputJS is the report expression that reads what a run ended with, on
// the page it ended on: the text (or a form field's value) at selector
// when the author named where the task ends and that element is there,
// else the main text of the page (<main>, the element marked role=main,
// else the body). As {"text": …}, the shape reportJS gives, so that a
// chain's last part reads its named output the same way. The page text is
// cut in the page to a little over MaxRunOutput so that a huge page is
// not carried back whole; cutOutput bounds it exactly.
func outputJS(selector string) string {
	sel, _ := json.Marshal(selector)
	return `(() => { const s = ` + string(sel) + `; let e = null;
		if (s) { try { e = document.querySelector(s); } catch (_) { e = null; } }
		if (e) { const v = (typeof e.value === 'string' && e.value !== '') ? e.value : e.innerText; return {text: (v || '').trim().slice(0, 8192)}; }
		const m = document.querySelector('main') || document.querySelector('[role=main]') || document.body;
		return {text: m ? (m.innerText || '').trim().slice(0, 8192) : ''}; })()`
}

// endSelector is where a recording says its task ends: the element its
// last step waits for (the Recorder's "wait for element" the author adds
// to assert the outcome), when that selector is plain CSS. Empty if the
// recording does not end on one; the run's output is then the page's main
// text.
func endSelector(rec recording.Recording) string {
	if len(rec.Steps) == 0 {
		return ""
	}
	last := rec.Steps[len(rec.Steps)-1]
	if last.Type != recording.StepWaitForElement {
		return ""
	}
	for _, sel := range last.Selectors {
		// One part (no shadow-root path) and no Puppeteer prefix
		// (aria/, xpath/, text/, pierce/): querySelector takes it.
		if len(sel) == 1 && !hasQueryPrefix(sel[0]) {
			return sel[0]
		}
	}
	return ""
}

func hasQueryPrefix(s string) bool {
	for _, p := range []string{"aria/", "xpath/", "text/", "pierce/"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// runOutput is the text of what outputJS returned, bounded; "" when the
// page gave nothing (a run's output is what it shows, not a reason to
// fail a run whose steps all succeeded).
func runOutput(report json.RawMessage) string {
	var out struct {
		Text string `json:"text"`
	}
	if len(report) == 0 || json.Unmarshal(report, &out) != nil {
		return ""
	}
	return cutOutput(strings.TrimSpace(out.Text), MaxRunOutput)
}

// cutOutput cuts s to at most n bytes on a rune boundary, marking the cut
// with an ellipsis inside the bound.
func cutOutput(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const more = "…"
	end := n - len(more)
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + more
}

// runOutputOwner is the vault's owner string for a run's output: the run's own,
// apart from its values'.
func runOutputOwner(runID string) string { return "run-output:" + runID }

// outputErased stands in a run's output column while the run is queued
// or running and its runner has erased their data: the run's finish then
// stores no output. (A sealed output always starts with the vault's
// prefix, so it never reads so.)
const outputErased = "erased"

// openOutput opens a run's sealed output for its runner.
func (s *Service) openOutput(ctx context.Context, r *Run) error {
	var sealed string
	if err := s.db.Read().QueryRowContext(ctx, `SELECT output FROM automation_runs WHERE id = $1`, r.rowID).Scan(&sealed); err != nil {
		return err
	}
	if sealed == outputErased {
		return nil
	}
	out, err := s.vault.OpenSecret(sealed, runOutputOwner(r.ID))
	if err != nil {
		return err
	}
	r.Output = out
	return nil
}

// eraseRunOutputs clears the outputs of a member's runs: what a page
// showed them (a parcel's status, an address) is their data. The runs
// themselves stay, for the ledger's sake. A run still under way is
// marked, so that what it ends with is not stored after the erasure.
func (s *Service) eraseRunOutputs(ctx context.Context, memberID int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE automation_runs SET output = $2 WHERE runner_id = $1 AND status IN ('queued', 'running')`, memberID, outputErased); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE automation_runs SET output = '' WHERE runner_id = $1 AND output <> '' AND status NOT IN ('queued', 'running')`, memberID)
		return err
	})
}
