package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/allmende/allmende/internal/classify"
)

// explanation is one line of `allmende explain`: the prediction and the
// training records that influenced it most, by |weight|.
type explanation struct {
	ID         string      `json:"id"`
	Label      string      `json:"label"`
	Score      float64     `json:"score"`
	Influences []influence `json:"influences"`
}

// influence is one training record's weight and its share of a payment
// split among the listed records (classify.Payable: positive weights
// only, normalised).
type influence struct {
	ID     string  `json:"id"`
	Label  string  `json:"label"`
	Weight float64 `json:"weight"`
	Share  float64 `json:"share"`
}

// runExplain prints, for each text of --data, its prediction and the
// training records that influenced it (see internal/classify for the
// measure: exact kNN-Shapley or representer points).
func runExplain(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("explain", "explain --model MODEL_DIR --data records.jsonl [--top 10]", io)
	dir := fs.String("model", "", "model directory written by train (required)")
	data := fs.String("data", "", `texts to explain, one {"id":…,"text":…} per line (required)`)
	top := fs.Int("top", 10, "influences listed per text, largest |weight| first")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" || *data == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: want --model DIR and --data FILE, and no other arguments", errUsage)
	}
	if *top < 1 {
		return fmt.Errorf("%w: --top must be at least 1", errUsage)
	}
	m, _, err := loadModel(*dir)
	if err != nil {
		return err
	}
	f, err := os.Open(*data)
	if err != nil {
		return err
	}
	texts, err := classify.ReadTexts(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", *data, err)
	}
	enc := json.NewEncoder(io.out)
	for _, t := range texts {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s, inf := m.Explain(t.Text, *top)
		e := explanation{ID: t.ID, Label: s[0].Label, Score: s[0].Score, Influences: make([]influence, len(inf))}
		share := map[string]float64{}
		for _, p := range classify.Payable(inf) {
			share[p.ID] = p.Weight
		}
		for i, x := range inf {
			e.Influences[i] = influence{x.ID, x.Label, x.Weight, share[x.ID]}
		}
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}
