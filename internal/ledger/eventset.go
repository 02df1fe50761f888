package ledger

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrDuplicateEvent is returned by EventSet.Add for an entry whose event
// the log already holds: each event belongs in the log exactly once.
var ErrDuplicateEvent = errors.New("the log holds an event twice")

// idSize is the length of an event id in bytes (32 hex digits).
const idSize = 16

// An EventSet is the list of event ids in a log's entries, in log order,
// with which a verifier checks that the log holds each event once — also
// across runs that each read only the entries added since the last
// (allmende log verify --state keeps it beside the state file). It costs
// 16 bytes per entry on disk and about 50 in memory.
type EventSet struct {
	ids   []byte // id of entry i at [16i, 16i+16)
	index map[[idSize]byte]uint64
}

// NewEventSet returns an empty set, for a log read from its first entry.
func NewEventSet() *EventSet {
	return &EventSet{index: map[[idSize]byte]uint64{}}
}

// Len is the number of entries the set covers.
func (s *EventSet) Len() uint64 { return uint64(len(s.ids) / idSize) }

// Add records the entry at index, which must be the next one (Len). It
// fails for an entry that is not a ledger event, and with ErrDuplicateEvent
// for an event an earlier entry holds.
func (s *EventSet) Add(index uint64, entry []byte) error {
	if index != s.Len() {
		return fmt.Errorf("event set: entry %d added after %d entries", index, s.Len())
	}
	e, err := ParseEntry(entry)
	if err != nil {
		return fmt.Errorf("not a ledger event: %w", err)
	}
	var id [idSize]byte
	if _, err := hex.Decode(id[:], []byte(e.ID)); err != nil {
		return fmt.Errorf("not a ledger event: id %q is not hex", e.ID)
	}
	if first, dup := s.index[id]; dup {
		return fmt.Errorf("%w: event %s is entry %d and entry %d", ErrDuplicateEvent, e.ID, first, index)
	}
	s.index[id] = index
	s.ids = append(s.ids, id[:]...)
	return nil
}

// LoadEventSet reads the ids of the first size entries from the file at
// path. A file that is missing or covers fewer entries gives (nil, nil):
// the caller then reads the log from its first entry. A longer file is
// fine — it was written for a larger tree whose state was not saved — and
// only its first size entries are used.
func LoadEventSet(path string, size uint64) (*EventSet, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("event list: %w", err)
	}
	if uint64(len(raw)/idSize) < size {
		return nil, nil
	}
	s := &EventSet{ids: raw[: size*idSize : size*idSize], index: make(map[[idSize]byte]uint64, size)}
	for i := range size {
		id := [idSize]byte(raw[i*idSize:])
		if first, dup := s.index[id]; dup {
			// A verifier never saves a list with a copy in it.
			return nil, fmt.Errorf("event list %s: entries %d and %d have one id: the file was altered; delete it to read the whole log again", path, first, i)
		}
		s.index[id] = i
	}
	return s, nil
}

// Save writes the set to path, replacing it atomically.
func (s *EventSet) Save(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-events-*")
	if err != nil {
		return fmt.Errorf("event list: %w", err)
	}
	defer os.Remove(f.Name()) // fails harmlessly after the rename
	if _, err := f.Write(s.ids); err != nil {
		f.Close()
		return fmt.Errorf("event list: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("event list: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("event list: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("event list: %w", err)
	}
	return nil
}
