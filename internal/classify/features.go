package classify

import (
	"math"
	"slices"
	"unicode"
	"unicode/utf8"
)

// DefaultBuckets is the size of the hashed feature space when
// Options.Buckets is 0: large enough that collisions among the n-grams of
// a datanet of 100,000 short texts are rare.
const DefaultBuckets = 1 << 20

// MaxBuckets bounds Options.Buckets, so that a bucket fits the 32-bit
// indices vectors hold.
const MaxBuckets = 1 << 30

// FNV-1a, 64 bits (Fowler, Noll, Vo).
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Prefixes keep the three kinds of n-gram apart: the word "the" and the
// character trigram "the" are different features.
const (
	kindWord   = 'w'
	kindBigram = 'b'
	kindChar   = 'c'
)

func hashBytes(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// vector is a sparse vector: strictly increasing bucket indices and their
// values.
type vector struct {
	idx []uint32
	val []float32
}

// extract returns the unit-length feature vector of text (see the package
// doc). A text without letters or digits has the zero vector.
func extract(text string, buckets int) vector {
	words := splitWords(text)
	hs := make([]uint32, 0, 8*len(words))
	var starts []int
	bucket := func(h uint64) uint32 { return uint32(h % uint64(buckets)) }
	for i, w := range words {
		hs = append(hs, bucket(hashBytes(hashBytes(fnvOffset, string(rune(kindWord))), w)))
		if i > 0 {
			h := hashBytes(fnvOffset, string(rune(kindBigram)))
			h = hashBytes(h, words[i-1])
			h = hashBytes(h, " ")
			hs = append(hs, bucket(hashBytes(h, w)))
		}
		hs, starts = charGrams(hs, w, buckets, starts)
	}
	slices.Sort(hs)
	var v vector
	var norm float64
	for i := 0; i < len(hs); {
		j := i + 1
		for j < len(hs) && hs[j] == hs[i] {
			j++
		}
		x := 1 + math.Log(float64(j-i))
		v.idx = append(v.idx, hs[i])
		v.val = append(v.val, float32(x))
		norm += x * x
		i = j
	}
	if norm > 0 {
		s := float32(1 / math.Sqrt(norm))
		for i := range v.val {
			v.val[i] *= s
		}
	}
	return v
}

// charGrams appends the buckets of the character 3- to 5-grams of the word
// padded with a space on each side, so that prefixes and suffixes are
// features of their own. starts is scratch for the runes' byte offsets.
func charGrams(hs []uint32, w string, buckets int, starts []int) ([]uint32, []int) {
	padded := " " + w + " "
	starts = starts[:0]
	for i := range padded {
		starts = append(starts, i)
	}
	n := len(starts)
	starts = append(starts, len(padded))
	base := hashBytes(fnvOffset, string(rune(kindChar)))
	for size := 3; size <= 5; size++ {
		for i := 0; i+size <= n; i++ {
			h := hashBytes(base, padded[starts[i]:starts[i+size]])
			hs = append(hs, uint32(h%uint64(buckets)))
		}
	}
	return hs, starts
}

// splitWords returns the lower-cased runs of letters and digits of text.
func splitWords(text string) []string {
	var words []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			cur = utf8.AppendRune(cur, unicode.ToLower(r))
			continue
		}
		flush()
	}
	flush()
	return words
}
