package model

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/search"
)

// retrieve answers from the model's datanets with BM25: the best matching
// record's answer is the answer, and the records retrieved — with their
// scores — are its attribution. The index holds ids; the text is read from
// the sealed store, so a record erased a moment ago is never the answer.
func (s *Service) retrieve(ctx context.Context, corpora []*corpus, query string) (string, map[string]float64, error) {
	type hit struct {
		datanet int64
		search.Hit
	}
	var best []hit
	for _, c := range corpora {
		for _, h := range c.search().Search(query, 3) {
			best = append(best, hit{c.datanetID, h})
		}
	}
	slices.SortStableFunc(best, func(a, b hit) int { return cmp.Compare(b.Score, a.Score) })
	weights := map[string]float64{}
	text := ""
	for _, h := range best {
		if text == "" {
			t, err := s.datanets.RecordText(ctx, h.datanet, h.ID)
			if problem.Is(err, problem.NotFound) {
				continue // erased since the index looked
			}
			if err != nil {
				return "", nil, err
			}
			text = t
		}
		weights[h.ID] += h.Score
	}
	if text == "" {
		return "The cooperative's records hold nothing on this yet.", nil, nil
	}
	// A Q&A record is "question\nanswer": answer with its answer.
	answer := text
	if _, a, ok := strings.Cut(text, "\n"); ok {
		answer = a
	}
	return answer, weights, nil
}

// streamText sends a retrieval answer as OpenAI-style stream chunks, a few
// words at a time, so that streaming clients work with it too.
func streamText(m Model, text string, emit func([]byte) error) error {
	words := strings.SplitAfter(text, " ")
	for i := 0; i < len(words); i += 8 {
		part := strings.Join(words[i:min(i+8, len(words))], "")
		chunk, _ := json.Marshal(map[string]any{
			"object": "chat.completion.chunk", "model": m.Slug,
			"choices": []map[string]any{{"index": 0, "delta": map[string]string{"role": "assistant", "content": part}}},
		})
		if err := emit(chunk); err != nil {
			return err
		}
	}
	return nil
}
