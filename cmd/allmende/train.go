package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/classify"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
)

// The files of a model directory.
const (
	modelFile = "model.bin"
	cardFile  = "card.json"
)

// card is a model version's card: what it was trained on (a commitment,
// no text), how, and how well it does on the records held out.
type card struct {
	Format  int         `json:"format"`
	Kind    string      `json:"kind"`
	Created time.Time   `json:"created"`
	Params  cardParams  `json:"params"`
	Metrics cardMetrics `json:"metrics"`
	Labels  []string    `json:"labels"`
	// Commitment is the RFC 6962 Merkle tree hash (hex) over the training
	// records in id order, each leaf being recordDigest of the record;
	// CommitmentRecords is the number of leaves.
	Commitment        string  `json:"commitment"`
	CommitmentRecords int     `json:"commitment_records"`
	CommitmentLeaf    string  `json:"commitment_leaf"`
	ModelSHA256       string  `json:"model_sha256"`
	ModelBytes        int64   `json:"model_bytes"`
	TrainSeconds      float64 `json:"train_seconds"`
}

type cardParams struct {
	LabelField   string  `json:"label_field"`
	Epochs       int     `json:"epochs,omitempty"`
	L2           float64 `json:"l2,omitempty"`
	LearningRate float64 `json:"learning_rate,omitempty"`
	K            int     `json:"k,omitempty"`
	Buckets      int     `json:"buckets"`
	HeldOut      float64 `json:"held_out"`
	Seed         int64   `json:"seed"`
}

type cardMetrics struct {
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
	Train    int     `json:"train"`
	HeldOut  int     `json:"held_out"`
	Classes  int     `json:"classes"`
}

const leafDescription = "sha256(be64(len(id)) id be64(len(text)) text be64(len(label)) label)"

// recordDigest is the SHA-256 of a record's id, text and label, each
// preceded by its length, so that no two records share a digest by
// moving bytes between fields.
func recordDigest(e classify.Example) []byte {
	h := sha256.New()
	for _, s := range []string{e.ID, e.Text, e.Label} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	return h.Sum(nil)
}

// commitment is the RFC 6962 tree hash over the records' digests in id
// order: the same tree the transparency log uses, so its tools prove that
// a record was (or was not) in a training set.
func commitment(ex []classify.Example) (string, error) {
	sorted := slices.Clone(ex)
	slices.SortFunc(sorted, func(a, b classify.Example) int { return strings.Compare(a.ID, b.ID) })
	rf := compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	r := rf.NewEmptyRange(0)
	for _, e := range sorted {
		if err := r.Append(rfc6962.DefaultHasher.HashLeaf(recordDigest(e)), nil); err != nil {
			return "", err
		}
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(root), nil
}

// runTrain trains a classifier on labelled JSON Lines and writes the model
// and its card to --out.
func runTrain(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("train", "train --data records.jsonl --kind linear|knn [--label FIELD] [--held-out 0.2] --out MODEL_DIR", io)
	data := fs.String("data", "", `training records, one {"id":…,"text":…,"label":…} per line (required)`)
	kind := fs.String("kind", "", "model kind: linear or knn (required)")
	label := fs.String("label", "label", "the field holding the label")
	heldOut := fs.Float64("held-out", 0.2, "share of the records held out to measure the model, 0 to 0.5")
	out := fs.String("out", "", "model directory, created if needed (required)")
	epochs := fs.Int("epochs", 20, "linear: passes over the records")
	l2 := fs.Float64("l2", 1e-4, "linear: L2 penalty λ")
	lr := fs.Float64("learning-rate", 0.5, "linear: initial learning rate")
	k := fs.Int("k", 10, "knn: neighbours that vote")
	buckets := fs.Int("buckets", classify.DefaultBuckets, "size of the hashed feature space")
	seed := fs.Int64("seed", 1, "linear: seed of the order of the records in each epoch")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" || *out == "" || *kind == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: want --data FILE, --kind linear|knn and --out DIR, and no other arguments", errUsage)
	}
	f, err := os.Open(*data)
	if err != nil {
		return err
	}
	ex, err := classify.ReadExamplesLabel(f, *label)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", *data, err)
	}
	o := classify.Options{Kind: classify.Kind(*kind), Epochs: *epochs, L2: *l2, LearningRate: *lr, K: *k,
		Buckets: *buckets, HeldOut: *heldOut, Seed: *seed}
	start := time.Now()
	m, met, err := classify.Train(ctx, ex, o, func(p classify.Progress) {
		fmt.Fprintf(io.out, "epoch %d/%d  loss %.4f  held-out accuracy %.4f  macro-F1 %.4f\n", p.Epoch, p.Epochs, p.Loss, p.Accuracy, p.MacroF1)
	})
	if err != nil {
		if errors.Is(err, classify.ErrInput) {
			return fmt.Errorf("%s: %w", *data, err)
		}
		return err
	}
	took := time.Since(start)
	c := card{Format: 1, Kind: *kind, Created: time.Now().UTC().Truncate(time.Second),
		Params:  cardParams{LabelField: *label, Buckets: *buckets, HeldOut: *heldOut},
		Metrics: cardMetrics{Accuracy: met.Accuracy, MacroF1: met.MacroF1, Train: met.Train, HeldOut: met.HeldOut, Classes: met.Classes},
		Labels:  m.Labels(), CommitmentLeaf: leafDescription, TrainSeconds: took.Seconds()}
	if o.Kind == classify.KindLinear {
		c.Params.Epochs, c.Params.L2, c.Params.LearningRate, c.Params.Seed = *epochs, *l2, *lr, *seed
	} else {
		c.Params.K = *k
	}
	ids := m.TrainingIDs()
	trained := make([]classify.Example, 0, len(ids))
	for _, e := range ex {
		if _, ok := slices.BinarySearch(ids, e.ID); ok {
			trained = append(trained, e)
		}
	}
	if c.Commitment, err = commitment(trained); err != nil {
		return err
	}
	c.CommitmentRecords = len(trained)
	if err := writeModelDir(*out, m, &c); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "trained %s on %d records (%d held out), %d labels, in %.2f s: held-out accuracy %.4f, macro-F1 %.4f\n",
		*kind, met.Train, met.HeldOut, met.Classes, took.Seconds(), met.Accuracy, met.MacroF1)
	fmt.Fprintf(io.out, "wrote %s (%d bytes) and %s; commitment %s\n",
		filepath.Join(*out, modelFile), c.ModelBytes, filepath.Join(*out, cardFile), c.Commitment)
	return nil
}

// writeModelDir writes model.bin and then card.json, each to a temporary
// file renamed into place, so that a directory never holds a half-written
// file and a card never names a model that is not there.
func writeModelDir(dir string, m *classify.Model, c *card) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	h := sha256.New()
	n, err := writeAtomically(filepath.Join(dir, modelFile), func(f *os.File) (int64, error) {
		return m.WriteTo(io.MultiWriter(f, h))
	})
	if err != nil {
		return err
	}
	c.ModelSHA256, c.ModelBytes = hex.EncodeToString(h.Sum(nil)), n
	doc, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	_, err = writeAtomically(filepath.Join(dir, cardFile), func(f *os.File) (int64, error) {
		k, err := f.Write(append(doc, '\n'))
		return int64(k), err
	})
	return err
}

// loadModel reads MODEL_DIR's model after checking it against its card.
func loadModel(dir string) (*classify.Model, *card, error) {
	doc, err := os.ReadFile(filepath.Join(dir, cardFile))
	if err != nil {
		return nil, nil, err
	}
	var c card
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filepath.Join(dir, cardFile), err)
	}
	bin, err := os.ReadFile(filepath.Join(dir, modelFile))
	if err != nil {
		return nil, nil, err
	}
	if sum := sha256.Sum256(bin); hex.EncodeToString(sum[:]) != c.ModelSHA256 {
		return nil, nil, fmt.Errorf("%s does not match the SHA-256 its card names", filepath.Join(dir, modelFile))
	}
	m, err := classify.ReadModel(bytes.NewReader(bin))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filepath.Join(dir, modelFile), err)
	}
	return m, &c, nil
}
