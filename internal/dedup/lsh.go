package dedup

import "math"

// bands is b of the LSH banding of a signature (Leskovec, Rajaraman &
// Ullman, "Mining of Massive Datasets", §3.4): two records become candidates
// when all r rows of at least one of b bands agree, which for Jaccard
// similarity J happens with probability 1 − (1 − Jʳ)ᵇ, an S-curve rising
// around (1/b)^(1/r). Each band costs 8 bytes per record in memory (see
// multimap), so b is what the memory budget fixes: 16 bands are 128 of the
// 300 bytes a record may take. The rows per band then follow from the
// threshold (rowsFor).
const bands = 16

// minRecall is the probability with which a pair exactly at the threshold
// must become a candidate. Candidates are verified against the sketch, so
// a lower r than the S-curve midpoint suggests costs only a few more
// verifications; pairs more similar than the threshold are found with
// higher probability still (r = 7 at J = 0.8: 0.977 at 0.8, 0.996 at 0.85,
// 0.99996 at 0.9).
const minRecall = 0.95

// candidateProbability is the S-curve: the probability that two records of
// Jaccard similarity j share at least one of b bands of r rows.
func candidateProbability(j float64, b, r int) float64 {
	return 1 - math.Pow(1-math.Pow(j, float64(r)), float64(b))
}

// rowsFor returns the most rows per band (the steepest S-curve, hence the
// fewest candidates below the threshold) that still makes a pair at
// Jaccard similarity threshold a candidate with probability minRecall.
func rowsFor(threshold float64) int {
	for r := SignatureSize / bands; r > 1; r-- {
		if candidateProbability(threshold, bands, r) >= minRecall {
			return r
		}
	}
	return 1
}

// bandKeys hashes each band of r rows of sig to 32 bits. A collision
// between different bands of unrelated records makes a false candidate,
// which verification rejects: with a million records that happens in one
// band of 4,300, one query of 270, which costs less than 64-bit keys would.
func bandKeys(sig *Signature, r int) [bands]uint32 {
	var keys [bands]uint32
	for b := range keys {
		h := uint64(b+1) * 0x9e3779b97f4a7c15
		for _, v := range sig[b*r : (b+1)*r] {
			h = mix64(h ^ uint64(v))
		}
		keys[b] = uint32(h >> 32)
	}
	return keys
}

// mix64 is the finaliser of splitmix64: a bijection on 64 bits whose
// output bits each depend on all input bits.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
