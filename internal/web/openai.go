package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// The OpenAI-compatible endpoints, so that any OpenAI client library works
// with the cooperative's models: it authenticates with a client API key,
// and every answer carries an allmende_attribution object.

func (s *Server) apiKeyClient(r *http.Request) (model.Client, error) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return s.Models.Authenticate(r.Context(), strings.TrimSpace(token))
}

// openaiModels lists the models (GET /v1/models).
func (s *Server) openaiModels(w http.ResponseWriter, r *http.Request) {
	if _, err := s.apiKeyClient(r); err != nil {
		s.apiError(w, r, err)
		return
	}
	// OpenAI's list has no pages: the newest store.MaxLimit models.
	list, _, err := s.Models.List(r.Context(), store.Page{Limit: store.MaxLimit})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	data := make([]map[string]any, len(list))
	for i, m := range list {
		data[i] = map[string]any{"id": m.Slug, "object": "model", "created": m.CreatedAt.Unix(), "owned_by": m.Owner}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}

// chatCompletions answers POST /v1/chat/completions, streaming or not.
func (s *Server) chatCompletions(w http.ResponseWriter, r *http.Request) {
	client, err := s.apiKeyClient(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20))
	if err != nil {
		s.apiError(w, r, problem.New(problem.TooLarge, "the request is larger than 4 MB"))
		return
	}
	req, err := parseChatRequest(body)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	created := time.Now().Unix()
	if !req.Stream {
		res, err := s.Models.Complete(r.Context(), client, req, nil)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"id": fmt.Sprintf("chatcmpl-%d", res.Attribution.CallID), "object": "chat.completion", "created": created, "model": res.Model.Slug,
			"choices":              []map[string]any{{"index": 0, "message": model.Message{Role: "assistant", Content: res.Text}, "finish_reason": "stop"}},
			"usage":                res.Usage,
			"allmende_attribution": res.Attribution,
		})
		return
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
	res, err := s.Models.Complete(r.Context(), client, req, emit)
	if err != nil {
		if !started {
			s.apiError(w, r, err)
			return
		}
		// Headers are sent: report the failure in the stream itself.
		p, _ := s.classify(r, err)
		b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": string(p.Kind), "message": p.Message}})
		_ = emit(b)
		return
	}
	final, _ := json.Marshal(map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", res.Attribution.CallID), "object": "chat.completion.chunk", "created": created, "model": res.Model.Slug,
		"choices":              []map[string]any{{"index": 0, "delta": map[string]string{}, "finish_reason": "stop"}},
		"usage":                res.Usage,
		"allmende_attribution": res.Attribution,
	})
	_ = emit(final)
	_, _ = fmt.Fprint(w, "data: [DONE]\n\n")
}

// parseChatRequest reads an OpenAI chat request, keeping the fields the
// cooperative does not interpret (temperature, …) for the upstream.
func parseChatRequest(body []byte) (model.Request, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return model.Request{}, jsonProblem(err)
	}
	var req model.Request
	req.Extra = map[string]any{}
	f := problem.Fields{}
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
			err = json.Unmarshal(v, &req.MaxTokens)
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
	if req.MaxTokens < 0 {
		f.Add("max_tokens", "cannot be negative")
	}
	if err := f.Err(); err != nil {
		return model.Request{}, err
	}
	return req, nil
}
