package dedup

// shingleSize is k of the character k-shingles that text similarity is
// measured on. Character shingles rather than word n-grams, because one kind
// of shingle has to serve every length: a two-line answer has too few words
// for word 3-grams (one changed word in ten changes 3 of 8 shingles, J =
// 0.45), and switching kinds at some length would let a copy escape by
// crossing the switch (one word deleted, no shingle in common). k = 5 is the
// size Leskovec, Rajaraman & Ullman recommend for short documents such as
// e-mails ("Mining of Massive Datasets", §3.2.2): long enough that texts on
// the same topic share few shingles, short enough that a changed word
// changes only about k + its length of them.
const shingleSize = 5

// appendShingles appends the hashes of the character shingles of one field
// of shingle text (see shingleText) to dst. Text shorter than a shingle is
// one shingle, so that short answers still get a signature.
func appendShingles(dst []uint64, text string) []uint64 {
	if text == "" {
		return dst
	}
	// starts[j] is the byte offset of the j-th rune of the current window;
	// a ring of shingleSize+1 offsets avoids a slice of all rune offsets.
	var starts [shingleSize + 1]int
	n := 0
	for i := range text {
		starts[n%len(starts)] = i
		n++
		if n > shingleSize {
			first := starts[(n-shingleSize-1)%len(starts)]
			dst = append(dst, fnv64(text[first:i]))
		}
	}
	if n >= shingleSize {
		first := starts[(n-shingleSize)%len(starts)]
		return append(dst, fnv64(text[first:]))
	}
	return append(dst, fnv64(text))
}

// fnv64 is the 64-bit FNV-1a hash. Its job is only to turn a shingle into a
// number; the MinHash family applied on top supplies the randomness, and it
// must be fixed across processes, which rules out hash/maphash.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
