package recording

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// siteCases are addresses against patterns, with what the extension's
// sites.js says.
var siteCases = []struct {
	pattern, address string
	want             bool
}{
	{"paypal.com", "https://www.paypal.com/signin", true},
	{"paypal.com", "https://paypal.com", true},
	{"paypal.com", "HTTPS://WWW.PAYPAL.COM./x", true},
	{"paypal.com", "https://notpaypal.com/", false},
	{"paypal.com", "https://paypal.com.evil.example/", false},
	{"paypal.com", "ftp://paypal.com/", false},
	{"gmx.*", "https://www.gmx.net/mail", true},
	{"gmx.*", "https://gmx.de", true},
	{"gmx.*", "https://gmxx.de", false},
	{"*.bank", "https://online.my.bank/", true},
	{"*.bank", "https://bank/", false},
	{"web.de/email", "https://web.de/email/inbox", true},
	{"web.de/email", "https://web.de/EMAIL", true},
	{"web.de/email", "https://web.de/emailing", false},
	{"web.de/email", "https://web.de/", false},
	{"https://www.X.de:8443/login/", "http://www.x.de/login?a=1", true},
	{" X.DE ", "http://sub.x.de:81/", true},
	{"icloud.com/mail", "https://www.icloud.com/mail/", true},
	{"paypal.com", "not a url", false},
}

func TestSiteRuleMatches(t *testing.T) {
	for _, c := range siteCases {
		r, ok := siteRule(c.pattern)
		if !ok {
			t.Fatalf("%q is not a pattern", c.pattern)
		}
		if got := r.Matches(c.address); got != c.want {
			t.Errorf("%q matches %q = %v, want %v", c.pattern, c.address, got, c.want)
		}
	}
}

// The server and the extension must agree: the cases again, through
// sites.js itself.
func TestSiteRuleAgreesWithTheExtension(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node to run sites.js")
	}
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "extension", "sites.js"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sites.mjs"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	script := `import {patternMatches} from "./sites.mjs";
const cases = JSON.parse(process.argv[2]);
console.log(JSON.stringify(cases.map(c => patternMatches(c.pattern, c.address))));`
	if err := os.WriteFile(filepath.Join(dir, "run.mjs"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	type jc struct {
		Pattern string `json:"pattern"`
		Address string `json:"address"`
	}
	var list []jc
	for _, c := range siteCases {
		list = append(list, jc{c.pattern, c.address})
	}
	cases, _ := json.Marshal(list)
	out, err := exec.CommandContext(t.Context(), node, filepath.Join(dir, "run.mjs"), string(cases)).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got []bool
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node said %s", out)
	}
	for i, c := range siteCases {
		if got[i] != c.want {
			t.Errorf("sites.js: %q matches %q = %v, want %v", c.pattern, c.address, got[i], c.want)
		}
	}
}

func TestShippedListReads(t *testing.T) {
	rules, err := SensitiveSites()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) < 100 {
		t.Fatalf("%d rules; the shipped list has more", len(rules))
	}
	r, ok := SensitiveSite("https://mail.google.com/mail/u/0/")
	if !ok || r.Category != "webmail" {
		t.Errorf("mail.google.com: %+v, %v; want web mail", r, ok)
	}
	if _, ok := SensitiveSite("http://127.0.0.1:8080/practice"); ok {
		t.Error("a local page is not sensitive")
	}
}

func TestCheckSites(t *testing.T) {
	ok, err := os.ReadFile(filepath.Join("testdata", "allmende_outline.json"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Parse(ok)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSites(rec); err != nil {
		t.Fatalf("a recording of shop.example was refused: %v", err)
	}
	// The same recording, moved to PayPal from step 1 on, with an outline
	// of a web mail page.
	bad := rec
	bad.Steps = append([]Step(nil), rec.Steps...)
	bad.Steps[1].URL = "https://www.paypal.com/signin"
	bad.Steps[1].AssertedEvents = []AssertedEvent{{Type: "navigation", URL: "https://www.paypal.com/signin"}}
	x := *rec.Allmende
	x.Outlines = append([]Outline(nil), x.Outlines...)
	x.Outlines[len(x.Outlines)-1].URL = "https://mail.google.com/mail/"
	bad.Allmende = &x
	err = CheckSites(bad)
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v, want *Errors", err)
	}
	text := err.Error()
	for _, want := range []string{
		"step 1 (navigate): url: it goes to www.paypal.com, a sensitive site (banking",
		"step 1 (navigate): assertedEvents[0].url: it expects to arrive at www.paypal.com",
		"allmende.outlines[",
		"is of mail.google.com, a sensitive site (web mail",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, text)
		}
	}
	if len(errs.List) != 3 {
		t.Errorf("%d problems, want 3:\n%s", len(errs.List), text)
	}
}

func FuzzSiteRule(f *testing.F) {
	for _, c := range siteCases {
		f.Add(c.pattern, c.address)
	}
	f.Fuzz(func(t *testing.T, pattern, address string) {
		r, ok := siteRule(pattern)
		if !ok {
			return
		}
		if !r.Matches(address) {
			return
		}
		// Only web addresses match, and case never matters.
		if l := strings.ToLower(strings.TrimSpace(address)); !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
			t.Errorf("%q matched %q, which is not http or https", pattern, address)
		}
		if ascii(address) && !r.Matches(strings.ToUpper(address)) {
			t.Errorf("%q matched %q but not its upper case", pattern, address)
		}
	})
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
