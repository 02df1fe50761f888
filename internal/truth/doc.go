// Package truth infers the true answer to each question from the answers of
// several workers of unknown reliability, and estimates how reliable each
// worker is. It is how the cooperative decides which label an item gets and
// whose work agrees with the inferred truth, without trusting any one person.
//
// Categorical answers (one label out of a set):
//
//   - [MajorityVote]: the most frequent label; the baseline every other
//     method must beat.
//   - [DawidSkene]: expectation–maximisation over a full confusion matrix per
//     worker. A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of
//     Observer Error-Rates Using the EM Algorithm", Applied Statistics 28(1),
//     1979.
//   - [GLAD]: a worker ability and an item difficulty, the probability of a
//     correct answer being σ(ability × 1/difficulty). J. Whitehill, P. Ruvolo,
//     T. Wu, J. Bergsma and J. Movellan, "Whose Vote Should Count More:
//     Optimal Integration of Labels from Labelers of Unknown Expertise",
//     NIPS 2009. Extended to K labels by spreading wrong answers uniformly.
//   - [MACE]: each worker either knows the answer or "spams" following a
//     private label distribution. D. Hovy, T. Berg-Kirkpatrick, A. Vaswani
//     and E. Hovy, "Learning Whom to Trust with MACE", NAACL 2013.
//
// Numeric answers: [Mean] and [Median], each with an additive bias and a
// noise level estimated per worker (the Gaussian worker model of V. C. Raykar
// et al., "Learning From Crowds", JMLR 11, 2010, plus a bias term).
//
// The answers-CSV format (question,worker,answer) and the ground-truth format
// (question,truth) are those of the public truth-inference benchmarks:
// Y. Zheng, G. Li, Y. Li, C. Shan and R. Cheng, "Truth Inference in
// Crowdsourcing: Is the Problem Solved?", PVLDB 10(5), 2017, and crowd-kit.
//
// Everything is deterministic: ids are sorted in natural order, iterative
// methods start from the majority vote rather than a random point, and ties
// are broken by fixed rules, so the same answers always give the same output.
package truth
