//go:build unix

package dedup

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrLocked is returned by Open when another process has the file open.
var ErrLocked = errors.New("index file in use by another process")

// lockFile takes an exclusive advisory lock on f, without waiting: two
// processes appending to one journal would interleave their records.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrLocked
	}
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	return nil
}
