package classify

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Kind names a kind of model.
type Kind string

const (
	KindLinear Kind = "linear"
	KindKNN    Kind = "knn"
)

// Bounds on what Train accepts; see the package doc.
const (
	// MaxTextBytes bounds one text: about 30 pages of prose, far more than
	// a label needs, and it keeps one text's features under ~300,000.
	MaxTextBytes = 100_000
	// MaxRecords bounds a training set, so that a record's index fits the
	// 32-bit rows the models store.
	MaxRecords = 10_000_000
	// MaxClasses bounds the number of labels.
	MaxClasses = 10_000
	// MaxAlphas bounds records × classes of a linear model: its α table,
	// 4 bytes each, stays under 256 MiB.
	MaxAlphas = 1 << 26
	// MaxWeights bounds features × classes of a linear model: its weights,
	// 4 bytes each, stay under 512 MiB.
	MaxWeights = 1 << 27
	// MaxLabelBytes and MaxIDBytes bound a label and an id.
	MaxLabelBytes = 256
	MaxIDBytes    = 256
)

// Example is one labelled training record.
type Example struct {
	ID, Text, Label string
}

// Options are the hyper-parameters of Train. Zero values take the
// defaults named beside them.
type Options struct {
	Kind         Kind
	Epochs       int     // linear: passes over the data, default 20, at most 1,000
	L2           float64 // linear: λ of the penalty λ‖W‖², default 1e-4
	LearningRate float64 // linear: initial step, default 0.5, decays linearly to 0
	K            int     // kNN neighbours, default 10
	Buckets      int     // hashed feature space size, default DefaultBuckets
	HeldOut      float64 // share held out for metrics, 0..0.5; split deterministic by ID hash
	Seed         int64   // linear: order of the examples in each epoch
}

// Progress is reported after each epoch with metrics on the held-out
// records (zero when none are held out). Loss is the mean training
// cross-entropy of the epoch (linear) or 0 (kNN, which has one "epoch").
// A linear model's epochs are measured with its SGD weights; the final
// Metrics measure the representer weights it serves (see the package
// doc), which at the default settings score within a few tenths of a
// point of them.
type Progress struct {
	Epoch, Epochs           int
	Loss, Accuracy, MacroF1 float64
}

// Metrics are the final held-out metrics and the sizes of the split.
type Metrics struct {
	Accuracy, MacroF1       float64
	Train, HeldOut, Classes int
}

// Score is a label's score; Predict returns them in descending order and
// they sum to 1.
type Score struct {
	Label string
	Score float64
}

// Influence is the exact influence of one training record on a
// prediction (see the package doc).
type Influence struct {
	ID     string
	Label  string
	Weight float64
}

// ErrInput marks an error caused by the training set or the options, not by
// the machine; errors.Is(err, ErrInput) tells a caller to show it to the
// person who supplied them.
var ErrInput = errors.New("invalid training input")

func inputErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInput, fmt.Sprintf(format, a...))
}

func (o Options) withDefaults() (Options, error) {
	switch o.Kind {
	case KindLinear, KindKNN:
	case "":
		return o, inputErr("no model kind (want %q or %q)", KindLinear, KindKNN)
	default:
		return o, inputErr("unknown model kind %q (want %q or %q)", o.Kind, KindLinear, KindKNN)
	}
	if o.Epochs == 0 {
		o.Epochs = 20
	}
	if o.Epochs < 1 || o.Epochs > 1000 {
		return o, inputErr("epochs %d: want 1 to 1000", o.Epochs)
	}
	if o.L2 == 0 {
		o.L2 = 1e-4
	}
	if !(o.L2 > 0 && o.L2 <= 1) {
		return o, inputErr("L2 %g: want more than 0 and at most 1", o.L2)
	}
	if o.LearningRate == 0 {
		o.LearningRate = 0.5
	}
	if !(o.LearningRate > 0 && o.LearningRate <= 100) {
		return o, inputErr("learning rate %g: want more than 0 and at most 100", o.LearningRate)
	}
	if 2*o.L2*o.LearningRate >= 1 {
		// Each step shrinks the weights by 1 − 2λ·rate, which must stay
		// positive.
		return o, inputErr("L2 %g with learning rate %g shrink the weights to nothing in one step: want 2 × L2 × rate under 1", o.L2, o.LearningRate)
	}
	if o.K == 0 {
		o.K = 10
	}
	if o.K < 1 || o.K > 1000 {
		return o, inputErr("k %d: want 1 to 1000", o.K)
	}
	if o.Buckets == 0 {
		o.Buckets = DefaultBuckets
	}
	if o.Buckets < 1 || o.Buckets > MaxBuckets {
		return o, inputErr("buckets %d: want 1 to %d", o.Buckets, MaxBuckets)
	}
	if !(o.HeldOut >= 0 && o.HeldOut <= 0.5) {
		return o, inputErr("held-out share %g: want 0 to 0.5", o.HeldOut)
	}
	return o, nil
}

// HeldOut says whether Train holds out the record with this id when
// holding out the given share: the split depends on the id alone, so the
// same record stays on the same side when records are added or removed,
// and a benchmark can split the same way.
func HeldOut(id string, share float64) bool {
	if share == 0 {
		return false
	}
	// SHA-256, not FNV: FNV's high bits hardly change between ids that
	// differ in their last characters ("rec-001", "rec-002").
	h := sha256.Sum256([]byte(id))
	return float64(binary.BigEndian.Uint64(h[:8])>>11)/(1<<53) < share
}

// checkExamples refuses a training set a classifier cannot learn from,
// naming the record or label at fault.
func checkExamples(ex []Example) error {
	if len(ex) > MaxRecords {
		return inputErr("%d records, more than %d", len(ex), MaxRecords)
	}
	seen := make(map[string]int, len(ex))
	for i, e := range ex {
		switch {
		case e.ID == "":
			return inputErr("record %d: empty id", i+1)
		case len(e.ID) > MaxIDBytes:
			return inputErr("record %d: id of %d bytes, more than %d", i+1, len(e.ID), MaxIDBytes)
		case !utf8.ValidString(e.ID) || !utf8.ValidString(e.Text) || !utf8.ValidString(e.Label):
			return inputErr("record %q: not valid UTF-8", e.ID)
		case e.Text == "":
			return inputErr("record %q: empty text", e.ID)
		case len(e.Text) > MaxTextBytes:
			return inputErr("record %q: text of %d bytes, more than %d", e.ID, len(e.Text), MaxTextBytes)
		case e.Label == "":
			return inputErr("record %q: empty label", e.ID)
		case len(e.Label) > MaxLabelBytes:
			return inputErr("record %q: label of %d bytes, more than %d", e.ID, len(e.Label), MaxLabelBytes)
		}
		if j, ok := seen[e.ID]; ok {
			return inputErr("records %d and %d have the same id %q", j+1, i+1, e.ID)
		}
		seen[e.ID] = i
	}
	return nil
}

// Train fits a model of kind o.Kind to the examples not held out and
// measures it on those held out, calling progress (if not nil) after each
// epoch. It refuses, with an error wrapping ErrInput: an empty id, text or
// label, a text over MaxTextBytes, repeated ids, fewer than two labels,
// more than MaxClasses labels, a label with fewer than 2 records, a label
// with no record left for training after the held-out split, and options
// out of range. Cancelling ctx stops training between epochs (and every
// 4,096 records within one) with ctx's error.
func Train(ctx context.Context, ex []Example, o Options, progress func(Progress)) (*Model, Metrics, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, Metrics{}, err
	}
	if err := checkExamples(ex); err != nil {
		return nil, Metrics{}, err
	}
	count := map[string]int{}
	for _, e := range ex {
		count[e.Label]++
	}
	labels := make([]string, 0, len(count))
	for l := range count {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	switch {
	case len(labels) == 0:
		return nil, Metrics{}, inputErr("no records")
	case len(labels) == 1:
		return nil, Metrics{}, inputErr("every record has the label %q: a classifier needs at least two labels", labels[0])
	case len(labels) > MaxClasses:
		return nil, Metrics{}, inputErr("%d labels, more than %d", len(labels), MaxClasses)
	}
	for _, l := range labels {
		if count[l] < 2 {
			return nil, Metrics{}, inputErr("label %q has %d record, want at least 2 per label", l, count[l])
		}
	}
	class := make(map[string]int32, len(labels))
	for i, l := range labels {
		class[l] = int32(i)
	}
	var train, test []int
	inTrain := make([]int, len(labels))
	for i, e := range ex {
		if HeldOut(e.ID, o.HeldOut) {
			test = append(test, i)
		} else {
			train = append(train, i)
			inTrain[class[e.Label]]++
		}
	}
	for c, l := range labels {
		if inTrain[c] == 0 {
			return nil, Metrics{}, inputErr("label %q has no record left for training after holding out %g of the records; add records or lower the held-out share", l, o.HeldOut)
		}
	}
	if o.Kind == KindLinear && len(train)*len(labels) > MaxAlphas {
		return nil, Metrics{}, inputErr("%d training records × %d labels is more than %d, the bound of a linear model", len(train), len(labels), MaxAlphas)
	}
	// Training rows in id order, so that a model does not depend on the
	// order of its input and ties between neighbours break the same way.
	slices.SortFunc(train, func(a, b int) int { return cmpString(ex[a].ID, ex[b].ID) })

	m := &Model{kind: o.Kind, buckets: o.Buckets, k: o.K, l2: o.L2, labels: labels}
	vecs := make([]vector, len(train))
	m.ids = make([]string, len(train))
	m.y = make([]int32, len(train))
	for r, i := range train {
		if r%4096 == 0 && ctx.Err() != nil {
			return nil, Metrics{}, ctx.Err()
		}
		vecs[r] = extract(ex[i].Text, o.Buckets)
		m.ids[r] = ex[i].ID
		m.y[r] = class[ex[i].Label]
	}
	m.x = newMatrix(vecs, o.Buckets)
	if o.Kind == KindLinear && len(m.x.feat)*len(labels) > MaxWeights {
		return nil, Metrics{}, inputErr("the records use %d features × %d labels, more than %d weights, the bound of a linear model; train a kNN model or use fewer buckets", len(m.x.feat), len(labels), MaxWeights)
	}
	m.dropped = make([]bool, len(m.ids))
	testX := make([]vector, len(test))
	testY := make([]int32, len(test))
	for r, i := range test {
		testX[r] = extract(ex[i].Text, o.Buckets)
		testY[r] = class[ex[i].Label]
	}
	eval := func() (float64, float64) {
		if len(test) == 0 {
			return 0, 0
		}
		pred := make([]int32, len(test))
		for r, v := range testX {
			pred[r] = m.predictVector(v)
		}
		return accuracy(testY, pred), macroF1(testY, pred, len(labels))
	}
	switch o.Kind {
	case KindKNN:
		acc, f1 := eval()
		if progress != nil {
			progress(Progress{Epoch: 1, Epochs: 1, Accuracy: acc, MacroF1: f1})
		}
	case KindLinear:
		if err := m.fitLinear(ctx, vecs, o, func(epoch int, loss float64) {
			if progress != nil {
				acc, f1 := eval()
				progress(Progress{Epoch: epoch, Epochs: o.Epochs, Loss: loss, Accuracy: acc, MacroF1: f1})
			}
		}); err != nil {
			return nil, Metrics{}, err
		}
	}
	acc, f1 := eval()
	return m, Metrics{Accuracy: acc, MacroF1: f1, Train: len(train), HeldOut: len(test), Classes: len(labels)}, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func accuracy(y, pred []int32) float64 {
	right := 0
	for i := range y {
		if y[i] == pred[i] {
			right++
		}
	}
	return float64(right) / float64(len(y))
}

// macroF1 is the unweighted mean of the per-label F1 scores over the labels
// that occur among the true or the predicted labels (scikit-learn's
// f1_score(average="macro") over the labels present).
func macroF1(y, pred []int32, classes int) float64 {
	tp := make([]int, classes)
	fp := make([]int, classes)
	fn := make([]int, classes)
	for i := range y {
		if y[i] == pred[i] {
			tp[y[i]]++
		} else {
			fp[pred[i]]++
			fn[y[i]]++
		}
	}
	sum, n := 0.0, 0
	for c := range classes {
		if tp[c]+fp[c]+fn[c] == 0 {
			continue
		}
		n++
		sum += 2 * float64(tp[c]) / float64(2*tp[c]+fp[c]+fn[c])
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}
