package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/govern"
	"github.com/allmende/allmende/internal/store"
)

// TestBrowserLongWordsWrap: a proposal whose title, text and an option
// are one 180-character word does not make its page, or the list of
// proposals, scroll sideways at a desktop's width or a phone's.
func TestBrowserLongWordsWrap(t *testing.T) {
	parallel(t)
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFixture(t, store.SQLite)
			word := strings.Repeat("Unbreakable", 17)[:180]
			p, err := f.governance().Create(t.Context(), mustMember(t, f, "ada").ID, govern.Draft{
				Title: word, Text: "Consider " + word + " please.", Mode: govern.PerMember, Quorum: 0.5,
				ClosesAt: time.Now().Add(72 * time.Hour),
				Options:  []govern.Option{{Label: "yes " + word}, {Label: "no"}},
			}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			wait, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			signInBrowser(t, f, ctx, "ada", "/proposals")
			for _, path := range []string{"/proposals/" + strconv.FormatInt(p.ID, 10), "/proposals"} {
				if err := chromedp.Do(wait, chromedp.Navigate(f.srv.URL+path), chromedp.WaitVisible("main")); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				var width int
				if width, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil {
					t.Fatal(err)
				}
				if width > int(size.width) {
					t.Errorf("%s is %d px wide at %d px: a long word overflows", path, width, size.width)
				}
				name := "long-words-" + strings.ReplaceAll(strings.Trim(path, "/"), "/", "-") + "-" + size.name
				t.Logf("%s: %s", path, browsertest.Screenshot(t, ctx, name))
			}
		})
	}
}
