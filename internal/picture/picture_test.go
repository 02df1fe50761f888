package picture_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/picture"
)

// zeroPNG writes a valid greyscale PNG of w×h black pixels without ever
// holding the picture: rows of zeros compress about a thousandfold, so a
// 5000×5000 image is a file of some 25 KB — the decompression bomb the
// bounds are for.
func zeroPNG(w, h int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		out.WriteString(kind)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 0 // 8-bit greyscale
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, w+1) // filter byte 0, then the pixels
	for range h {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

func TestCheckBoundsPixelsAndSides(t *testing.T) {
	for _, tt := range []struct {
		w, h int
		want error
	}{
		{4, 4, nil},
		{4000, 4000, nil}, // exactly the pixel bound
		{4001, 4000, picture.ErrTooLarge},
		{5000, 5000, picture.ErrTooLarge},
		{picture.MaxSide + 1, 1, picture.ErrTooLarge},
		{1, picture.MaxSide + 1, picture.ErrTooLarge},
		{100000, 100000, picture.ErrTooLarge},
	} {
		data := header(tt.w, tt.h)
		cfg, format, err := picture.Check(data)
		if !errors.Is(err, tt.want) {
			t.Errorf("%d×%d: err = %v, want %v", tt.w, tt.h, err, tt.want)
		}
		if err == nil && (cfg.Width != tt.w || cfg.Height != tt.h || format != "png") {
			t.Errorf("%d×%d: config %+v %s", tt.w, tt.h, cfg, format)
		}
	}
	if _, _, err := picture.Check([]byte("not an image at all")); !errors.Is(err, picture.ErrFormat) {
		t.Errorf("garbage: %v", err)
	}
}

// header is a PNG that is only its signature and IHDR: enough for Check.
func header(w, h int) []byte {
	b := zeroPNG(1, 1)
	b = bytes.Clone(b)
	binary.BigEndian.PutUint32(b[16:], uint32(w))
	binary.BigEndian.PutUint32(b[20:], uint32(h))
	crc := crc32.ChecksumIEEE(b[12:29])
	binary.BigEndian.PutUint32(b[29:], crc)
	return b
}

// TestBombIsNeverDecoded: a 25 KB PNG that decodes to 25 megapixels is
// refused on its header; the decoder never starts, and nothing near the
// 25 MB of its pixels is allocated.
func TestBombIsNeverDecoded(t *testing.T) {
	bomb := zeroPNG(5000, 5000)
	if len(bomb) > 100<<10 {
		t.Fatalf("the bomb is %d bytes; it should be tiny", len(bomb))
	}
	d := picture.NewDecoder(2)
	called := false
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := d.Use(t.Context(), bomb, func(image.Image, string) error { called = true; return nil })
	runtime.ReadMemStats(&after)
	if !errors.Is(err, picture.ErrTooLarge) || called {
		t.Fatalf("Use(bomb) = %v, fn called: %v", err, called)
	}
	if total, _ := d.Decodes(); total != 0 {
		t.Fatalf("%d decodes started for a refused image", total)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Fatalf("refusing the bomb allocated %d bytes", alloc)
	}
}

// TestDecodesAtOnceAreBounded: eight uploads at once, two slots: never
// more than two pictures are decoded (and held) at the same time.
func TestDecodesAtOnceAreBounded(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 300, 200))); err != nil {
		t.Fatal(err)
	}
	d := picture.NewDecoder(2)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			errs <- d.Use(t.Context(), buf.Bytes(), func(img image.Image, format string) error {
				if img.Bounds().Dx() != 300 || format != "png" {
					return errors.New("wrong picture")
				}
				time.Sleep(20 * time.Millisecond)
				return nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if total, peak := d.Decodes(); total != 8 || peak != 2 {
		t.Fatalf("decodes = %d, at most %d at once; want 8, 2", total, peak)
	}

	// A request that gives up while waiting for a slot leaves.
	hold := make(chan struct{})
	started := make(chan struct{}, 2)
	for range 2 {
		go d.Use(context.Background(), buf.Bytes(), func(image.Image, string) error { started <- struct{}{}; <-hold; return nil })
	}
	<-started
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := d.Use(ctx, buf.Bytes(), func(image.Image, string) error { return nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the deadline: %v", err)
	}
	close(hold)
}

// FuzzCheck: whatever bytes arrive, Check does not panic, and what it
// accepts is within the bounds.
func FuzzCheck(f *testing.F) {
	f.Add(zeroPNG(3, 2))
	f.Add(header(5000, 5000))
	f.Add([]byte("GIF89a\x10\x00\x10\x00"))
	f.Add([]byte("\xff\xd8\xff\xc0\x00\x11\x08\x10\x00\x10\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, _, err := picture.Check(data)
		if err != nil {
			return
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > picture.MaxSide || cfg.Height > picture.MaxSide || cfg.Width*cfg.Height > picture.MaxPixels {
			t.Fatalf("accepted %d×%d", cfg.Width, cfg.Height)
		}
		if cfg.Width*cfg.Height <= 1<<16 {
			_ = picture.Use(t.Context(), data, func(image.Image, string) error { return nil })
		}
	})
}

// BenchmarkBomb compares what a 5000×5000 PNG of some 25 KB costs when it
// is decoded as it comes (what the server did before) and when it is
// checked first (what Use does): see B/op.
func BenchmarkBomb(b *testing.B) {
	bomb := zeroPNG(5000, 5000)
	b.Run("decoded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := image.Decode(bytes.NewReader(bomb)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("checked", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := picture.Use(b.Context(), bomb, func(image.Image, string) error { return nil }); !errors.Is(err, picture.ErrTooLarge) {
				b.Fatal(err)
			}
		}
	})
}
