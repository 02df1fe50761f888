// Package client verifies an Allmende transparency log from the outside, as
// any member or auditor can: it fetches the log over HTTP per C2SP
// tlog-tiles (https://c2sp.org/tlog-tiles), checks checkpoint signatures
// (C2SP tlog-checkpoint and signed-note), recomputes the tree from tiles and
// entry bundles, checks consistency with a checkpoint saved earlier, and
// checks receipts (C2SP tlog-proof). Hashing and proofs are RFC 6962.
//
// It is kept apart from package tlog, which writes the log, so that the code
// that checks the log shares nothing with the code that produces it except
// Tessera's and transparency-dev's public libraries. Every failure wraps one
// of the Err* values below, naming the check that failed.
package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/transparency-dev/tessera/api/layout"
	"golang.org/x/mod/sumdb/note"
)

// Size limits for what a server may send: tlog-tiles fixes tiles at 256
// hashes and bundles at 256 entries of at most 65535 bytes.
const (
	maxCheckpointBytes = 1 << 20
	maxTileBytes       = 256 * 32
	maxBundleBytes     = 256 * (2 + 65535)
)

// A Client verifies the log served under one URL prefix.
type Client struct {
	base     *url.URL
	hc       *http.Client
	verifier note.Verifier
}

// New returns a client for the log at baseURL (for example
// "https://coop.example/log/"), whose checkpoints must be signed by
// verifierKey, a note verifier key "<origin>+<hash>+<key>". The key's name
// is the origin the checkpoints must carry. hc may be nil.
func New(baseURL, verifierKey string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("log URL %q: want an http or https URL", baseURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	v, err := note.NewVerifier(strings.TrimSpace(verifierKey))
	if err != nil {
		return nil, fmt.Errorf("log verifier key: %w", err)
	}
	if hc == nil {
		hc = &http.Client{Timeout: time.Minute}
	}
	return &Client{base: u, hc: hc, verifier: v}, nil
}

// Verifier returns the key checkpoints are checked with.
func (c *Client) Verifier() note.Verifier { return c.verifier }

// A FetchError is a failure to get a resource, as opposed to a resource
// that fails a check.
type FetchError struct {
	URL    string
	Status int // HTTP status, 0 if the request itself failed
	Err    error
}

func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("GET %s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("GET %s: %v", e.URL, e.Err)
}

// Unwrap lets errors.Is(err, fs.ErrNotExist) detect a 404, as Tessera's
// proof builder expects of tile fetchers.
func (e *FetchError) Unwrap() error { return e.Err }

func (c *Client) fetch(ctx context.Context, path string, limit int64) ([]byte, error) {
	u := c.base.JoinPath(path).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &FetchError{URL: u, Err: err}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &FetchError{URL: u, Err: err}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, &FetchError{URL: u, Status: resp.StatusCode, Err: fs.ErrNotExist}
	case resp.StatusCode != http.StatusOK:
		return nil, &FetchError{URL: u, Status: resp.StatusCode, Err: errors.New(resp.Status)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &FetchError{URL: u, Err: err}
	}
	if int64(len(body)) > limit {
		return nil, &FetchError{URL: u, Err: fmt.Errorf("response larger than %d bytes", limit)}
	}
	return body, nil
}

// readTile fetches a tile, falling back to the full tile when a partial one
// is gone (tlog-tiles lets logs delete partial tiles once the full one
// exists), and insists on the exact length: a tile with hashes to spare is
// not the tile the path names. It has the signature of Tessera's
// client.TileFetcherFunc.
func (c *Client) readTile(ctx context.Context, level, index uint64, p uint8) ([]byte, error) {
	path := layout.TilePath(level, index, p)
	b, err := c.fetch(ctx, path, maxTileBytes)
	if p > 0 && errors.Is(err, fs.ErrNotExist) {
		path = layout.TilePath(level, index, 0)
		b, err = c.fetch(ctx, path, maxTileBytes)
		if err == nil && len(b) == maxTileBytes {
			b = b[:int(p)*32]
		}
	}
	if err != nil {
		return nil, err
	}
	want := int(p) * 32
	if want == 0 {
		want = maxTileBytes
	}
	if len(b) != want {
		return nil, fmt.Errorf("%w: %s has %d bytes, want %d", ErrTileHash, path, len(b), want)
	}
	return b, nil
}

// readBundle fetches an entry bundle with the same fallback as readTile and
// returns how many entries it must hold: the width asked for, or a full 256
// when the full bundle stood in for a gone partial one.
func (c *Client) readBundle(ctx context.Context, index uint64, p uint8) (raw []byte, width int, err error) {
	raw, err = c.fetch(ctx, layout.EntriesPath(index, p), maxBundleBytes)
	width = int(p)
	if p > 0 && errors.Is(err, fs.ErrNotExist) {
		raw, err = c.fetch(ctx, layout.EntriesPath(index, 0), maxBundleBytes)
		width = 0
	}
	if width == 0 {
		width = layout.EntryBundleWidth
	}
	return raw, width, err
}
