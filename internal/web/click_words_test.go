package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// TestStewardActionRefusalSaysDo: a member who sends a steward's form is
// told they cannot do this, not that a page is hidden from them; the page
// itself still says it is for stewards.
func TestStewardActionRefusalSaysDo(t *testing.T) {
	f := newFixture(t, store.SQLite)
	resp := f.do("ada", "POST", "/payouts/1/paid", "application/x-www-form-urlencoded", "", nil)
	if body := visible(readBody(t, resp)); resp.StatusCode != 403 || !strings.Contains(body, "only stewards can do this") || strings.Contains(body, "see this page") {
		t.Fatalf("a member marking a payout paid: %d %s", resp.StatusCode, body)
	}
	resp = f.do("ada", "GET", "/payouts", "", "", nil)
	if body := visible(readBody(t, resp)); resp.StatusCode != 403 || !strings.Contains(body, "only stewards can see this page") {
		t.Fatalf("a member opening /payouts: %d %s", resp.StatusCode, body)
	}
}

// TestVersionWeightsReadAsASize: a version's page writes its weights'
// size as people read one ("1.2 KB"), not as a count of bytes.
func TestVersionWeightsReadAsASize(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withLabelledData(t, f)
	resp := f.do("stella", "POST", "/api/v1/models/router/versions", "application/json", `{"label_field":"topic","kind":"linear","held_out":0,"epochs":5}`, nil)
	if body := readBody(t, resp); resp.StatusCode != 202 {
		t.Fatalf("train: %d %s", resp.StatusCode, body)
	}
	if v := waitVersion(t, f, "/api/v1/models/router/versions/1"); v["status"] != "ready" {
		t.Fatalf("the version: %v", v)
	}
	page := visible(f.page("stella", "/models/router/versions/1"))
	if !regexp.MustCompile(`Weights [0-9]+\.[0-9] (KB|MB)`).MatchString(page) || regexp.MustCompile(`[0-9]{4,} bytes`).MatchString(page) {
		t.Fatalf("the weights' size: %s", page)
	}
}
