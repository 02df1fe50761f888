package classify

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestTrainLearnsBothKinds(t *testing.T) {
	ex := corpus(2000, 1)
	for _, kind := range []Kind{KindLinear, KindKNN} {
		t.Run(string(kind), func(t *testing.T) {
			var epochs []Progress
			m, met, err := Train(t.Context(), ex, Options{Kind: kind, HeldOut: 0.2, Buckets: 1 << 18}, func(p Progress) { epochs = append(epochs, p) })
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %+v, %d epochs, last %+v", kind, met, len(epochs), epochs[len(epochs)-1])
			if met.Train+met.HeldOut != len(ex) || met.HeldOut < 300 || met.HeldOut > 500 || met.Classes != 4 {
				t.Fatalf("split %+v", met)
			}
			if met.Accuracy < 0.85 || met.MacroF1 < 0.85 {
				t.Fatalf("held-out accuracy %.3f, macro-F1 %.3f; want both at least 0.85", met.Accuracy, met.MacroF1)
			}
			s := m.Predict("I was charged twice for the subscription, please refund the invoice")
			if s[0].Label != "billing" {
				t.Fatalf("predicted %v", s)
			}
			sum := 0.0
			for i, x := range s {
				sum += x.Score
				if i > 0 && x.Score > s[i-1].Score {
					t.Fatalf("scores not descending: %v", s)
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Fatalf("scores sum to %v", sum)
			}
		})
	}
}

func TestTrainRefusesBadInput(t *testing.T) {
	good := corpus(40, 2)
	with := func(f func([]Example) []Example) []Example {
		c := append([]Example(nil), good...)
		return f(c)
	}
	cases := []struct {
		name string
		ex   []Example
		o    Options
	}{
		{"no kind", good, Options{}},
		{"unknown kind", good, Options{Kind: "svm"}},
		{"held out over half", good, Options{Kind: KindLinear, HeldOut: 0.6}},
		{"no records", nil, Options{Kind: KindLinear}},
		{"penalty and rate too large", good, Options{Kind: KindLinear, L2: 0.5, LearningRate: 1}},
		{"negative epochs", good, Options{Kind: KindLinear, Epochs: -1}},
		{"k too large", good, Options{Kind: KindKNN, K: 1001}},
		{"one label", with(func(e []Example) []Example {
			for i := range e {
				e[i].Label = "x"
			}
			return e
		}), Options{Kind: KindKNN}},
		{"label with one record", with(func(e []Example) []Example { e[0].Label = "rare"; return e }), Options{Kind: KindKNN}},
		{"empty text", with(func(e []Example) []Example { e[3].Text = ""; return e }), Options{Kind: KindKNN}},
		{"huge text", with(func(e []Example) []Example { e[3].Text = string(bytes.Repeat([]byte("a"), MaxTextBytes+1)); return e }), Options{Kind: KindKNN}},
		{"empty label", with(func(e []Example) []Example { e[3].Label = ""; return e }), Options{Kind: KindKNN}},
		{"repeated id", with(func(e []Example) []Example { e[3].ID = e[4].ID; return e }), Options{Kind: KindKNN}},
		{"too many classes", func() []Example {
			var e []Example
			for i := range 2 * (MaxClasses + 1) {
				e = append(e, Example{ID: string(rune('a'+i%26)) + itoa(i), Text: "t", Label: itoa(i / 2)})
			}
			return e
		}(), Options{Kind: KindKNN}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Train(t.Context(), tc.ex, tc.o, nil)
			if !errors.Is(err, ErrInput) {
				t.Fatalf("err = %v, want ErrInput", err)
			}
			t.Log(err)
		})
	}
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}

func TestTrainStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	epochs := 0
	_, _, err := Train(ctx, corpus(500, 3), Options{Kind: KindLinear, Epochs: 50, Buckets: 1 << 16}, func(p Progress) {
		epochs++
		if p.Epoch == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || epochs != 2 {
		t.Fatalf("err %v after %d epochs, want context.Canceled after 2", err, epochs)
	}
}

// Many labels over many features make a linear model too large to hold;
// Train says so instead of allocating gigabytes.
func TestTrainRefusesALinearModelTooLarge(t *testing.T) {
	var ex []Example
	for i := range 2 * 3000 {
		ex = append(ex, Example{ID: itoa(i), Text: "word" + itoa(i) + " other" + itoa(i*7) + " more" + itoa(i*13), Label: "l" + itoa(i/2)})
	}
	_, _, err := Train(t.Context(), ex, Options{Kind: KindLinear}, nil)
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "features ×") {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := Train(t.Context(), ex, Options{Kind: KindKNN}, nil); err != nil {
		t.Fatalf("kNN on the same records: %v", err)
	}
}

// A model answers many goroutines at once (run with -race).
func TestModelIsSafeForConcurrentUse(t *testing.T) {
	ex := corpus(300, 9)
	for _, kind := range []Kind{KindLinear, KindKNN} {
		m, _, err := Train(t.Context(), ex, Options{Kind: kind, Buckets: 1 << 14}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, wantInf := m.Explain("parcel refund", 5)
		done := make(chan bool)
		for range 4 {
			go func() {
				ok := true
				for range 20 {
					s, inf := m.Explain("parcel refund", 5)
					ok = ok && slices.Equal(s, want) && slices.Equal(inf, wantInf)
					_ = m.Without(inf[0].ID).Predict("parcel refund")
				}
				done <- ok
			}()
		}
		for range 4 {
			if !<-done {
				t.Fatalf("%s: answers differ between goroutines", kind)
			}
		}
	}
}
