package model

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
)

// retrieve answers from the model's datanets with BM25 (bleve's scorer):
// the best matching record's answer is the answer, and the records
// retrieved — with their scores — are its attribution.
func (s *Service) retrieve(ctx context.Context, ids []int64, query string) (string, map[string]float64, error) {
	type hit struct {
		id    string
		score float64
		text  string
	}
	var best []hit
	for _, id := range ids {
		c, err := s.corpus(ctx, id)
		if err != nil {
			return "", nil, err
		}
		req := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(query), 3, 0, false)
		req.Fields = []string{"text"}
		res, err := c.bm25.SearchInContext(ctx, req)
		if err != nil {
			return "", nil, fmt.Errorf("search: %w", err)
		}
		for _, h := range res.Hits {
			text, _ := h.Fields["text"].(string)
			best = append(best, hit{h.ID, h.Score, text})
		}
	}
	if len(best) == 0 {
		return "The cooperative's records hold nothing on this yet.", nil, nil
	}
	top := best[0]
	for _, h := range best[1:] {
		if h.score > top.score {
			top = h
		}
	}
	weights := map[string]float64{}
	for _, h := range best {
		weights[h.id] += h.score
	}
	// A Q&A record is "question\nanswer": answer with its answer.
	answer := top.text
	if _, a, ok := strings.Cut(top.text, "\n"); ok {
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
