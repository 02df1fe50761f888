//go:build !unix

package dedup

import (
	"errors"
	"os"
)

// ErrLocked is returned by Open when another process has the file open.
var ErrLocked = errors.New("index file in use by another process")

// lockFile does nothing where flock is not available; one process per data
// folder is then the operator's responsibility.
func lockFile(*os.File) error { return nil }
