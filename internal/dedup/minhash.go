package dedup

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// SignatureSize is the number of hash functions of a MinHash [Signature].
// The standard error of a Jaccard estimate from k values is √(J(1−J)/k):
// 0.035 at J = 0.8 for k = 128, small enough to decide a 0.8 threshold on
// texts edited lightly (J ≥ 0.85) or not at all.
const SignatureSize = 128

// Signature is the MinHash signature of a set of shingles (Broder 1997):
// for each of [SignatureSize] hash functions h_i, the minimum of h_i over
// the set, kept to its low 32 bits. Two sets agree at position i with
// probability equal to their Jaccard similarity; the 32-bit truncation adds
// a false agreement with probability 2⁻³², which is negligible.
type Signature [SignatureSize]uint32

// Similarity estimates the Jaccard similarity of the sets behind s and t:
// the fraction of positions where they agree.
func (s *Signature) Similarity(t *Signature) float64 {
	same := 0
	for i := range s {
		if s[i] == t[i] {
			same++
		}
	}
	return float64(same) / SignatureSize
}

// mersenne61 is the prime 2⁶¹−1 of the hash family h(x) = (a·x + b) mod p
// (Carter & Wegman 1979; the family used in Leskovec, Rajaraman & Ullman,
// "Mining of Massive Datasets", §3.3.5): reduction modulo a Mersenne prime
// needs shifts and adds, not a division.
const mersenne61 = 1<<61 - 1

// permA and permB are the coefficients of the SignatureSize hash functions.
// They are fixed forever: signatures are persisted and compared across
// processes and releases, so new coefficients would be a new file version.
var permA, permB = permutations()

func permutations() (a, b [SignatureSize]uint64) {
	state := uint64(0x616c6c6d656e6465) // "allmende"
	next := func() uint64 {
		// splitmix64 (Steele, Lea & Flood 2014): a fixed, well-mixed
		// sequence from a constant seed.
		state += 0x9e3779b97f4a7c15
		z := state
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		return z ^ z>>31
	}
	for i := range a {
		a[i] = next()%(mersenne61-1) + 1 // a ≠ 0, or h_i would be constant
		b[i] = next() % mersenne61
	}
	return a, b
}

// mod61 reduces x < 2⁶⁴ modulo 2⁶¹−1, using 2⁶¹ ≡ 1.
func mod61(x uint64) uint64 {
	x = x&mersenne61 + x>>61
	if x >= mersenne61 {
		x -= mersenne61
	}
	return x
}

// affine61 returns (a·x + b) mod 2⁶¹−1 for a, b, x < 2⁶¹−1.
func affine61(a, x, b uint64) uint64 {
	hi, lo := bits.Mul64(a, x)
	// a·x = hi·2⁶⁴ + lo < 2¹²²; split at bit 61 and fold the top down.
	r := mod61(hi<<3|lo>>61) + lo&mersenne61 + b
	return mod61(r)
}

// minHash computes the signature of a set of 64-bit shingle hashes, which
// it reorders and overwrites. It returns nil for an empty set, which has no
// signature.
func minHash(shingles []uint64) *Signature {
	if len(shingles) == 0 {
		return nil
	}
	// A set, not a bag: repeated shingles cannot change a minimum, so they
	// are removed before the 128 hash evaluations each would cost.
	slices.Sort(shingles)
	shingles = slices.Compact(shingles)

	for i, x := range shingles {
		shingles[i] = mod61(x)
	}
	// One hash function at a time over all shingles keeps a, b and the
	// running minimum in registers.
	sig := new(Signature)
	for i := range sig {
		a, b := permA[i], permB[i]
		m := uint64(mersenne61)
		for _, x := range shingles {
			m = min(m, affine61(a, x, b))
		}
		sig[i] = uint32(m)
	}
	return sig
}

// sketchBits is b of the b-bit MinHash sketch kept in memory for
// verification (Li & König, "b-Bit Minwise Hashing", WWW 2010). Keeping 4
// of the 32 bits of each value cuts a signature from 512 to 64 bytes; two
// values that differ still agree in 4 bits with probability 1/16, which the
// estimator corrects, and the standard error at J = 0.8 grows only from
// 0.035 to 0.037.
const sketchBits = 4

// sketchSize is the number of bytes of a sketch.
const sketchSize = SignatureSize * sketchBits / 8

// sketch is the b-bit MinHash sketch of a signature: value i's low four bits
// in nibble i.
type sketch [sketchSize]byte

func sketchOf(sig *Signature) sketch {
	var s sketch
	for i := 0; i < SignatureSize; i += 2 {
		s[i/2] = byte(sig[i]&0xf) | byte(sig[i+1]&0xf)<<4
	}
	return s
}

// sketchJaccard estimates the Jaccard similarity from two sketches. With
// chance agreement c = 2⁻ᵇ and observed agreement P, J = (P − c)/(1 − c)
// (Li & König 2010, for sets small against the hash range, which shingle
// sets are against 2⁶¹). The estimate is clamped to [0, 1].
func sketchJaccard(x, y *sketch) float64 {
	const chance = 1.0 / (1 << sketchBits)
	differ := 0
	for i := 0; i < sketchSize; i += 8 {
		d := binary.LittleEndian.Uint64(x[i:]) ^ binary.LittleEndian.Uint64(y[i:])
		// Collapse each nibble to its low bit: set when the nibble differs.
		d |= d >> 1
		d |= d >> 2
		differ += bits.OnesCount64(d & 0x1111111111111111)
	}
	p := float64(SignatureSize-differ) / SignatureSize
	return min(1, max(0, (p-chance)/(1-chance)))
}
