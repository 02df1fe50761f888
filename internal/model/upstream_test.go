package model_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// names is a name server for registration: each name answers with the
// addresses given, anything else is unknown.
func names(answers map[string][]string) func(context.Context, string) ([]netip.Addr, error) {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, a := range answers[host] {
			out = append(out, netip.MustParseAddr(a))
		}
		if len(out) == 0 {
			return nil, errors.New("no such host")
		}
		return out, nil
	}
}

func llm(slug, url string) model.Model {
	return model.Model{Slug: slug, Name: "LLM", Kind: model.OpenAI, UpstreamURL: url, UpstreamModel: "llama3", UpstreamKey: "sk-upstream",
		PricePerCall: 10, Datanets: []string{"tenancy"}}
}

// A member who registers a model must not make the server connect to its
// own network: loopback, private and link-local upstreams, given as an
// address or as a name that resolves to one, are refused at registration
// unless the server allows private upstreams.
func TestUpstreamOnThePrivateNetworkIsRefused(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.s.AllowPrivate = false
	model.SetLookup(e.s, names(map[string][]string{
		"redis.internal.example":  {"127.0.0.1"},
		"llm.lan.example":         {"192.168.1.20"},
		"half.example":            {"93.184.215.14", "10.0.0.7"},
		"metadata.cloud.example":  {"169.254.169.254"},
		"v6.internal.example":     {"fd00::1"},
		"llm.public.example":      {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"},
		"mapped.internal.example": {"::ffff:127.0.0.1"},
	}))
	for i, url := range []string{
		"http://127.0.0.1:6379",
		"http://127.0.0.1:8080/v1",
		"http://10.1.2.3/v1",
		"http://172.16.0.1/v1",
		"http://192.168.0.10:11434/v1",
		"http://169.254.169.254/latest/meta-data",
		"http://[::1]:8080/v1",
		"http://[fe80::1]/v1",
		"http://[::ffff:127.0.0.1]/v1",
		"http://0.0.0.0:8080/v1",
		"http://100.64.0.1/v1",
		"http://redis.internal.example:6379",
		"http://llm.lan.example/v1",
		"http://half.example/v1",
		"http://metadata.cloud.example/",
		"http://v6.internal.example/v1",
		"http://mapped.internal.example/v1",
		"http://nowhere.example/v1",
	} {
		t.Run(url, func(t *testing.T) {
			slug := fmt.Sprintf("llm-%d", i)
			_, err := e.s.Create(t.Context(), e.as("stella"), llm(slug, url))
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || p.Fields["upstream_url"] == "" {
				t.Fatalf("registered an upstream at %s: %v", url, err)
			}
			if _, err := e.s.BySlug(t.Context(), slug); !problem.Is(err, problem.NotFound) {
				t.Fatalf("the refused model was stored: %v", err)
			}
		})
	}
	// A name on the public internet is fine.
	if _, err := e.s.Create(t.Context(), e.as("stella"), llm("public", "https://llm.public.example/v1")); err != nil {
		t.Fatalf("a public upstream was refused: %v", err)
	}
	// A cooperative that runs its own model on its LAN says so.
	e.s.AllowPrivate = true
	if _, err := e.s.Create(t.Context(), e.as("stella"), llm("lan", "http://192.168.0.10:11434/v1")); err != nil {
		t.Fatalf("a private upstream was refused with AllowPrivate: %v", err)
	}
}

// A key in the upstream URL would go wherever the URL points and show in
// every listing of the model: it belongs in upstream_key.
func TestUpstreamURLWithCredentialsIsRefused(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	model.SetLookup(e.s, names(map[string][]string{"api.example": {"93.184.215.14"}}))
	for _, allow := range []bool{false, true} {
		e.s.AllowPrivate = allow
		for i, url := range []string{"https://user:sk-in-url@api.example/v1", "https://sk-in-url@api.example/v1", "https://:sk-in-url@api.example/v1"} {
			slug := fmt.Sprintf("cred-%v-%d", allow, i)
			_, err := e.s.Create(t.Context(), e.as("stella"), llm(slug, url))
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || p.Fields["upstream_url"] == "" {
				t.Fatalf("%s registered: %v", url, err)
			}
			if strings.Contains(err.Error(), "sk-in-url") || strings.Contains(p.Fields["upstream_url"], "sk-in-url") {
				t.Fatalf("the refusal repeats the key: %v %v", err, p.Fields)
			}
		}
	}
}

// A name that resolved to a public address at registration and to the
// server's own loopback when the call dials (DNS rebinding) is refused at
// the dial: the upstream on loopback never sees the request.
func TestUpstreamRebindingIsRefusedAtDial(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.s.AllowPrivate = false
	var reached atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Write([]byte(`{"choices":[{"message":{"role":"assistant","content":"from the inside"}}]}`))
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	// At registration the name server says "public"; the system's own
	// resolver, used when dialling, says 127.0.0.1.
	model.SetLookup(e.s, names(map[string][]string{"localhost": {"93.184.215.14"}}))
	if _, err := e.s.Create(t.Context(), e.as("stella"), llm("tenancy-helper", "http://localhost:"+port+"/v1")); err != nil {
		t.Fatal(err)
	}
	before := e.balance(t, "member:m-rita")
	for _, stream := range []bool{false, true} {
		req := ask("notice?")
		var emit func([]byte) error
		if stream {
			emit = func([]byte) error { return nil }
		}
		_, err := e.s.Complete(t.Context(), e.client(), req, emit)
		if !problem.Is(err, problem.BadGateway) {
			t.Fatalf("stream %v: %v, want bad gateway", stream, err)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("the loopback upstream was reached %d times", n)
	}
	if e.balance(t, "member:m-rita") != before {
		t.Fatal("refused calls were charged")
	}
}

// An upstream's redirect is not followed: the key is sent to the
// registered upstream and nowhere else.
func TestUpstreamRedirectIsNotFollowed(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	var reached atomic.Int32
	var keys atomic.Value
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		keys.Store(r.Header.Get("Authorization"))
		w.Write([]byte(`{"choices":[{"message":{"role":"assistant","content":"redirected"}}]}`))
	}))
	defer target.Close()
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target.URL+"/v1/chat/completions", code)
			}))
			defer redirect.Close()
			slug := fmt.Sprintf("redirect-%d", code)
			if _, err := e.s.Create(t.Context(), e.as("stella"), llm(slug, redirect.URL+"/v1")); err != nil {
				t.Fatal(err)
			}
			req := ask("notice?")
			req.Model = slug
			_, err := e.s.Complete(t.Context(), e.client(), req, nil)
			if !problem.Is(err, problem.BadGateway) {
				t.Fatalf("%v, want bad gateway", err)
			}
			if n := reached.Load(); n != 0 {
				t.Fatalf("the redirect was followed %d times, with Authorization %q", n, keys.Load())
			}
		})
	}
}

// What an upstream says when it fails may hold its secrets (stack traces,
// configuration): it goes to the server's log for the operator, never to
// the caller.
func TestUpstreamErrorBodyIsLoggedNotReturned(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	var logs bytes.Buffer
	e.s.Log = slog.New(slog.NewTextHandler(&logs, nil))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "panic: db password=hunter2-internal at /srv/llm/config.go:12", http.StatusInternalServerError)
	}))
	defer srv.Close()
	if _, err := e.s.Create(t.Context(), e.as("stella"), llm("tenancy-helper", srv.URL+"/v1")); err != nil {
		t.Fatal(err)
	}
	for _, stream := range []bool{false, true} {
		var emit func([]byte) error
		if stream {
			emit = func([]byte) error { return nil }
		}
		_, err := e.s.Complete(t.Context(), e.client(), ask("notice?"), emit)
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.BadGateway {
			t.Fatalf("stream %v: %v, want bad gateway", stream, err)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(p.Message, "hunter2") {
			t.Fatalf("stream %v: the upstream's error body reached the caller: %q", stream, p.Message)
		}
	}
	if !strings.Contains(logs.String(), "hunter2-internal") {
		t.Fatalf("the upstream's error body is not in the server's log: %s", logs.String())
	}
	if strings.Contains(logs.String(), "sk-upstream") {
		t.Fatalf("the upstream key was logged: %s", logs.String())
	}
}
