package dedup

import (
	"os"

	"github.com/allmende/allmende/internal/filelock"
)

// ErrLocked is returned by Open when another process has the file open.
var ErrLocked = filelock.ErrLocked

// lockFile takes an exclusive advisory lock on f, without waiting: two
// processes appending to one journal would interleave their records.
func lockFile(f *os.File) error { return filelock.TryLock(f) }
