package model

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/allmende/allmende/internal/problem"
)

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is an OpenAI chat completions request; fields the cooperative
// does not use are passed through to the upstream untouched, except those
// that decide how much the upstream writes (see upstreamBody).
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

// newClientPool returns the client that talks to upstreams. Every
// connection it opens is checked by control after the name is resolved,
// so a name that pointed elsewhere at registration (DNS rebinding) is
// still refused. It follows no redirect, so the upstream key goes to the
// registered upstream and nowhere else, and it ignores HTTP_PROXY, which
// would dial the proxy instead of the checked address.
func newClientPool(control func(network, address string, c syscall.RawConn) error) *clientPool {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: control}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = dialer.DialContext
	tr.MaxIdleConnsPerHost = 256
	return &clientPool{http: &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func lookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// checkUpstream refuses, at registration, an upstream whose host is or
// resolves to an address the guard refuses: a member learns at once
// instead of at the first call. Every address the name has counts, since
// a dial may pick any of them.
func (s *Service) checkUpstream(ctx context.Context, rawURL string) error {
	if s.Guard.AllowPrivate {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return err // validate refused it already
	}
	host := u.Hostname()
	refuse := func(why string) error {
		return &problem.Error{Kind: problem.Invalid, Message: "the upstream is not on the public internet",
			Fields: map[string]string{"upstream_url": why}}
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		addrs, err = s.lookup(lctx, host)
		cancel()
		if err != nil || len(addrs) == 0 {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return refuse(fmt.Sprintf("the host %q could not be resolved", host))
		}
	}
	for _, ip := range addrs {
		if err := s.Guard.Check(ip); err != nil {
			return refuse(fmt.Sprintf("%s is a private, loopback, link-local or reserved address, or this server's own; upstreams must be public unless the server runs with --upstream-allow-private", ip.Unmap()))
		}
	}
	return nil
}

// Upstream errors map to the HTTP statuses a proxy gives: 502 when the
// upstream is down or answers nonsense, 504 when it is too slow. What went
// wrong in detail goes to the server's log: the caller is not the model's
// owner, and an upstream's error may tell things about its network.
var (
	ErrUpstreamDown    = problem.New(problem.BadGateway, "the model's upstream could not be reached")
	ErrUpstreamTimeout = problem.New(problem.GatewayTimeout, "the model's upstream did not answer in time")
)

func (s *Service) upstreamProblem(ctx context.Context, m Model, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return ErrUpstreamTimeout
	case ctx.Err() != nil:
		return ctx.Err()
	}
	s.logger().Warn("model upstream failed", "model", m.Slug, "err", err)
	return ErrUpstreamDown
}

func (s *Service) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// upstreamErrorBody is how much of a failing upstream's answer is logged.
const upstreamErrorBody = 2048

// oneAnswer refuses a request for more than one answer: the cover is
// reserved for one answer of at most max_tokens, and the attribution
// traces one text. n and best_of may be absent, null or 1.
func (r Request) oneAnswer() error {
	f := problem.Fields{}
	for _, k := range []string{"n", "best_of"} {
		if v, ok := r.Extra[k]; ok && v != nil && v != any(float64(1)) && v != any(1) {
			f.Add(k, "only 1: a call is paid for one answer")
		}
	}
	return f.Err()
}

// upstreamBody is what the upstream is asked: the request's own fields,
// with max_tokens always set to the bound the cover was reserved for
// (req.MaxTokens, already defaulted), so that an upstream's answer is no
// longer than what the caller pays for; max_completion_tokens, n and
// best_of are left out (an upstream answers one choice by default).
func upstreamBody(m Model, req Request, stream bool) ([]byte, error) {
	body := map[string]any{}
	for k, v := range req.Extra {
		switch k {
		case "n", "best_of", "max_completion_tokens":
		default:
			body[k] = v
		}
	}
	body["model"], body["messages"], body["stream"] = m.upstreamName(), req.Messages, stream
	body["max_tokens"] = req.MaxTokens
	return json.Marshal(body)
}

func (s *Service) upstreamRequest(ctx context.Context, m Model, req Request, stream bool) (*http.Response, error) {
	b, err := upstreamBody(m, req, stream)
	if err != nil {
		return nil, err
	}
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
		return nil, s.upstreamProblem(ctx, m, err)
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, upstreamErrorBody))
		resp.Body.Close()
		text := strings.TrimSpace(string(body))
		if m.UpstreamKey != "" {
			// An upstream that repeats the key it was sent does not
			// put it in our log.
			text = strings.ReplaceAll(text, m.UpstreamKey, "[upstream key]")
		}
		s.logger().Warn("model upstream answered an error", "model", m.Slug, "status", resp.StatusCode, "location", resp.Header.Get("Location"), "body", text)
		msg := fmt.Sprintf("the model's upstream answered %d", resp.StatusCode)
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			msg += "; redirects are not followed"
		}
		return nil, &problem.Error{Kind: problem.BadGateway, Message: msg}
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
			Index   int     `json:"index"`
			Message Message `json:"message"`
		} `json:"choices"`
		Usage *Usage `json:"usage"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&out); err != nil {
		if ctx.Err() != nil {
			return "", Usage{}, s.upstreamProblem(ctx, m, ctx.Err())
		}
		s.logger().Warn("model upstream answered something that is not a chat completion", "model", m.Slug, "err", err)
		return "", Usage{}, &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream answered something that is not a chat completion"}
	}
	var u Usage
	if out.Usage != nil {
		u = *out.Usage
	}
	// The first choice (index 0) is the answer; an upstream that wrote
	// more than it was asked for does not get the rest paid or shown.
	for _, c := range out.Choices {
		if c.Index == 0 {
			return c.Message.Content, u, nil
		}
	}
	return "", Usage{}, &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream answered without a choice"}
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
				Index int     `json:"index"`
				Delta Message `json:"delta"`
			} `json:"choices"`
			Usage *Usage `json:"usage"`
		}
		if err := json.Unmarshal(data, &chunk); err != nil {
			return "", Usage{}, &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream streamed something that is not a chunk"}
		}
		others := false
		for _, c := range chunk.Choices {
			if c.Index == 0 {
				text.WriteString(c.Delta.Content)
			} else {
				others = true
			}
		}
		if chunk.Usage != nil {
			usage = *chunk.Usage
		}
		if others {
			// Only the first choice is the answer: the client gets
			// what it pays for and what the attribution traced.
			if data, err = firstChoiceOnly(data); err != nil {
				return "", Usage{}, &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream streamed something that is not a chunk"}
			}
		}
		if err := emit(data); err != nil {
			return "", Usage{}, err
		}
	}
	if err := sc.Err(); err != nil {
		return "", Usage{}, s.upstreamProblem(ctx, m, err)
	}
	if !done {
		return "", Usage{}, &problem.Error{Kind: problem.BadGateway, Message: "the model's upstream stopped streaming before the end"}
	}
	return text.String(), usage, nil
}

// firstChoiceOnly returns a stream chunk without its choices of an index
// other than 0, keeping every other field as the upstream wrote it.
func firstChoiceOnly(data []byte) ([]byte, error) {
	var chunk map[string]json.RawMessage
	if err := json.Unmarshal(data, &chunk); err != nil {
		return nil, err
	}
	var choices []json.RawMessage
	if err := json.Unmarshal(chunk["choices"], &choices); err != nil {
		return nil, err
	}
	kept := choices[:0]
	for _, c := range choices {
		var ix struct {
			Index int `json:"index"`
		}
		if err := json.Unmarshal(c, &ix); err != nil {
			return nil, err
		}
		if ix.Index == 0 {
			kept = append(kept, c)
		}
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return nil, err
	}
	chunk["choices"] = b
	return json.Marshal(chunk)
}

// deadline bounds an upstream call.
func (s *Service) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	d := s.Timeout
	if d <= 0 {
		d = 60 * time.Second
	}
	return context.WithTimeout(ctx, d)
}
