// Package dedup fingerprints contributions and finds exact and near
// duplicates among them, so that across all members of a datanet nobody is
// paid twice for the same data.
//
// # Fingerprints
//
// Every record gets a [DNA], the SHA-256 of its normalised content, shown to
// its contributor as "dna:" and 64 hex digits. For text, "normalised" is
// what [NormalizeText] documents (case folding, white space collapsed,
// invisible characters dropped, typographic variants and diacritics folded;
// the standard library has no Unicode NFC). A structured record, such as a
// question and its answer, is hashed in a canonical encoding of its fields
// ([FingerprintRecord]). An image's DNA is the SHA-256 of the file itself.
//
// Near duplicates of text are found by MinHash (A. Z. Broder, "On the
// Resemblance and Containment of Documents", SEQUENCES 1997) over character
// 5-shingles of the normalised words, with 128 hash functions of the family
// (a·x + b) mod 2⁶¹−1, and LSH banding (J. Leskovec, A. Rajaraman and J. D.
// Ullman, "Mining of Massive Datasets", ch. 3): 16 bands, their rows chosen
// so that a pair at the Jaccard threshold (0.8 by default, set per index)
// becomes a candidate with probability at least 0.95. Candidates are
// verified by the Jaccard similarity estimated from 4-bit b-bit MinHash
// sketches (P. Li and A. C. König, "b-Bit Minwise Hashing", WWW 2010).
//
// Near duplicates of images are found by a 64-bit DCT perceptual hash, the
// algorithm of the pHash library (C. Zauner, "Implementation and
// Benchmarking of Perceptual Image Hash Functions", 2010), compared by
// Hamming distance (at most 10 by default), and searched by multi-index
// hashing over four 16-bit chunks (M. Norouzi, A. Punjani and D. J. Fleet,
// "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012).
//
// # The index
//
// An [Index] answers [Index.Query] with the exact and near duplicates of a
// fingerprint, and [Index.AddIfUnique] admits a record only if it has none.
// [Index.Remove] erases records: an erased record no longer blocks anyone,
// and its fingerprint leaves memory and, for an index opened from a file,
// is overwritten in the file at once.
//
// Memory is the constraint at scale: a text record takes about 270 bytes
// (16 band entries of 8 bytes in sorted arrays, a 64-byte sketch, the DNA,
// the ID and table cells), against 512 bytes for its full signature alone,
// which therefore lives only in the file. A near-duplicate lookup among a
// million text records takes about 20 µs (see BenchmarkTextQuery).
//
// [Open] keeps the index in a journal file: every addition is appended and
// synced before it returns, removals overwrite their record in place, and
// [Index.Compact] rewrites the file atomically without erased records. The
// file has a versioned header and a CRC-32C per record; a damaged file is
// rejected with [ErrCorrupt], never loaded in part, except that an
// incomplete last record, left by a crash during an addition that never
// returned, is cut off.
package dedup
