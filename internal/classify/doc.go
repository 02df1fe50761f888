// Package classify trains small text classifiers on a cooperative's records
// and says, for every prediction, which training records shaped it and by
// how much, so that the records' contributors can be paid by influence.
//
// # Features, shared by every model
//
// A text becomes a sparse vector by the hashing trick (Weinberger et al.,
// "Feature Hashing for Large Scale Multitask Learning", ICML 2009): its
// lower-cased words and word bigrams and the character 3- to 5-grams of
// each word padded with spaces (fastText's subwords, Bojanowski et al.
// 2017) are hashed with 64-bit FNV-1a into Options.Buckets buckets,
// counted with sublinear term frequency (1 + ln count) and scaled to unit
// length. The extractor has no state, so every model reads texts the same
// way and a model holds only its own weights: a small "adapter" over the
// buckets its training records used.
//
// # Two kinds of model
//
// KindLinear is multinomial logistic regression with an L2 penalty,
// minimising (1/n) Σ_i CE(softmax(W x_i), y_i) + λ‖W‖² by stochastic
// gradient descent with sparse updates, the penalty applied lazily as a
// scale on W (Bottou, "Stochastic Gradient Descent Tricks", 2012), and a
// learning rate that decays linearly to zero over the epochs (as fastText
// does). There is no bias term: a bias is not penalised, and the
// decomposition below needs every parameter to be.
//
// KindKNN is a k-nearest-neighbour vote by cosine similarity over the same
// unit vectors; a label's score is its share of the K votes. Only records
// that share a feature with the text are neighbours, so a text unlike
// every record gets equal scores and pays nobody.
//
// # Influence of each training record on one prediction
//
// KindKNN: the exact Shapley value of every training record for the
// utility "share of the K nearest neighbours that carry the predicted
// label" (Jia et al., "Efficient Task-Specific Data Valuation for Nearest
// Neighbor Algorithms", VLDB 2019, Theorem 1), computed by
// attrib.KNNShapleyDistances with one radix sort of the records that share
// a feature with the text; the others never change the vote, so their
// value is exactly 0. For unit vectors the squared Euclidean distance is
// 2 − 2·cos, so the ranking is the one the vote uses.
//
// KindLinear: the representer-point decomposition (Yeh et al., "Representer
// Point Selection for Explaining Deep Neural Networks", NeurIPS 2018,
// Theorem 3.1). At a stationary point of the objective above,
// W = Σ_i α_i x_iᵀ with α_ic = −1/(2λn) · ∂CE_i/∂z_ic = (y_ic − p_ic)/(2λn),
// so logit_c(x) = Σ_i α_ic ⟨x_i, x⟩. Train computes α from the trained
// weights and then serves W' = Σ_i α_i x_iᵀ itself (see linear.go), so the
// decomposition is exact for the model that answers, not only at an
// optimum SGD approaches: the weight of record i in a prediction is its
// term α_ic ⟨x_i, x⟩ for the predicted class c, and the terms sum to that
// class's logit. W' equals the SGD weights only as far as SGD converged:
// at the defaults (λ = 1e-4, 20 epochs) both score the same on the
// benchmark's held-out messages (cmd/classifybench); with a much smaller λ
// or few epochs W' is worse, and the final Metrics, which measure W', show
// it.
//
// # From weights to payable shares
//
// Weights can be negative (a neighbour with another label; a record that
// argues against the predicted class). A payment is shared among the
// records with a positive weight only, each in proportion to its weight:
// share_i = max(w_i, 0) / Σ_j max(w_j, 0); when no weight is positive
// nobody is paid by influence. Payable computes these shares. Explain
// keeps the top records by |weight|, so the caller shares among the
// positive weights it was given. Records removed by Model.Without are
// never reported.
//
// # Cost of one call
//
// Predict on a linear model costs O(f·(C + log F)) for a text of f
// features, C labels and F buckets in use. Predict on a kNN model, and Explain on either, cost the sum of
// the lengths of the text's feature columns in the training matrix (at
// most the matrix's non-zeros) plus O(n) for n training records; kNN's
// Explain adds attrib's O(n) radix sort. Memory per call is O(n + C).
//
// # Bounds
//
// A text holds at most MaxTextBytes bytes; a training set at most
// MaxRecords records and MaxClasses labels; a linear model at most
// MaxAlphas records × classes (its α table) and MaxWeights features ×
// classes.
package classify
