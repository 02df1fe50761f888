package practice

import (
	"context"
	"flag"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
)

var (
	seeds    = flag.Int("practice.seeds", 1, "instances per kind the hands solve")
	seedBase = flag.Int("practice.seedbase", 100, "seed of the first instance the hands solve")
)

func TestAtLeastThirtyKinds(t *testing.T) {
	if n := len(Kinds()); n < 30 {
		t.Errorf("%d kinds, want at least 30", n)
	}
}

// TestSeedsMakeOtherInstances: another seed gives another page and
// another expected state; the same seed the same.
func TestSeedsMakeOtherInstances(t *testing.T) {
	for _, k := range Kinds() {
		a, b, a2 := k.Generate(1), k.Generate(2), k.Generate(1)
		pa, pb, pa2 := render(a, a.Pages[""]), render(b, b.Pages[""]), render(a2, a2.Pages[""])
		if pa != pa2 || a.Check() != a2.Check() {
			t.Errorf("%s: seed 1 made two different instances", k.Name)
		}
		if pa == pb {
			t.Errorf("%s: seeds 1 and 2 made the same page", k.Name)
		}
		// Different data should ask for other end states (two seeds
		// may meet by chance on a small choice, eight should not).
		states := map[string]bool{}
		for s := range uint64(8) {
			states[canonical(k.Generate(s+1).Expect)] = true
		}
		if len(states) < 3 {
			t.Errorf("%s: eight seeds expect only %d different states", k.Name, len(states))
		}
		if len(k.Params) > 0 && len(a.Params) != len(k.Params) {
			t.Errorf("%s: takes %v but instance has %v", k.Name, k.Params, a.Params)
		}
	}
}

// TestHandsSolveAndNothingElseDoes opens each kind's instances in one
// browser: the check is false on the fresh page and true after the hands
// are done.
func TestHandsSolveAndNothingElseDoes(t *testing.T) {
	srv := httptest.NewServer(Server{})
	defer srv.Close()
	// The recorder's window size: hands must work where demonstrations are made.
	browser := browsertest.Start(t, chromedp.WindowSize(1280, 800))
	for _, k := range Kinds() {
		for s := range *seeds {
			seed := uint64(*seedBase + s)
			t.Run(k.Name, func(t *testing.T) {
				in := k.Generate(seed)
				tab, cancel := chromedp.NewContext(browser)
				defer cancel()
				ctx, stop := context.WithTimeout(tab, 30*time.Second)
				defer stop()
				if err := chromedp.Do(ctx, chromedp.Navigate(URL(srv.URL, k.Name, seed))); err != nil {
					t.Fatal(err)
				}
				if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](in.Check())); err != nil || ok {
					t.Fatalf("check before any action: %v, %v; want false", ok, err)
				}
				if err := in.Solve(ctx, NewHand(ctx, seed)); err != nil {
					t.Fatalf("hands: %v", err)
				}
				if err := NewHand(ctx, 0).Wait(in.Check()); err != nil {
					got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`String(window.practice && practice.result())`))
					t.Fatalf("check false after the hands: page holds %s, want %s", got, canonical(in.Expect))
				}
			})
		}
	}
}
