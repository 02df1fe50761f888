// Package picture decodes images people upload within bounds the server
// can afford. A compressed file says little about what decoding it costs:
// a 97 KB PNG can claim 5000×5000 pixels and take 100 MB once decoded (and
// as much again while it is re-encoded). So every image is first checked
// on its header alone (image.DecodeConfig, which allocates nothing in
// proportion to the picture) against a bound on pixels and on each side,
// and only then decoded — by at most a few decodes at a time, so that N
// parallel uploads cannot take N times that memory.
package picture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // the formats the cooperative accepts
	_ "image/jpeg"
	_ "image/png"
	"runtime"
	"sync/atomic"
)

// Bounds of an image the server decodes. 16 megapixels holds a 12 MP phone
// photo and an A4 page scanned at 300 dpi (8.7 MP); decoded as RGBA it is
// 64 MB. No side may exceed MaxSide, which also bounds the rows a decoder
// allocates for a picture that is one pixel tall.
const (
	MaxPixels = 16_000_000
	MaxSide   = 10_000
)

// Errors; each is wrapped with what the header said.
var (
	ErrFormat   = errors.New("not a JPEG, PNG or GIF image")
	ErrTooLarge = errors.New("image too large")
)

// Check reads only the header of an encoded image and refuses it if it is
// not an image this server decodes or if it is larger than the bounds. It
// returns the size and the format ("jpeg", "png", "gif").
func Check(data []byte) (image.Config, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return image.Config{}, "", fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return image.Config{}, "", fmt.Errorf("%w: the %s header says %d×%d pixels", ErrFormat, format, cfg.Width, cfg.Height)
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return image.Config{}, "", fmt.Errorf("%w: %d×%d pixels; at most %d pixels and %d on a side are accepted", ErrTooLarge, cfg.Width, cfg.Height, MaxPixels, MaxSide)
	}
	return cfg, format, nil
}

// Decoder decodes images, at most a fixed number at a time.
type Decoder struct {
	slots chan struct{}
	// started, decoding and peak count full decodes.
	started, decoding, peak atomic.Int64
}

// NewDecoder returns a decoder that runs at most n decodes at a time.
func NewDecoder(n int) *Decoder {
	return &Decoder{slots: make(chan struct{}, max(n, 1))}
}

// Default is the server's decoder: two decodes per processor, enough to
// keep them busy, and at most 2 × GOMAXPROCS × 64 MB of pixels at once.
var Default = NewDecoder(2 * runtime.GOMAXPROCS(0))

// Use checks data (see Check), waits for a free slot, decodes it and calls
// fn with the picture. The slot is held until fn returns, so fn's work on
// the decoded picture (re-encoding, hashing) counts against the bound too;
// fn must not decode another image with the same decoder.
func (d *Decoder) Use(ctx context.Context, data []byte, fn func(img image.Image, format string) error) error {
	if _, _, err := Check(data); err != nil {
		return err
	}
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-d.slots }()
	n := d.decoding.Add(1)
	defer d.decoding.Add(-1)
	for p := d.peak.Load(); n > p && !d.peak.CompareAndSwap(p, n); p = d.peak.Load() {
	}
	d.started.Add(1)
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: the %s image is damaged: %w", ErrFormat, format, err)
	}
	return fn(img, format)
}

// Use decodes with the Default decoder.
func Use(ctx context.Context, data []byte, fn func(img image.Image, format string) error) error {
	return Default.Use(ctx, data, fn)
}
