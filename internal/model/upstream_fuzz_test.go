package model

import (
	"context"
	"encoding/json"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// FuzzUpstreamURL feeds registration any upstream URL, with a name server
// that resolves every name to loopback: whatever it accepts has no
// credentials in it and names a public address literally, and the URL a
// call then posts to goes to that same host.
func FuzzUpstreamURL(f *testing.F) {
	for _, seed := range []string{
		"https://api.openai.com/v1", "http://93.184.215.14:8000/v1", "http://127.0.0.1:6379", "http://[::1]/v1",
		"http://[::ffff:7f00:1]/", "http://user:pw@1.1.1.1/", "http://1.1.1.1#@127.0.0.1/", "http://1.1.1.1\\@127.0.0.1/",
		"http://0x7f.1/", "http://2130706433/", "http://8.8.8.8/v1?key=x", "http://[fe80::1%25eth0]/", "http://1.1.1.1:99999/", "HTTP://8.8.8.8/", "http://8.8.8.8?@10.0.0.1",
	} {
		f.Add(seed)
	}
	s := &Service{lookup: func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}}
	f.Fuzz(func(t *testing.T, raw string) {
		m := Model{Slug: "m", Name: "M", Kind: OpenAI, UpstreamURL: raw, UpstreamModel: "x", PricePerCall: 1, Datanets: []string{"d"}}
		if m.validate() != nil || s.checkUpstream(t.Context(), raw) != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil || u.User != nil {
			t.Fatalf("accepted %q with credentials or unparsable", raw)
		}
		ip, err := netip.ParseAddr(u.Hostname())
		if err != nil || s.Guard.Check(ip) != nil {
			t.Fatalf("accepted %q, whose host %q is not a public address", raw, u.Hostname())
		}
		call, err := url.Parse(strings.TrimRight(raw, "/") + "/chat/completions")
		if err != nil || call.Hostname() != u.Hostname() || !strings.HasSuffix(call.Path, "/chat/completions") {
			t.Fatalf("accepted %q, but a call would post to %v (%v)", raw, call, err)
		}
	})
}

// FuzzFirstChoiceOnly feeds the filter of streamed chunks any JSON an
// upstream might send: what it keeps is a chunk whose choices all have
// index 0, and it never loses one of them.
func FuzzFirstChoiceOnly(f *testing.F) {
	for _, seed := range []string{
		`{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}`,
		`{"id":"x","choices":[{"index":1,"delta":{}}],"usage":{"total_tokens":3}}`,
		`{"choices":[{"delta":{"content":"no index"}},{"index":2}]}`,
		`{"choices":null}`, `{"choices":[1,2]}`, `[]`, `{"choices":[{"index":"0"}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := firstChoiceOnly(data)
		if err != nil {
			return
		}
		var in, got struct {
			Choices []struct {
				Index int `json:"index"`
			} `json:"choices"`
		}
		if json.Unmarshal(data, &in) != nil {
			return
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s became %s, which is not JSON: %v", data, out, err)
		}
		firsts := 0
		for _, c := range in.Choices {
			if c.Index == 0 {
				firsts++
			}
		}
		for _, c := range got.Choices {
			if c.Index != 0 {
				t.Fatalf("%s kept a choice of index %d: %s", data, c.Index, out)
			}
		}
		if len(got.Choices) != firsts {
			t.Fatalf("%s kept %d first choices of %d: %s", data, len(got.Choices), firsts, out)
		}
	})
}
