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
	// finds are the same.
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]AxeFinding](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, resultTypes: ["violations"]}).then(r =>
  r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	return found
}
