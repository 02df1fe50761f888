package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserSignInDashboardSignOut clicks through the first thing every
// member does, in a real Chromium: sign in (after a wrong password), see
// the dashboard, sign out, and find the dashboard closed again.
func TestBrowserSignInDashboardSignOut(t *testing.T) {
	eachDialect(t, browserSignInDashboardSignOut)
}

func browserSignInDashboardSignOut(t *testing.T, dialect store.Dialect) {
	f := newFixture(t, dialect)
	ctx := browsertest.New(t)
	base := f.srv.URL

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/dashboard"),
		chromedp.WaitVisible("#signin-form"),
		chromedp.SendKeys("#email", "ada@example.org"),
		chromedp.SendKeys("#password", "not the password"),
		chromedp.Submit("#signin-form"),
		chromedp.WaitVisible(".error"),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(".error"))
	if err != nil || !strings.Contains(msg, "wrong") {
		t.Fatalf("wrong password message = %q, %v", msg, err)
	}
	browsertest.Screenshot(t, ctx, "signin-error")

	// The e-mail typed stays in the form; only the password is typed again.
	err = chromedp.Do(ctx,
		chromedp.SendKeys("#password", password),
		chromedp.Submit("#signin-form"),
		chromedp.WaitVisible("#earnings"),
	)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/dashboard") {
		t.Fatalf("after sign-in at %s, want the dashboard it came from", loc)
	}
	pseudonym, err := chromedp.Run(ctx, chromedp.Text("#pseudonym"))
	if err != nil || pseudonym != f.ids["ada"] {
		t.Fatalf("dashboard shows pseudonym %q, want %q (%v)", pseudonym, f.ids["ada"], err)
	}
	for _, section := range []string{"#earnings", "#contributions", "#invitations", "#work", "#datanets"} {
		if _, err := chromedp.Run(ctx, chromedp.Text(section)); err != nil {
			t.Fatalf("dashboard section %s: %v", section, err)
		}
	}
	shot := browsertest.Screenshot(t, ctx, "dashboard-"+string(dialect))
	t.Logf("dashboard screenshot: %s", shot)

	err = chromedp.Do(ctx,
		chromedp.Click("#signout"),
		chromedp.WaitVisible(".hero"),
		chromedp.Navigate(base+"/dashboard"),
		chromedp.WaitVisible("#signin-form"),
	)
	if err != nil {
		t.Fatalf("sign out: %v", err)
	}
	loc, _ = chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(loc, "/signin") {
		t.Fatalf("dashboard after sign-out is at %s, want the sign-in page", loc)
	}
}

// TestBrowserJoinWithInvitation signs up through the form, first with a
// mistake the page must explain, then properly.
func TestBrowserJoinWithInvitation(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := browsertest.New(t)
	code := f.invite()

	err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/signup?code="+code),
		chromedp.WaitVisible("#signup-form"),
		chromedp.SendKeys("#name", "Carol"),
		chromedp.SendKeys("#email", "carol@example.org"),
		// Shorter than the minimum: remove the browser's own check so the
		// server's answer is what the test sees.
		chromedp.RemoveAttribute("#password", "minlength"),
		chromedp.SendKeys("#password", "short"),
		chromedp.Submit("#signup-form"),
		chromedp.WaitVisible(".field-error"),
	)
	if err != nil {
		t.Fatal(err)
	}
	fieldErr, _ := chromedp.Run(ctx, chromedp.Text(".field-error"))
	if !strings.Contains(fieldErr, "at least 10") {
		t.Fatalf("password error = %q", fieldErr)
	}
	name, _ := chromedp.Run(ctx, chromedp.Value("#name"))
	if name != "Carol" {
		t.Fatalf("the form lost what was typed: name = %q", name)
	}
	browsertest.Screenshot(t, ctx, "signup-error")
	err = chromedp.Do(ctx,
		chromedp.SendKeys("#password", "a long enough password"),
		chromedp.Submit("#signup-form"),
		chromedp.WaitVisible("#earnings"),
	)
	if err != nil {
		t.Fatal(err)
	}
	greeting, _ := chromedp.Run(ctx, chromedp.Text("h1"))
	if greeting != "Welcome, Carol" {
		t.Fatalf("greeting = %q", greeting)
	}
}
