package datanet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/allmende/allmende/internal/picture"
	"github.com/allmende/allmende/internal/vault"
)

// open unseals a stored contribution: its record and, for images, the
// image bytes.
func (s *Service) open(ctx context.Context, publicID string, keyID int64, content []byte, blob *string) (Record, []byte, error) {
	key, err := s.vault.ContentKey(ctx, s.db.Read(), keyID)
	if err != nil {
		return Record{}, nil, err
	}
	plain, err := vault.Unseal(key, content, []byte(publicID))
	if err != nil {
		return Record{}, nil, err
	}
	var r Record
	if err := json.Unmarshal(plain, &r); err != nil {
		return Record{}, nil, fmt.Errorf("contribution %s: %w", publicID, err)
	}
	if blob == nil || *blob == "" {
		return r, nil, nil
	}
	f, err := s.blobs.Open(*blob)
	if err != nil {
		return Record{}, nil, err
	}
	defer f.Close()
	sealed, err := io.ReadAll(f)
	if err != nil {
		return Record{}, nil, err
	}
	img, err := vault.Unseal(key, sealed, []byte(publicID+"/image"))
	if err != nil {
		return Record{}, nil, err
	}
	return r, img, nil
}

// MaxImageBytes and MaxImagePixels bound an uploaded image. The pixel
// limit is checked on the header before anything is decoded, so a small
// file that claims an enormous picture (a decompression bomb) is refused
// without allocating it (see package picture).
const (
	MaxImageBytes  = 10 << 20
	MaxImagePixels = picture.MaxPixels
)

// cleanImage checks an uploaded image and re-encodes it, which drops every
// metadata block (EXIF with GPS position and camera serial number, XMP,
// comments). It reports the media type, size, and whether the original
// carried metadata.
func cleanImage(ctx context.Context, data []byte) (clean []byte, mediaType string, w, h int, hadMetadata bool, err error) {
	if len(data) > MaxImageBytes {
		return nil, "", 0, 0, false, fmt.Errorf("the image has %d bytes, at most %d", len(data), MaxImageBytes)
	}
	cfg, format, err := picture.Check(data)
	switch {
	case errors.Is(err, picture.ErrTooLarge):
		return nil, "", 0, 0, false, err
	case err != nil:
		return nil, "", 0, 0, false, fmt.Errorf("not a JPEG, PNG or GIF image")
	}
	var out bytes.Buffer
	// Re-encoding happens while the decoded picture holds its slot, so
	// that it counts against the bound on decodes at once.
	err = picture.Use(ctx, data, func(img image.Image, format string) error {
		switch format {
		case "jpeg":
			mediaType = "image/jpeg"
			hadMetadata = jpegHasMetadata(data)
			return jpeg.Encode(&out, img, &jpeg.Options{Quality: 92})
		case "png":
			mediaType = "image/png"
			hadMetadata = bytes.Contains(data, []byte("tEXt")) || bytes.Contains(data, []byte("eXIf")) || bytes.Contains(data, []byte("iTXt"))
			return png.Encode(&out, img)
		case "gif":
			mediaType = "image/gif"
			return gif.Encode(&out, img, nil)
		}
		return fmt.Errorf("%s images are not accepted; use JPEG, PNG or GIF", format)
	})
	if errors.Is(err, picture.ErrFormat) {
		return nil, "", 0, 0, false, fmt.Errorf("the %s image is damaged", format)
	}
	if err != nil {
		return nil, "", 0, 0, false, fmt.Errorf("re-encode image: %v", err)
	}
	// The cleaned file is fingerprinted next (intake's fingerprint), which
	// is its one more decode.
	return out.Bytes(), mediaType, cfg.Width, cfg.Height, hadMetadata, nil
}

// jpegHasMetadata reports whether a JPEG has APP1 (EXIF/XMP) or COM
// segments before its image data.
func jpegHasMetadata(b []byte) bool {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return false
		}
		marker := b[i+1]
		if marker == 0xDA { // start of scan: no more headers
			return false
		}
		if marker == 0xE1 || marker == 0xFE {
			return true
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		i += 2 + n
	}
	return false
}
