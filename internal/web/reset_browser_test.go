package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserPasswordReset: a member who forgot their password gets a
// link from a steward (no e-mail server needed): the steward issues it on
// /members and sees it once; the member opens it, is told when the two
// passwords differ, sets a new one and signs in with it — and the session
// they had before no longer works. At 1280 and 390 px, no page wider than
// the screen.
func TestBrowserPasswordReset(t *testing.T) {
	f := newFixture(t, store.SQLite)
	current := password // ada's, as each reset leaves it
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			steward := browsertest.New(t)
			if err := chromedp.Do(steward, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			signInBrowser(t, f, steward, "stella", "/members")
			ada := f.ids["ada"]
			err := chromedp.Do(steward,
				chromedp.WaitVisible(`form[action="/members/`+ada+`/reset"] button`),
				chromedp.Click(`form[action="/members/`+ada+`/reset"] button`),
				chromedp.WaitVisible("#reset-link"),
			)
			if err != nil {
				t.Fatal(err)
			}
			link, err := chromedp.Run(steward, chromedp.Value("#reset-link"))
			if err != nil || !strings.HasPrefix(link, f.srv.URL+"/reset/") {
				t.Fatalf("the link shown is %q (%v)", link, err)
			}
			browsertest.Screenshot(t, steward, "reset-issued-"+size.name)
			if wide, _ := chromedp.Run(steward, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
				t.Error("the reset link page is wider than the screen")
			}

			before, err := f.app.Members.SignIn(t.Context(), "ada@example.org", current)
			if err != nil {
				t.Fatal(err)
			}
			f.tokens["ada-before"] = before.Token
			member := browsertest.New(t)
			newPassword := "lighthouse keeper " + size.name
			err = chromedp.Do(member,
				chromedp.EmulateViewport(size.width, size.height),
				chromedp.Navigate(link),
				chromedp.WaitVisible("#reset-form"),
				chromedp.SendKeys("#password", newPassword),
				chromedp.SendKeys("#again", newPassword+"!"),
				chromedp.Submit("#reset-form"),
				chromedp.WaitVisible(".field-error"),
			)
			if err != nil {
				t.Fatal(err)
			}
			if msg, _ := chromedp.Run(member, chromedp.Text(".field-error")); !strings.Contains(msg, "differ") {
				t.Errorf("two different passwords: %q", msg)
			}
			browsertest.Screenshot(t, member, "reset-form-"+size.name)
			err = chromedp.Do(member,
				chromedp.SendKeys("#password", newPassword),
				chromedp.SendKeys("#again", newPassword),
				chromedp.Submit("#reset-form"),
				chromedp.WaitVisible("#signin-form"),
			)
			if err != nil {
				t.Fatal(err)
			}
			if msg, _ := chromedp.Run(member, chromedp.Text(".notice")); !strings.Contains(msg, "new password is set") {
				t.Errorf("the sign-in page after a reset says %q", msg)
			}
			err = chromedp.Do(member,
				chromedp.SendKeys("#email", "ada@example.org"),
				chromedp.SendKeys("#password", newPassword),
				chromedp.Submit("#signin-form"),
				chromedp.WaitNotPresent("#signin-form"),
			)
			if err != nil {
				t.Fatalf("signing in with the new password: %v", err)
			}
			current = newPassword
			if res := f.do("ada-before", "GET", "/api/v1/me", "", "", nil); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("a session from before the reset answers %d", res.StatusCode)
			}
			// The link worked once.
			if err := chromedp.Do(member, chromedp.Navigate(link), chromedp.WaitVisible("main")); err != nil {
				t.Fatal(err)
			}
			if body, _ := chromedp.Run(member, chromedp.Text("main")); !strings.Contains(body, "does not work") {
				t.Errorf("a used link opens %q", body)
			}
		})
	}
}
