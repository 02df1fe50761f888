package tlog

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	l := openTest(t, testConfig(t))
	// 300 entries: one full bundle and tile, a partial one of width 44.
	appendAndPublish(t, l, events("s", 300))
	h := l.Handler()

	tests := []struct {
		name, method, path, acceptEncoding string
		wantStatus                         int
		wantType, wantCache, wantEncoding  string
		wantBody                           func(t *testing.T, body []byte)
	}{
		{
			name: "checkpoint", path: "/checkpoint",
			wantStatus: 200, wantType: "text/plain; charset=utf-8", wantCache: "no-cache",
			wantBody: func(t *testing.T, b []byte) {
				if !strings.HasPrefix(string(b), testOrigin+"\n300\n") {
					t.Errorf("checkpoint body %q", b)
				}
			},
		},
		{
			name: "key", path: "/key",
			wantStatus: 200, wantType: "text/plain; charset=utf-8", wantCache: "public, max-age=3600",
			wantBody: func(t *testing.T, b []byte) {
				if string(b) != l.VerifierKey()+"\n" {
					t.Errorf("key body %q", b)
				}
			},
		},
		{
			name: "full tile", path: "/tile/0/000",
			wantStatus: 200, wantType: "application/octet-stream", wantCache: cacheImmutable,
			wantBody: func(t *testing.T, b []byte) {
				if len(b) != 256*32 {
					t.Errorf("full tile has %d bytes", len(b))
				}
			},
		},
		{
			name: "partial tile", path: "/tile/0/001.p/44",
			wantStatus: 200, wantType: "application/octet-stream", wantCache: cacheImmutable,
			wantBody: func(t *testing.T, b []byte) {
				if len(b) != 44*32 {
					t.Errorf("partial tile has %d bytes", len(b))
				}
			},
		},
		{
			name: "level 1 tile", path: "/tile/1/000.p/1",
			wantStatus: 200, wantType: "application/octet-stream", wantCache: cacheImmutable,
		},
		{
			name: "entry bundle", path: "/tile/entries/001.p/44",
			wantStatus: 200, wantType: "application/octet-stream", wantCache: cacheImmutable,
			wantBody: func(t *testing.T, b []byte) {
				if !bytes.Contains(b, []byte(`"id":"s-299"`)) {
					t.Errorf("bundle lacks the last entry")
				}
			},
		},
		{
			name: "entry bundle gzip", path: "/tile/entries/000", acceptEncoding: "br, gzip;q=0.8",
			wantStatus: 200, wantType: "application/octet-stream", wantCache: cacheImmutable, wantEncoding: "gzip",
			wantBody: func(t *testing.T, b []byte) {
				zr, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				raw, err := io.ReadAll(zr)
				if err != nil || !bytes.Contains(raw, []byte(`"id":"s-0"`)) {
					t.Errorf("gzipped bundle: %v", err)
				}
			},
		},
		{name: "gzip refused", path: "/tile/entries/000", acceptEncoding: "gzip;q=0", wantStatus: 200, wantType: "application/octet-stream", wantCache: cacheImmutable},
		{name: "HEAD", method: http.MethodHead, path: "/tile/0/000", wantStatus: 200, wantType: "application/octet-stream", wantCache: cacheImmutable,
			wantBody: func(t *testing.T, b []byte) {
				if len(b) != 0 {
					t.Errorf("HEAD returned a body")
				}
			}},
		{name: "POST", method: http.MethodPost, path: "/checkpoint", wantStatus: 405},
		{name: "partial beyond checkpoint", path: "/tile/0/001.p/45", wantStatus: 404},
		{name: "full tile not yet complete", path: "/tile/0/001", wantStatus: 404},
		{name: "bundle beyond checkpoint", path: "/tile/entries/002.p/1", wantStatus: 404},
		{name: "older partial of a full tile", path: "/tile/0/000.p/5", wantStatus: 404}, // never written: the tree grew in whole batches
		{name: "non-canonical index", path: "/tile/0/0", wantStatus: 404},
		{name: "non-canonical width", path: "/tile/0/001.p/044", wantStatus: 404},
		{name: "level with leading zero", path: "/tile/00/000", wantStatus: 404},
		{name: "state directory", path: "/.state/treeState", wantStatus: 404},
		{name: "traversal", path: "/tile/../checkpoint", wantStatus: 404},
		{name: "unknown", path: "/tile", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req := httptest.NewRequest(method, tt.path, nil)
			if tt.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d (body %q)", rec.Code, tt.wantStatus, rec.Body.String())
			}
			if tt.wantStatus != 200 {
				return
			}
			for k, want := range map[string]string{"Content-Type": tt.wantType, "Cache-Control": tt.wantCache, "Content-Encoding": tt.wantEncoding} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if tt.wantBody != nil {
				tt.wantBody(t, rec.Body.Bytes())
			}
		})
	}
}

func TestCoveredBy(t *testing.T) {
	tests := []struct {
		t    tileAddr
		size uint64
		want bool
	}{
		{tileAddr{index: 0}, 255, false},
		{tileAddr{index: 0}, 256, true},
		{tileAddr{index: 0, width: 255}, 255, true},
		{tileAddr{index: 1, width: 1}, 256, false},
		{tileAddr{index: 1, width: 1}, 257, true},
		{tileAddr{entries: true, index: 0, width: 3}, 2, false},
		{tileAddr{level: 1, index: 0, width: 1}, 255, false},
		{tileAddr{level: 1, index: 0, width: 1}, 256, true},
		{tileAddr{level: 1, index: 0, width: 2}, 511, false},
		{tileAddr{level: 1, index: 0}, 65536, true},
		{tileAddr{level: 2, index: 0, width: 1}, 65536, true},
		{tileAddr{level: 63, index: 0, width: 1}, 1<<64 - 1, false},
		{tileAddr{level: 7, index: 0, width: 255}, 1<<64 - 1, true},
	}
	for _, tt := range tests {
		if got := tt.t.coveredBy(tt.size); got != tt.want {
			t.Errorf("%s coveredBy(%d) = %v, want %v", tt.t.path(), tt.size, got, tt.want)
		}
	}
}

func TestParseTilePath(t *testing.T) {
	good := map[string]tileAddr{
		"tile/0/000":                                {},
		"tile/5/x001/x234/067.p/8":                  {level: 5, index: 1234067, width: 8},
		"tile/entries/x001/000":                     {entries: true, index: 1000},
		"tile/entries/123.p/255":                    {entries: true, index: 123, width: 255},
		"tile/63/x018/x446/x744/x073/x709/x551/615": {level: 63, index: 1<<64 - 1},
	}
	for p, want := range good {
		got, err := parseTilePath(p)
		if err != nil || got != want {
			t.Errorf("parseTilePath(%q) = %+v, %v; want %+v", p, got, err, want)
		}
	}
	for _, p := range []string{
		"", "tile/", "tile/0", "tile/0/", "tile/64/000", "tile/-1/000", "tile/0/1", "tile/0/0001",
		"tile/0/x000", "tile/0/001/002", "tile/0/x001/2", "tile/0/000.p/0", "tile/0/000.p/256",
		"tile/0/000.p/", "tile/0/.p/1", "tile/0/000.p/1/2", "tile/entries/", "tile/x/000",
		"tile/0/x018/x446/x744/x073/x709/x551/616", "tile/0/+01", "tile/0/x001/000.p/01",
	} {
		if got, err := parseTilePath(p); err == nil {
			t.Errorf("parseTilePath(%q) = %+v, want an error", p, got)
		}
	}
}

// FuzzParseTilePath feeds request paths to the parser: it must not panic,
// and anything it accepts must be the canonical path of what it returns.
func FuzzParseTilePath(f *testing.F) {
	for _, s := range []string{"tile/0/000", "tile/entries/x001/002.p/3", "tile/0/.p/1", "tile/63/x018/x446/x744/x073/x709/x551/615"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, err := parseTilePath(p)
		if err != nil {
			return
		}
		if got.path() != p {
			t.Fatalf("accepted %q as %q", p, got.path())
		}
	})
}
