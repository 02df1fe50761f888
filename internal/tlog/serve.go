package tlog

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/transparency-dev/tessera/api/layout"
)

// Cache lifetimes, per tlog-tiles: the checkpoint changes and must not be
// cached beyond a few seconds; tiles and bundles never change once written.
const (
	cacheCheckpoint = "no-cache"
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheKey        = "public, max-age=3600"
)

// Handler serves the log per C2SP tlog-tiles, with paths relative to the
// mount point: /checkpoint, /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>],
// and /key for the verifier key. Mount it with http.StripPrefix("/log", …).
//
// It serves only tiles and bundles that the published checkpoint covers, so
// the public never sees entries that are not yet committed to, nor files
// left behind by an interrupted batch.
func (l *Log) Handler() http.Handler {
	return http.HandlerFunc(l.serveHTTP)
}

func (l *Log) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// The log is public data; let browser-based verifiers read it.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("X-Content-Type-Options", "nosniff")

	p := strings.TrimPrefix(r.URL.Path, "/")
	switch p {
	case layout.CheckpointPath:
		raw, err := l.reader.ReadCheckpoint(r.Context())
		if err != nil {
			l.serveError(w, r, err)
			return
		}
		write(w, r, "text/plain; charset=utf-8", cacheCheckpoint, raw)
		return
	case "key":
		write(w, r, "text/plain; charset=utf-8", cacheKey, []byte(l.key.vkey+"\n"))
		return
	}

	t, err := parseTilePath(p)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	size, err := l.publishedSize(r.Context())
	if err != nil {
		l.serveError(w, r, err)
		return
	}
	if !t.coveredBy(size) {
		http.NotFound(w, r)
		return
	}
	raw, err := l.readServed(r.Context(), t)
	if err != nil {
		l.serveError(w, r, err)
		return
	}
	if t.entries && acceptsGzip(r) {
		// Entry bundles are JSON lines and compress well; tlog-tiles asks
		// logs to compress them.
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		zw.Write(raw)
		zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Vary", "Accept-Encoding")
		raw = b.Bytes()
	} else if t.entries {
		w.Header().Set("Vary", "Accept-Encoding")
	}
	write(w, r, "application/octet-stream", cacheImmutable, raw)
}

// readServed reads the tile or bundle that t names, exactly that width.
func (l *Log) readServed(ctx context.Context, t tileAddr) ([]byte, error) {
	if l.shared != nil {
		// exactReader cuts the database's growing rows to the width asked.
		if t.entries {
			return l.reader.ReadEntryBundle(ctx, t.index, t.width)
		}
		return l.reader.ReadTile(ctx, t.level, t.index, t.width)
	}
	// Read the file itself: Tessera's reader would answer a partial path
	// with the full tile, which is not what the URL names.
	return os.ReadFile(filepath.Join(l.cfg.Dir, filepath.FromSlash(t.path())))
}

func write(w http.ResponseWriter, r *http.Request, contentType, cache string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", cache)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func (l *Log) serveError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	slog.ErrorContext(r.Context(), "serving the transparency log", "path", r.URL.Path, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(coding) == "gzip" && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// publishedSize reads the size line of the published checkpoint. The
// signature was checked when it was written; here only the size matters.
func (l *Log) publishedSize(ctx context.Context) (uint64, error) {
	raw, err := l.reader.ReadCheckpoint(ctx)
	if err != nil {
		return 0, err
	}
	_, rest, ok := bytes.Cut(raw, []byte("\n"))
	if ok {
		line, _, ok2 := bytes.Cut(rest, []byte("\n"))
		if n, err := strconv.ParseUint(string(line), 10, 64); ok2 && err == nil {
			return n, nil
		}
	}
	return 0, errors.New("published checkpoint has no size line")
}

// A tileAddr names a tile or entry bundle of tlog-tiles.
type tileAddr struct {
	entries bool   // an entry bundle rather than a hash tile
	level   uint64 // 0 for entry bundles
	index   uint64
	width   uint8 // 0 for a full tile
}

func (t tileAddr) path() string {
	if t.entries {
		return layout.EntriesPath(t.index, t.width)
	}
	return layout.TilePath(t.level, t.index, t.width)
}

// coveredBy reports whether a tree of the given size contains the tile: a
// full tile once all its 256 hashes exist, a partial one once its width
// does. Level l holds one hash per complete subtree of 256^l entries.
func (t tileAddr) coveredBy(size uint64) bool {
	n := size >> (8 * t.level) // complete hashes at this level; 0 for huge levels
	full := n / layout.TileWidth
	if t.width == 0 {
		return t.index < full
	}
	return t.index < full || (t.index == full && uint64(t.width) <= n%layout.TileWidth)
}

// parseTilePath parses "tile/<L>/<N>[.p/<W>]" and "tile/entries/<N>[.p/<W>]"
// and accepts only the canonical spelling, so that one resource has one URL.
func parseTilePath(p string) (tileAddr, error) {
	var t tileAddr
	rest, ok := strings.CutPrefix(p, "tile/")
	if !ok {
		return t, errors.New("not a tile path")
	}
	head, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return t, errors.New("not a tile path")
	}
	if head == "entries" {
		t.entries = true
	} else {
		lvl, err := strconv.ParseUint(head, 10, 8)
		if err != nil || lvl > 63 {
			return t, fmt.Errorf("bad tile level %q", head)
		}
		t.level = lvl
	}
	if n, w, ok := strings.Cut(rest, ".p/"); ok {
		width, err := strconv.ParseUint(w, 10, 8)
		if err != nil || width == 0 || width >= layout.TileWidth {
			return t, fmt.Errorf("bad tile width %q", w)
		}
		t.width = uint8(width)
		rest = n
	}
	elems := strings.Split(rest, "/")
	for i, e := range elems {
		if i < len(elems)-1 {
			var ok bool
			if e, ok = strings.CutPrefix(e, "x"); !ok {
				return t, fmt.Errorf("bad tile index %q", rest)
			}
		}
		if len(e) != 3 || strings.Trim(e, "0123456789") != "" {
			return t, fmt.Errorf("bad tile index %q", rest)
		}
		d, _ := strconv.ParseUint(e, 10, 64)
		if t.index > (1<<64-1-d)/1000 {
			return t, fmt.Errorf("tile index %q overflows", rest)
		}
		t.index = t.index*1000 + d
	}
	if t.path() != p {
		return t, fmt.Errorf("%q is not the canonical tile path %q", p, t.path())
	}
	return t, nil
}
