package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ReferenceReplay runs a Chrome Recorder recording with @puppeteer/replay,
// the format's reference runner, in Debian's Chromium, and fails the test
// unless every step passes and the JavaScript expression check is true on
// the page at the end. It shows that a recording we wrote or recorded is
// one Chrome's own tools play the same way.
//
// ALLMENDE_PUPPETEER_REPLAY names a node_modules folder holding
// @puppeteer/replay and puppeteer-core (npm install @puppeteer/replay
// puppeteer-core; .ci/run does it). Without it the test is skipped — and
// fails under CI=true, where it must run.
func ReferenceReplay(t testing.TB, recordingJSON, check string, chromiumArgs ...string) {
	t.Helper()
	modules := os.Getenv("ALLMENDE_PUPPETEER_REPLAY")
	if modules == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("ALLMENDE_PUPPETEER_REPLAY is not set: CI must check recordings against @puppeteer/replay (.ci/run installs it)")
		}
		t.Skip("not checked with @puppeteer/replay: set ALLMENDE_PUPPETEER_REPLAY to a node_modules folder holding it")
	}
	dir := t.TempDir()
	rec := filepath.Join(dir, "recording.json")
	if err := os.WriteFile(rec, []byte(recordingJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-e", referenceScript, rec, check, ChromiumPath}
	cmd := exec.CommandContext(t.Context(), "node", append(args, chromiumArgs...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("@puppeteer/replay: %v\n%s", err, out)
	}
}

// referenceScript: node -e script recording.json check chromium [args…]
const referenceScript = `
const fs = require("fs");
const puppeteer = require("puppeteer-core");
const { createRunner, parse, PuppeteerRunnerExtension } = require("@puppeteer/replay");
const [rec, check, chromium, ...extra] = process.argv.slice(1);
(async () => {
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox", ...extra] });
  try {
    const page = await browser.newPage();
    const flow = parse(JSON.parse(fs.readFileSync(rec, "utf8")));
    const runner = await createRunner(flow, new PuppeteerRunnerExtension(browser, page, { timeout: 5000 }));
    await runner.run();
    if (!(await page.evaluate(check))) { console.error("check " + check + " is false at " + page.url()); process.exit(2); }
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
`
