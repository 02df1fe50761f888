package model

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/problem"
)

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is an OpenAI chat completions request; fields the cooperative
// does not use are passed through to the upstream untouched.
type Request struct {
	Model     string         `json:"model"`
	Messages  []Message      `json:"messages"`
	Stream    bool           `json:"stream,omitempty"`
	MaxTokens int            `json:"max_tokens,omitempty"`
	Extra     map[string]any `json:"-"`
}

// Usage counts tokens as OpenAI does.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

type clientPool struct{ http *http.Client }

func newClientPool() *clientPool {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return &clientPool{http: &http.Client{Transport: tr}}
}

// Upstream errors map to the HTTP statuses a proxy gives: 502 when the
// upstream is down or answers nonsense, 504 when it is too slow.
var (
	ErrUpstreamDown    = problem.New(problem.BadGateway, "the model's upstream could not be reached")
	ErrUpstreamTimeout = problem.New(problem.GatewayTimeout, "the model's upstream did not answer in time")
)

func upstreamProblem(ctx context.Context, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return ErrUpstreamTimeout
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream failed: " + shortErr(err)}
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func (s *Service) upstreamRequest(ctx context.Context, m Model, req Request, stream bool) (*http.Response, error) {
	body := map[string]any{}
	for k, v := range req.Extra {
		body[k] = v
	}
	body["model"], body["messages"], body["stream"] = m.UpstreamModel, req.Messages, stream
	if req.MaxTokens > 0 {
		body["max_tokens"] = req.MaxTokens
	}
	b, _ := json.Marshal(body)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, m.UpstreamURL+"/chat/completions", bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	if m.UpstreamKey != "" {
		hr.Header.Set("Authorization", "Bearer "+m.UpstreamKey)
	}
	resp, err := s.client.http.Do(hr)
	if err != nil {
		return nil, upstreamProblem(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		resp.Body.Close()
		return nil, &problem.Error{Kind: problem.BadGateway, Message: fmt.Sprintf("the model's upstream answered %d: %s", resp.StatusCode, strings.TrimSpace(string(msg)))}
	}
	return resp, nil
}

// upstreamComplete asks an OpenAI-compatible upstream for one answer.
func (s *Service) upstreamComplete(ctx context.Context, m Model, req Request) (string, Usage, error) {
	resp, err := s.upstreamRequest(ctx, m, req, false)
	if err != nil {
		return "", Usage{}, err
	}
	defer resp.Body.Close()
	var out struct {
		Choices []struct {
			Message Message `json:"message"`
		} `json:"choices"`
		Usage *Usage `json:"usage"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&out); err != nil {
		if ctx.Err() != nil {
			return "", Usage{}, upstreamProblem(ctx, ctx.Err())
		}
		return "", Usage{}, &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream answered something that is not a chat completion: " + shortErr(err)}
	}
	if len(out.Choices) == 0 {
		return "", Usage{}, &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream answered without a choice"}
	}
	var u Usage
	if out.Usage != nil {
		u = *out.Usage
	}
	return out.Choices[0].Message.Content, u, nil
}

// upstreamStream relays an upstream's streamed answer chunk by chunk to
// emit, and returns the whole text.
func (s *Service) upstreamStream(ctx context.Context, m Model, req Request, emit func(chunk []byte) error) (string, Usage, error) {
	resp, err := s.upstreamRequest(ctx, m, req, true)
	if err != nil {
		return "", Usage{}, err
	}
	defer resp.Body.Close()
	var text strings.Builder
	var usage Usage
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	done := false
	for sc.Scan() {
		line := sc.Bytes()
		data, ok := bytes.CutPrefix(line, []byte("data:"))
		if !ok {
			continue
		}
		data = bytes.TrimSpace(data)
		if string(data) == "[DONE]" {
			done = true
			break
		}
		var chunk struct {
			Choices []struct {
				Delta Message `json:"delta"`
			} `json:"choices"`
			Usage *Usage `json:"usage"`
		}
		if err := json.Unmarshal(data, &chunk); err != nil {
			return "", Usage{}, &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream streamed something that is not a chunk"}
		}
		for _, c := range chunk.Choices {
			text.WriteString(c.Delta.Content)
		}
		if chunk.Usage != nil {
			usage = *chunk.Usage
		}
		if err := emit(data); err != nil {
			return "", Usage{}, err
		}
	}
	if err := sc.Err(); err != nil {
		return "", Usage{}, upstreamProblem(ctx, err)
	}
	if !done {
		return "", Usage{}, &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream stopped streaming before the end"}
	}
	return text.String(), usage, nil
}

// deadline bounds an upstream call.
func (s *Service) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	d := s.Timeout
	if d <= 0 {
		d = 60 * time.Second
	}
	return context.WithTimeout(ctx, d)
}
