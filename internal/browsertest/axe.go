package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeFinding is one rule axe-core found broken on a page, with the
// elements that break it.
type AxeFinding struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

func (f AxeFinding) String() string {
	return fmt.Sprintf("%s (%s): %s at %v", f.ID, f.Impact, f.Help, f.Targets)
}

var (
	axeOnce sync.Once
	axeJS   string
	axeErr  error
)

// axeSource reads axe-core's axe.min.js from the node_modules folder
// ALLMENDE_AXE names (npm install axe-core; .ci/run does it).
func axeSource(t testing.TB) string {
	t.Helper()
	modules := os.Getenv("ALLMENDE_AXE")
	if modules == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("ALLMENDE_AXE is not set: CI must check pages with axe-core (.ci/run installs it)")
		}
		t.Skip("pages not checked with axe-core: set ALLMENDE_AXE to a node_modules folder holding axe-core")
	}
	axeOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join(modules, "axe-core", "axe.min.js"))
		axeJS, axeErr = string(b), err
	})
	if axeErr != nil {
		t.Fatalf("axe-core: %v", axeErr)
	}
	return axeJS
}

// HasAxe says whether axe-core is there to check pages with, for a test
// that checks more than accessibility and should go on without it: it
// logs that the check is left out — and fails under CI=true, where it must
// run.
func HasAxe(t testing.TB) bool {
	t.Helper()
	if os.Getenv("ALLMENDE_AXE") != "" {
		return true
	}
	if os.Getenv("CI") != "" {
		t.Fatal("ALLMENDE_AXE is not set: CI must check pages with axe-core (.ci/run installs it)")
	}
	t.Log("pages not checked with axe-core: set ALLMENDE_AXE to a node_modules folder holding axe-core")
	return false
}

// Axe runs axe-core's WCAG 2.x A and AA rules on the page the tab shows
// and returns the findings whose impact is serious or critical. Without
// ALLMENDE_AXE the test is skipped — and fails under CI=true.
func Axe(t testing.TB, ctx context.Context) []AxeFinding {
	t.Helper()
	src := axeSource(t)
	// The page's Content-Security-Policy does not apply to what the
	// DevTools protocol evaluates, so axe needs no exception in it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { if (!window.axe) { `+src+`
} return true })()`)); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	// resultTypes: only violations are read, so axe-core need not collect
	// every passing node too (its own advice for speed); the violations it
	// finds are the same. rules: the rules that can never report more
	// than a moderate impact are not run (axeMinorRulesJS), since only
	// serious and critical findings are read.
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]AxeFinding](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, rules: `+axeMinorRulesJS+`, resultTypes: ["violations"]}).then(r =>
  r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	return found
}

// axeMinorRulesJS evaluates, in a page with axe-core loaded, to the rules
// option that turns off every rule whose findings can never be serious or
// critical: half of axe-core's CPU time in a day test went to rules whose
// findings the tests then dropped (TestDayWorker's Chromium used 40 CPU
// seconds with every rule, 30 without these, 20 without axe-core). A finding's impact is the
// worst impact among the checks that failed on a node (axe-core's
// aggregateChecks), each check's impact is fixed in its metadata, and a
// rule's own impact, where it has one, replaces them all
// (finalizeRuleResult); so a rule's worst impact is known before it runs.
// Whatever is not known — a check without metadata, a rule without checks
// — counts as critical, and the rule runs.
const axeMinorRulesJS = `(() => {
  const rank = {minor: 1, moderate: 2, serious: 3, critical: 4};
  const data = axe._audit.data || {}, checks = data.checks || {}, meta = data.rules || {};
  const worst = rule => {
    const own = (meta[rule.id] && meta[rule.id].impact) || rule.impact;
    if (own) return rank[own] || 4;
    const ids = [].concat(rule.any || [], rule.all || [], rule.none || []).map(c => typeof c === "string" ? c : c.id);
    if (ids.length === 0) return 4;
    return Math.max(...ids.map(id => (checks[id] && rank[checks[id].impact]) || 4));
  };
  const off = {};
  for (const rule of axe._audit.rules) {
    if (worst(rule) < rank.serious) off[rule.id] = {enabled: false};
  }
  return off;
})()`
