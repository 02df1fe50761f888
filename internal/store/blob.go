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

// Blobs keeps files (images, uploads, model weights) by the SHA-256 of
// their content, so a file stored twice takes the space once and a
// reference cannot point at changed bytes. Two stores implement it: files
// in a folder (FileBlobs, the embedded default) and an S3-compatible bucket
// (S3Blobs, for several replicas).
type Blobs interface {
	// Put stores everything r yields and returns its hex SHA-256 and size.
	// A blob appears under its hash only once it is complete.
	Put(r io.Reader) (hash string, size int64, err error)
	// Open returns the blob with the given hash, or an error wrapping
	// ErrNotFound if there is none (or hash is not a SHA-256 in hex).
	Open(hash string) (io.ReadSeekCloser, error)
	// Delete removes a blob; deleting one that is gone is not an error.
	Delete(hash string) error
}

// FileBlobs keeps blobs as files in a folder, one subfolder per first
// byte of the hash.
type FileBlobs struct {
	dir string
}

var _ Blobs = (*FileBlobs)(nil)

// OpenBlobs uses dir, creating it if needed.
func OpenBlobs(dir string) (*FileBlobs, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob folder: %w", err)
	}
	return &FileBlobs{dir: dir}, nil
}

// checkHash refuses anything but a hex SHA-256 as a blob's name, so that a
// name from outside can never reach another file or key.
func checkHash(hash string) error {
	if len(hash) != 64 {
		return fmt.Errorf("blob %q: %w", hash, ErrNotFound)
	}
	for _, c := range []byte(hash) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return fmt.Errorf("blob %q: %w", hash, ErrNotFound)
		}
	}
	return nil
}

func (b *FileBlobs) path(hash string) (string, error) {
	if err := checkHash(hash); err != nil {
		return "", err
	}
	return filepath.Join(b.dir, hash[:2], hash), nil
}

// Put stores everything r yields and returns its hex SHA-256 and size. The
// file appears under its name only once it is complete and synced, so a
// crash never leaves a truncated blob behind a valid name.
func (b *FileBlobs) Put(r io.Reader) (hash string, size int64, err error) {
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
func (b *FileBlobs) Open(hash string) (io.ReadSeekCloser, error) {
	p, err := b.path(hash)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Delete removes a blob; deleting one that is gone is not an error.
func (b *FileBlobs) Delete(hash string) error {
	p, err := b.path(hash)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete blob %s: %w", hash, err)
	}
	return nil
}
