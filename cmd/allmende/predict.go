package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/allmende/allmende/internal/classify"
)

// prediction is one line of `allmende predict`.
type prediction struct {
	ID    string  `json:"id"`
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// runPredict labels the texts on stdin, one JSON line per text.
func runPredict(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("predict", `predict --model MODEL_DIR < texts.jsonl (lines {"id":…,"text":…})`, io)
	dir := fs.String("model", "", "model directory written by train (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: want --model DIR and the texts on stdin", errUsage)
	}
	m, _, err := loadModel(*dir)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(io.out)
	n := 0
	err = classify.EachText(io.in, func(t classify.Example) error {
		if n++; n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		s := m.Predict(t.Text)
		return enc.Encode(prediction{t.ID, s[0].Label, s[0].Score})
	})
	if err != nil {
		return fmt.Errorf("stdin: %w", err)
	}
	return nil
}
