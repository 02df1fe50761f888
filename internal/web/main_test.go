package web_test

import (
	"os"
	"testing"

	"github.com/allmende/allmende/internal/browsertest"
)

// TestMain shares what the tests of this package would each have set up
// again: one Chromium, each test in a browser context of its own
// (browsertest.Run), the fixture's cooperative, copied per test
// (fixture_template_test.go), and the demo cooperative, copied per test
// (demo_template_test.go).
func TestMain(m *testing.M) {
	code := browsertest.Run(m)
	removeFixtureTemplates()
	removeDemoTemplates()
	os.Exit(code)
}
