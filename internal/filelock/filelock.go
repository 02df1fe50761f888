// Package filelock keeps two processes from writing the same files at once:
// an exclusive advisory lock (flock(2)) on a file, taken without waiting and
// held until it is released or the process ends. The kernel drops the lock
// when its holder dies, even by SIGKILL, so a crash never leaves a stale
// lock behind that a person would have to remove.
//
// The lock belongs to the open file, not to the process: a second open of
// the same file is refused even within one process. It is advisory: it keeps
// out only those who ask for it, which every Allmende process does.
package filelock

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrLocked is returned when another open file — in this process or another
// — holds the lock.
var ErrLocked = errors.New("locked by another process")

// HeldError says who holds a lock that could not be taken. It wraps
// ErrLocked.
type HeldError struct {
	Path string
	// PID is the process id the holder wrote into the lock file, or 0 if it
	// could not be read (the holder had not written it yet).
	PID int
}

func (e *HeldError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%s is locked by process %d", e.Path, e.PID)
	}
	return fmt.Sprintf("%s is locked by another process", e.Path)
}

func (e *HeldError) Unwrap() error { return ErrLocked }

// A Lock is a held lock on a lock file.
type Lock struct {
	f *os.File
}

// Acquire creates the lock file at path if needed and locks it, without
// waiting. It then writes this process's id into the file, so that whoever
// is refused can be told which process to look for. A lock that is held
// elsewhere gives a *HeldError.
//
// The file is never removed, not even by Release: a process that opened it
// just before the removal would lock a file nobody else can see any more.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := TryLock(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, &HeldError{Path: path, PID: readPID(path)}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is only a hint for the error message of others; failing to
	// write it does not weaken the lock.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// Release gives the lock up. It is safe to call more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	// Closing the file drops the lock.
	err := l.f.Close()
	l.f = nil
	return err
}

func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
