package attrib

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// segmentBytes builds a small segment file and returns its bytes.
func segmentBytes(tb testing.TB, recs ...Record) []byte {
	dir := tb.TempDir()
	b := newSegmentBuilder(1 << 20)
	defer b.free()
	for _, r := range recs {
		add(b, r.ID, r.Text)
	}
	if err := b.write(tb.Context(), dir, "000001.seg", b.idOrder()); err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "000001.seg"))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// FuzzParseSegment opens damaged segment files. Whatever the damage,
// opening and querying must not panic: a file either fails to open with
// ErrCorrupt or answers queries, possibly wrongly (suffix array entries
// other than the sampled ones are only checked when read, and an unsorted
// array is not detected).
func FuzzParseSegment(f *testing.F) {
	f.Add(segmentBytes(f, Record{"a", "hello world"}, Record{"b", "world peace"}))
	f.Add(segmentBytes(f, Record{"1", "Grüße"}, Record{"2", ""}, Record{"3", "東京東京"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		words := make([]uint64, (len(data)+7)/8) // aligned, as a mapping is
		buf := unsafeBytes(words)[:len(data)]
		copy(buf, data)
		if len(buf) >= segmentHeaderSize {
			// Repair the checksum, so that damage to the sizes in the
			// header reaches the checks behind it.
			binary.LittleEndian.PutUint32(buf[32:], crc32.Checksum(buf[:32], crcTable))
		}
		s, err := parseSegment(buf, bytes.NewReader(buf))
		if err != nil {
			return
		}
		defer s.close()
		s.name = "000001.seg"
		x := &Index{segs: []*segment{s}}
		// Read with pread (from buf), and through the "mapping".
		for _, inMemory := range []bool{false, true} {
			s.mapped, s.inMemory = buf, inMemory
			for _, erased := range [][]int{nil, {0}} {
				s.setErased(erased)
				for _, q := range []string{"hello world peace", "Grüße 東京", "a\xffb", string(data[:min(len(data), 40)])} {
					_, _ = x.Trace(t.Context(), q, TraceOptions{MinLen: 1, MaxScan: 5})
				}
			}
		}
		for k := range s.idOrder {
			if _, ok := s.find(s.id(int(s.idOrder[k]))); !ok {
				t.Fatalf("id of record %d not found", s.idOrder[k])
			}
		}
	})
}

// FuzzParseManifest checks that any manifest that parses names only
// segment files inside the index directory and survives a round trip.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"version":1,"generation":3,"next_segment":4,"segments":[{"file":"000001.seg","records":2,"text_bytes":10,"erased":[1]}]}`))
	f.Add([]byte(`{"version":1,"generation":1,"next_segment":1,"segments":[]}`))
	f.Add([]byte(`{"version":1,"next_segment":9,"segments":[{"file":"../000001.seg","records":1,"text_bytes":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest(data)
		if err != nil {
			return
		}
		for _, s := range m.Segments {
			if n, ok := segmentNumber(s.File); !ok || filepath.Base(s.File) != s.File || n >= m.Next {
				t.Fatalf("accepted segment file name %q", s.File)
			}
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := parseManifest(again)
		if err != nil || !reflect.DeepEqual(m.clone(), m2.clone()) {
			t.Fatalf("round trip: %+v, %v; want %+v", m2, err, m)
		}
	})
}
