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
	texts, err := classify.ReadTexts(io.in)
	if err != nil {
		return fmt.Errorf("stdin: %w", err)
	}
	enc := json.NewEncoder(io.out)
	for i, t := range texts {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		s := m.Predict(t.Text)
		if err := enc.Encode(prediction{t.ID, s[0].Label, s[0].Score}); err != nil {
			return err
		}
	}
	return nil
}
