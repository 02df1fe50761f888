package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Blobs keeps files (images, uploads) by the SHA-256 of their content, so a
// file stored twice takes the space once and a reference cannot point at
// changed bytes.
type Blobs struct {
	dir string
}

// OpenBlobs uses dir, creating it if needed.
func OpenBlobs(dir string) (*Blobs, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob folder: %w", err)
	}
	return &Blobs{dir: dir}, nil
}

func (b *Blobs) path(hash string) (string, error) {
	if len(hash) != 64 {
		return "", fmt.Errorf("blob %q: %w", hash, ErrNotFound)
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return "", fmt.Errorf("blob %q: %w", hash, ErrNotFound)
	}
	return filepath.Join(b.dir, hash[:2], hash), nil
}

// Put stores everything r yields and returns its hex SHA-256 and size. The
// file appears under its name only once it is complete and synced, so a
// crash never leaves a truncated blob behind a valid name.
func (b *Blobs) Put(r io.Reader) (hash string, size int64, err error) {
	tmp, err := os.CreateTemp(b.dir, ".put-*")
	if err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	hash = hex.EncodeToString(h.Sum(nil))
	p, _ := b.path(hash)
	if err = os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	if err = os.Rename(tmp.Name(), p); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	return hash, size, nil
}

// Open returns the blob with the given hash.
func (b *Blobs) Open(hash string) (*os.File, error) {
	p, err := b.path(hash)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", hash, ErrNotFound)
	}
	return f, err
}

// Delete removes a blob; deleting one that is gone is not an error.
func (b *Blobs) Delete(hash string) error {
	p, err := b.path(hash)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete blob %s: %w", hash, err)
	}
	return nil
}
