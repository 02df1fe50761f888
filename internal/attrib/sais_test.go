package attrib

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// naiveSuffixArray sorts the suffixes with bytes.Compare: slow and obviously
// right, the reference for the property test.
func naiveSuffixArray(text []byte) []int32 {
	sa := make([]int32, len(text))
	for i := range sa {
		sa[i] = int32(i)
	}
	slices.SortFunc(sa, func(a, b int32) int { return bytes.Compare(text[a:], text[b:]) })
	return sa
}

func fibonacciWord(n int) []byte {
	a, b := "b", "a"
	for len(b) < n {
		a, b = b, b+a
	}
	return []byte(b[:n])
}

func TestBuildSuffixArrayShapes(t *testing.T) {
	tests := []struct {
		name string
		text []byte
	}{
		{"empty", nil},
		{"one byte", []byte("x")},
		{"two equal", []byte("aa")},
		{"decreasing, no LMS position", []byte("dcba")},
		{"increasing", []byte("abcd")},
		{"banana", []byte("banana")},
		{"mississippi", []byte("mississippi")},
		{"one symbol repeated", bytes.Repeat([]byte{'z'}, 1000)},
		{"period two", bytes.Repeat([]byte("ab"), 500)},
		{"period three with separators", bytes.Repeat([]byte("ab\xff"), 333)},
		{"fibonacci word (deep recursion)", fibonacciWord(5000)},
		{"byte extremes", []byte{0, 255, 0, 255, 255, 0, 0, 1, 254}},
		{"utf-8 text", []byte(strings.Repeat("Grüße, 世界! ", 50))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]int32, len(tc.text))
			buildSuffixArray(tc.text, got)
			if want := naiveSuffixArray(tc.text); !slices.Equal(got, want) {
				t.Fatalf("suffix array of %q:\n got %v\nwant %v", tc.text, got, want)
			}
		})
	}
}

// TestBuildSuffixArrayRandom compares SA-IS with sorting on random texts over
// alphabets from 1 to 256 symbols; small alphabets make long repeats, which
// drive the recursion several levels deep.
func TestBuildSuffixArrayRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 2000 {
		n := r.IntN(300)
		if iter%100 == 0 {
			n = 5000 + r.IntN(5000)
		}
		k := 1 + r.IntN(4)
		if iter%3 == 0 {
			k = 1 + r.IntN(256)
		}
		text := make([]byte, n)
		for i := range text {
			text[i] = byte(255 - r.IntN(k)) // near 0xFF, like separators
		}
		if iter%5 == 0 { // repeat a random block, as duplicated records do
			for i := n / 2; i < n && n > 0; i++ {
				text[i] = text[i-n/2]
			}
		}
		got := make([]int32, n)
		buildSuffixArray(text, got)
		if want := naiveSuffixArray(text); !slices.Equal(got, want) {
			t.Fatalf("iteration %d (n=%d, k=%d): suffix array differs from sorting\ntext %q", iter, n, k, text)
		}
	}
}
