package search

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
)

func ids(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchRanks(t *testing.T) {
	x := New()
	x.Add("notice", "How long is the notice period for tenants? Tenants may give notice with three months.")
	x.Add("repairs", "Who pays for small repairs? Small repairs clauses are valid up to one hundred euros.")
	x.Add("deposit", "The deposit is at most three months of rent, and the landlord keeps it in a separate account.")
	x.Add("long", strings.Repeat("filler words that say nothing much ", 40)+"notice")
	tests := []struct {
		query string
		want  []string
	}{
		// The rare word decides; case and punctuation do not matter.
		{"What NOTICE period applies to tenants?", []string{"notice", "long"}},
		{"small repairs", []string{"repairs"}},
		// "three months" is in two records; "rent" only in one.
		{"three months rent", []string{"deposit", "notice"}},
		// Stop words alone match nothing.
		{"the and of", nil},
		{"", nil},
		{"zebra", nil},
	}
	for _, tt := range tests {
		got := x.Search(tt.query, 3)
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
		}
		for _, h := range got {
			if !(h.Score > 0) || math.IsInf(h.Score, 0) {
				t.Errorf("Search(%q): score %v", tt.query, h.Score)
			}
		}
	}
	// Length normalisation: the same word once in a long record scores
	// below once in a short one.
	if got := x.Search("notice", 2); len(got) != 2 || got[0].ID != "notice" || got[0].Score <= got[1].Score {
		t.Errorf("Search(notice) = %v", got)
	}
	if got := x.Search("notice", 1); len(got) != 1 {
		t.Errorf("k = 1 returned %d hits", len(got))
	}
}

// TestRemoveForgets checks that a removed record is never found again and
// that its words, where no other record has them, leave the index: the
// index keeps nothing of what was erased.
func TestRemoveForgets(t *testing.T) {
	x := New()
	x.Add("a", "ZebraQuokka lives in the common garden")
	x.Add("b", "the common garden has roses")
	before := len(x.terms)
	if n := x.Remove("a", "nobody"); n != 1 {
		t.Fatalf("Remove = %d, want 1", n)
	}
	if got := x.Search("zebraquokka garden", 5); !slices.Equal(ids(got), []string{"b"}) {
		t.Fatalf("after Remove: %v", got)
	}
	if _, ok := x.terms["zebraquokka"]; ok {
		t.Fatal("the removed record's own word is still in the dictionary")
	}
	if _, ok := x.terms["lives"]; ok || len(x.terms) != before-2 {
		t.Fatalf("terms: %d, want %d", len(x.terms), before-2)
	}
	// Re-adding reuses the freed term numbers and works as new.
	x.Add("a", "zebraquokka again")
	if got := x.Search("ZEBRAQUOKKA", 5); !slices.Equal(ids(got), []string{"a"}) {
		t.Fatalf("re-added: %v", got)
	}
	// Adding an id again replaces its text.
	x.Add("a", "completely different")
	if got := x.Search("zebraquokka", 5); got != nil || x.Len() != 2 {
		t.Fatalf("replaced record still found: %v (len %d)", got, x.Len())
	}
	x.Remove("a", "b")
	if x.Len() != 0 || len(x.terms) != 0 || x.totalLen != 0 {
		t.Fatalf("empty index holds %d records, %d terms, %d words", x.Len(), len(x.terms), x.totalLen)
	}
}

// TestConcurrent searches while records are added and removed (run with
// -race): a removed record is never returned once Remove has returned.
func TestConcurrent(t *testing.T) {
	x := New()
	x.Add("stable", "this sentence is always in the index")
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 200 {
			id := fmt.Sprint("churn-", i)
			x.Add(id, fmt.Sprintf("churning sentence number %d", i))
			x.Remove(id)
		}
	})
	for range 200 {
		if got := x.Search("always sentence", 1); len(got) != 1 || got[0].ID != "stable" {
			t.Fatalf("stable record: %v", got)
		}
	}
	wg.Wait()
	if got := x.Search("churning", 10); got != nil {
		t.Fatalf("removed records found: %v", got)
	}
}

// FuzzIndex adds, searches and removes arbitrary text, as contributions
// and prompts bring it: nothing panics, scores are positive and finite,
// removed records are not found, and an emptied index holds no word.
func FuzzIndex(f *testing.F) {
	f.Add("a b c\nThe notice period\n\xff\xfe broken utf8", "notice period")
	f.Add("", "")
	f.Add("Ünïcödé wörds 日本語のテキスト\n😀 emoji", "日本語")
	f.Fuzz(func(t *testing.T, texts, query string) {
		x := New()
		lines := strings.Split(texts, "\n")
		for i, l := range lines {
			x.Add(fmt.Sprint(i%5), l) // some ids repeat: replacement
		}
		for _, h := range x.Search(query, 10) {
			if !(h.Score > 0) || math.IsInf(h.Score, 0) || math.IsNaN(h.Score) {
				t.Fatalf("score %v", h.Score)
			}
		}
		x.Remove("0", "1")
		for _, h := range x.Search(query+" "+texts, 10) {
			if h.ID == "0" || h.ID == "1" {
				t.Fatalf("removed record %s found", h.ID)
			}
		}
		x.Remove("2", "3", "4")
		if x.Len() != 0 || len(x.terms) != 0 || x.totalLen != 0 {
			t.Fatalf("emptied index: %d records, %d terms", x.Len(), len(x.terms))
		}
	})
}
