package openai

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
)

// chatCompletion answers POST /v1/chat/completions, streaming or not.
func (o *OpenAI) chatCompletion(w http.ResponseWriter, r *http.Request, client model.Client) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20))
	if err != nil {
		return problem.New(problem.TooLarge, "the request is larger than 4 MB")
	}
	req, err := parseChatRequest(body)
	if err != nil {
		return err
	}
	created := time.Now().Unix()
	if !req.Stream {
		res, err := o.Models.Complete(r.Context(), client, req, nil)
		if err != nil {
			return err
		}
		answer := map[string]any{
			"id": fmt.Sprintf("chatcmpl-%d", res.Attribution.CallID), "object": "chat.completion", "created": created, "model": res.Model.Slug,
			"choices":              []map[string]any{{"index": 0, "message": model.Message{Role: "assistant", Content: res.Text}, "finish_reason": "stop"}},
			"usage":                res.Usage,
			"allmende_attribution": res.Attribution,
		}
		if res.Scores != nil {
			// A specialised model answers a label: the content is the
			// label, and all labels with their scores come beside it.
			answer["allmende_scores"] = res.Scores
		}
		response.JSON(w, http.StatusOK, answer)
		return nil
	}
	flusher, _ := w.(http.Flusher)
	started := false
	emit := func(chunk []byte) error {
		if !started {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Cache-Control", "no-cache")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", chunk); err != nil {
			return err
		}
		if flusher != nil {
			flusher.Flush()
		}
		return nil
	}
	res, err := o.Models.Complete(r.Context(), client, req, emit)
	if err != nil {
		if !started {
			return err
		}
		// Headers are sent: report the failure in the stream itself,
		// as the one table says it.
		p, _ := response.Problem(o.Log, r, err)
		b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": string(p.Kind), "message": p.Message}})
		_ = emit(b)
		return nil
	}
	final, _ := json.Marshal(map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", res.Attribution.CallID), "object": "chat.completion.chunk", "created": created, "model": res.Model.Slug,
		"choices":              []map[string]any{{"index": 0, "delta": map[string]string{}, "finish_reason": "stop"}},
		"usage":                res.Usage,
		"allmende_attribution": res.Attribution,
		"allmende_scores":      res.Scores,
	})
	_ = emit(final)
	_, _ = fmt.Fprint(w, "data: [DONE]\n\n")
	return nil
}

// parseChatRequest reads an OpenAI chat request, keeping the fields the
// cooperative does not interpret (temperature, …) for the upstream.
func parseChatRequest(body []byte) (model.Request, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return model.Request{}, request.JSONProblem(err)
	}
	var req model.Request
	req.Extra = map[string]any{}
	f := problem.Fields{}
	var maxName string
	for k, v := range raw {
		var err error
		switch k {
		case "model":
			err = json.Unmarshal(v, &req.Model)
		case "messages":
			err = json.Unmarshal(v, &req.Messages)
		case "stream":
			err = json.Unmarshal(v, &req.Stream)
		case "max_tokens", "max_completion_tokens":
			// Two names for one bound (OpenAI renamed it); the domain checks its range.
			var n int
			if err = json.Unmarshal(v, &n); err == nil && maxName != "" && n != req.MaxTokens {
				f.Add("max_completion_tokens", "give either max_tokens or max_completion_tokens, or the same value for both")
			}
			req.MaxTokens, maxName = n, k
		default:
			var x any
			err = json.Unmarshal(v, &x)
			req.Extra[k] = x
		}
		if err != nil {
			f.Add(k, "has the wrong type")
		}
	}
	if req.Model == "" {
		f.Add("model", "is required")
	}
	f.Line("model", req.Model)
	if len(req.Messages) == 0 {
		f.Add("messages", "at least one message")
	}
	for i, m := range req.Messages {
		if m.Role == "" {
			f.Add(fmt.Sprintf("messages[%d].role", i), "is required")
		}
	}
	if err := f.Err(); err != nil {
		return model.Request{}, err
	}
	return req, nil
}
