// Package attrib attributes a model's output and a model's value to the
// records of a datanet, so that rewards can follow influence. It computes
// three things:
//
// # Span tracing
//
// [Index] is a persistent index over the accepted text of a datanet, and
// [Index.Trace] returns the maximal spans of an output text that occur
// verbatim in it, with their occurrence counts and the records that contain
// them, rarest first: the approach of OLMoTrace (J. Liu et al., "OLMoTrace:
// Tracing Language Model Outputs Back to Trillions of Training Tokens",
// 2025) on the suffix-array engine of infini-gram (J. Liu, S. Min, L.
// Zettlemoyer, Y. Choi and H. Hajishirzi, "Infini-gram: Scaling Unbounded
// n-gram Language Models to a Trillion Tokens", 2024). Spans are measured in
// characters (code points), never split a character, and never cross from
// one record into the next.
//
// The index is a set of immutable segments, each a file holding its
// records' text (separated by the byte 0xFF, which UTF-8 never uses), the
// suffix array of that text (int32 entries), the record and id tables, and
// nothing else: about 5 bytes on disk per byte of text. Segment files are
// memory-mapped, never read into the heap. Queries read small indexes
// through the mapping; beyond Options.MappedBytes they keep a sample of
// each suffix array in memory (1/8 byte per byte of text) and read the
// rest with pread, so that the resident set does not grow with the index
// (see sample.go). New records go into a new
// segment; segments are merged as in a log-structured merge tree (see
// merge.go). Erasing a record writes a tombstone into the manifest at once;
// queries skip tombstoned records, for matching, counting and naming alike,
// and the next merge of their segment leaves their text out. [Index.Purge]
// does that merge at once: it rewrites the segments that hold erased
// records and deletes the old files before it returns, for erasure that
// must not leave the text on disk. Suffix arrays
// are built by SA-IS (G. Nong, S. Zhang and W. H. Chan, "Linear Suffix Array
// Construction by Almost Pure Induced-Sorting", DCC 2009).
//
// # Data valuation
//
// [KNNShapley] computes the exact Shapley value of every training point
// for a k-nearest-neighbour classifier, in O(N log N) per test point: the
// recursion of R. Jia, D. Dao, B. Wang, F. A. Hubis, N. M. Gurel, B. Li, C.
// Zhang, C. J. Spanos and D. Song, "Efficient Task-Specific Data Valuation
// for Nearest Neighbor Algorithms", PVLDB 12(11), 2019, Theorem 1, and the
// soft-label utility of J. T. Wang and R. Jia, "A Note on 'Efficient
// Task-Specific Data Valuation for Nearest Neighbor Algorithms'", 2023, for
// which the recursion is derived in knn.go. Both are checked against
// enumeration of all subsets.
//
// # Reward split
//
// [Split] turns weights (span counts, Shapley values) into integer amounts
// by the largest-remainder method, exactly, so that the parts always add up
// to the amount paid.
//
// # Inputs
//
// [JSONLReader] reads records as JSON Lines ({"id":…,"text":…});
// [ReadPoints] reads labelled vectors as CSV (id,label,x1,…).
package attrib
