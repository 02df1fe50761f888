package attrib

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The manifest names the segments of an index, oldest first, and the
// tombstones of each. It is the index's only mutable file and is replaced
// atomically (write, sync, rename), so a reader sees either the state
// before a change or after it; segment files are never modified.
const (
	manifestName    = "MANIFEST"
	lockName        = "LOCK"
	manifestVersion = 1
)

type manifest struct {
	Version    int               `json:"version"`
	Generation uint64            `json:"generation"` // increases with every change
	Next       uint64            `json:"next_segment"`
	Segments   []manifestSegment `json:"segments"`
}

type manifestSegment struct {
	File      string `json:"file"`
	Records   int    `json:"records"`
	TextBytes int64  `json:"text_bytes"`
	Erased    []int  `json:"erased,omitempty"` // record numbers, sorted
}

func segmentFileName(n uint64) string { return fmt.Sprintf("%06d.seg", n) }

// segmentNumber parses a segment file name; it is strict so that a
// manifest can never name a file outside the index directory.
func segmentNumber(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, ".seg")
	if !ok || len(digits) < 6 || len(digits) > 20 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	return n, err == nil && segmentFileName(n) == name
}

func parseManifest(data []byte) (manifest, error) {
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return manifest{}, fmt.Errorf("%w: manifest: %v", ErrCorrupt, err)
	}
	if dec.More() {
		return manifest{}, fmt.Errorf("%w: manifest: data after the JSON object", ErrCorrupt)
	}
	if m.Version != manifestVersion {
		return manifest{}, fmt.Errorf("%w: manifest version %d, want %d", ErrCorrupt, m.Version, manifestVersion)
	}
	seen := map[string]bool{}
	for _, s := range m.Segments {
		n, ok := segmentNumber(s.File)
		if !ok || n >= m.Next || seen[s.File] {
			return manifest{}, fmt.Errorf("%w: manifest: bad or repeated segment name %q", ErrCorrupt, s.File)
		}
		seen[s.File] = true
		if s.Records <= 0 || s.TextBytes < int64(s.Records) || s.TextBytes > maxSegmentText {
			return manifest{}, fmt.Errorf("%w: manifest: segment %s has %d records in %d bytes", ErrCorrupt, s.File, s.Records, s.TextBytes)
		}
		for k, r := range s.Erased {
			if r < 0 || r >= s.Records || k > 0 && r <= s.Erased[k-1] {
				return manifest{}, fmt.Errorf("%w: manifest: segment %s: tombstones unsorted or out of range", ErrCorrupt, s.File)
			}
		}
	}
	return m, nil
}

func readManifest(dir string) (manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return manifest{}, err
	}
	return parseManifest(data)
}

func writeManifest(dir string, m manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-*.manifest")
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, manifestName))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write manifest: %w", err)
	}
	return syncDir(dir)
}

// clone copies m deeply enough to change its segment list and tombstones.
func (m manifest) clone() manifest {
	c := m
	c.Segments = make([]manifestSegment, len(m.Segments))
	for i, s := range m.Segments {
		s.Erased = append([]int(nil), s.Erased...)
		c.Segments[i] = s
	}
	return c
}
