package dedup

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func mustOpen(t testing.TB, path string, opts Options) *Index {
	t.Helper()
	x, err := Open(t.Context(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// fixture is a small set of fingerprints of every record type.
func fixture(rng *rand.Rand) []Fingerprint {
	fps := []Fingerprint{
		FingerprintText(""), // no signature
		FingerprintRecord([]Field{{"q", "2+2?"}, {"a", "4"}}),
	}
	for range 20 {
		fps = append(fps, synthText(rng), synthImage(rng))
	}
	return fps
}

func TestOpenRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	path := filepath.Join(t.TempDir(), "index")
	fps := fixture(rng)
	x := mustOpen(t, path, Options{})
	for i, fp := range fps {
		if err := x.Add(int64(i), fp); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := x.Remove(3, 4); err != nil {
		t.Fatal(err)
	}
	queries := append(slices.Clone(fps), nearCopy(rng, fps[6], 0.9))
	var before [][]Match
	for _, q := range queries {
		before = append(before, x.Query(q))
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Add(99, fps[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Add after Close: %v, want ErrClosed", err)
	}

	y := mustOpen(t, path, Options{})
	defer y.Close()
	if !slices.Equal(x.IDs(), y.IDs()) || y.Len() != len(fps)-2 {
		t.Fatalf("reopened IDs %v, want %v", y.IDs(), x.IDs())
	}
	for i, q := range queries {
		if got := y.Query(q); !slices.Equal(got, before[i]) {
			t.Errorf("query %d after reopening: %v, want %v", i, got, before[i])
		}
	}
}

func TestOpenOtherThreshold(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	path := filepath.Join(t.TempDir(), "index")
	base := synthText(rng)
	x := mustOpen(t, path, Options{Jaccard: 0.9})
	if err := x.Add(1, base); err != nil {
		t.Fatal(err)
	}
	q := nearCopy(rng, base, 0.7)
	if m := x.Query(q); len(m) != 0 {
		t.Fatalf("J=0.7 copy found at threshold 0.9: %v", m)
	}
	x.Close()
	// The file holds the full signature, so the bands are rebuilt for the
	// new threshold (0.9 uses 8 rows per band, 0.6 uses 3).
	y := mustOpen(t, path, Options{Jaccard: 0.6})
	defer y.Close()
	if m := y.Query(q); len(m) != 1 || m[0].ID != 1 {
		t.Fatalf("J=0.7 copy at threshold 0.6: %v, want record 1", m)
	}
}

func TestRemoveScrubsFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	path := filepath.Join(t.TempDir(), "index")
	x := mustOpen(t, path, Options{})
	defer x.Close()
	keep, gone, goneImg := synthText(rng), synthText(rng), synthImage(rng)
	for i, fp := range []Fingerprint{keep, gone, goneImg} {
		if err := x.Add(int64(i+1), fp); err != nil {
			t.Fatal(err)
		}
	}
	sizeBefore := fileSize(t, path)
	if n, err := x.Remove(2, 3); n != 2 || err != nil {
		t.Fatalf("Remove: %d, %v", n, err)
	}
	data, _ := os.ReadFile(path)
	if int64(len(data)) != sizeBefore {
		t.Errorf("Remove changed the file size from %d to %d", sizeBefore, len(data))
	}
	sigBytes := func(fp Fingerprint) []byte { return encodeRecord(0, &fp)[recordHead : recordHead+64] }
	for name, b := range map[string][]byte{
		"DNA": gone.DNA[:], "signature": sigBytes(gone), "image DNA": goneImg.DNA[:],
	} {
		if bytes.Contains(data, b) {
			t.Errorf("removed record's %s still in the file", name)
		}
	}
	if !bytes.Contains(data, keep.DNA[:]) || !bytes.Contains(data, sigBytes(keep)) {
		t.Error("kept record missing from the file")
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

func TestCompact(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	path := filepath.Join(t.TempDir(), "index")
	fps := fixture(rng)
	x := mustOpen(t, path, Options{})
	for i, fp := range fps {
		if err := x.Add(int64(i), fp); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := x.Remove(0, 2, 5, 6, 7); err != nil {
		t.Fatal(err)
	}
	before := fileSize(t, path)
	if err := x.Compact(t.Context()); err != nil {
		t.Fatal(err)
	}
	if after := fileSize(t, path); after >= before {
		t.Errorf("compaction did not shrink the file: %d → %d", before, after)
	}
	// Offsets moved: removing and adding after compaction must hit the
	// right records in the new file.
	if _, err := x.Remove(9, 10); err != nil {
		t.Fatal(err)
	}
	if err := x.Add(100, synthText(rng)); err != nil {
		t.Fatal(err)
	}
	want := x.IDs()
	x.Close()
	leftovers, _ := filepath.Glob(path + ".compact-*")
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	y := mustOpen(t, path, Options{})
	defer y.Close()
	if got := y.IDs(); !slices.Equal(got, want) {
		t.Errorf("after compaction and reopening: %v, want %v", got, want)
	}
	for _, i := range []int{1, 3, 4, 8, 11} {
		if m := y.Query(fps[i]); len(m) == 0 || m[0].ID != int64(i) || !m[0].Exact {
			t.Errorf("record %d not found exactly: %v", i, m)
		}
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	x := mustOpen(t, path, Options{})
	if _, err := Open(t.Context(), path, Options{}); !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
	x.Close()
	y := mustOpen(t, path, Options{})
	y.Close()
}

// validFile returns the bytes of an index file and the IDs in it.
func validFile(t testing.TB) ([]byte, []int64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(14, 14))
	path := filepath.Join(t.TempDir(), "index")
	x := mustOpen(t, path, Options{})
	for i, fp := range fixture(rng)[:7] {
		if err := x.Add(int64(i), fp); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := x.Remove(2); err != nil {
		t.Fatal(err)
	}
	ids := x.IDs()
	x.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data, ids
}

// replayBytes replays data into a fresh index.
func replayBytes(t testing.TB, data []byte) (*Index, replayed, error) {
	x, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := replay(t.Context(), bytes.NewReader(data), x)
	return x, st, err
}

// recordStarts returns the offsets of the records of a valid file.
func recordStarts(data []byte) []int {
	var starts []int
	for off := headerSize; off < len(data); off += int(binary.LittleEndian.Uint32(data[off:])) {
		starts = append(starts, off)
	}
	return starts
}

// TestOpenTruncated cuts a valid file at every length: inside the header
// it is corrupt; at a record boundary it holds the records before; inside a
// record, the torn record is dropped and Open cuts it off, unless the cut
// shows that record to be an erased one, which no append can have torn.
func TestOpenTruncated(t *testing.T) {
	data, _ := validFile(t)
	starts := append(recordStarts(data), len(data))
	for n := range len(data) {
		x, st, err := replayBytes(t, data[:n])
		if n < headerSize {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("cut at %d: %v, want ErrCorrupt", n, err)
			}
			continue
		}
		start := lastStartAtOrBefore(starts, n)
		if n-start >= 6 && data[start+4] == kindErased {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("cut at %d inside an erased record: %v, want ErrCorrupt", n, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cut at %d: %v", n, err)
		}
		whole, _, _ := replayBytes(t, data[:lastStartAtOrBefore(starts, n)])
		if !slices.Equal(x.IDs(), whole.IDs()) || st.torn != !slices.Contains(starts, n) {
			t.Fatalf("cut at %d: IDs %v torn %v, want %v", n, x.IDs(), st.torn, whole.IDs())
		}
	}
	// Open really cuts the torn tail off, so that the next append does
	// not follow garbage.
	path := filepath.Join(t.TempDir(), "index")
	cut := starts[len(starts)-2] + 20
	os.WriteFile(path, data[:cut], 0o600)
	x := mustOpen(t, path, Options{})
	if err := x.Add(1000, FingerprintText("after the tear")); err != nil {
		t.Fatal(err)
	}
	x.Close()
	y := mustOpen(t, path, Options{})
	defer y.Close()
	if ids := y.IDs(); !slices.Contains(ids, 1000) || slices.Contains(ids, 6) {
		t.Errorf("IDs after repair and append: %v", ids)
	}
}

func lastStartAtOrBefore(starts []int, n int) int {
	best := headerSize
	for _, s := range starts {
		if s <= n {
			best = s
		}
	}
	return best
}

func TestOpenCorrupt(t *testing.T) {
	data, _ := validFile(t)
	starts := recordStarts(data)
	last := starts[len(starts)-1]
	put32 := func(off int, v uint32) func([]byte) []byte {
		return func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off:], v); return b }
	}
	flip := func(off int) func([]byte) []byte {
		return func(b []byte) []byte { b[off] ^= 0x10; return b }
	}
	reseal := func(off int, edit func([]byte)) func([]byte) []byte {
		return func(b []byte) []byte {
			size := int(binary.LittleEndian.Uint32(b[off:]))
			edit(b[off : off+size])
			sealRecord(b[off : off+size])
			return b
		}
	}
	tests := []struct {
		name string
		edit func([]byte) []byte
	}{
		{"magic", flip(0)},
		{"version", func(b []byte) []byte {
			binary.LittleEndian.PutUint16(b[8:], 2)
			binary.LittleEndian.PutUint32(b[28:], crcOf(b[:28]))
			return b
		}},
		{"header checksum", flip(29)},
		{"reserved header byte", func(b []byte) []byte {
			b[20] = 1
			binary.LittleEndian.PutUint32(b[28:], crcOf(b[:28]))
			return b
		}},
		{"DNA byte", flip(starts[1] + 20)},
		{"signature byte", flip(starts[3] + recordHead + 7)},
		{"record checksum", flip(starts[1] + int(binary.LittleEndian.Uint32(data[starts[1]:])) - 1)},
		{"impossible size", put32(starts[2], 60)},
		{"size of last but one grown past the end", put32(starts[len(starts)-2], sizeTextSig)},
		{"size of last shrunk", put32(last, sizeTextNoSig)},
		{"last size zeroed", put32(last, 0)},
		{"unknown kind, resealed", reseal(starts[1], func(r []byte) { r[4] = 7 })},
		{"kind and size disagree, resealed", reseal(starts[1], func(r []byte) { r[5] ^= flagSig })},
		{"padding set, resealed", reseal(starts[1], func(r []byte) { r[len(r)-5] = 1 })},
		{"erased record not zero, resealed", reseal(starts[2], func(r []byte) { r[30] = 1 })},
		{"same ID twice", func(b []byte) []byte {
			size := int(binary.LittleEndian.Uint32(b[starts[0]:]))
			return append(b, b[starts[0]:starts[0]+size]...)
		}},
		{"long zero tail", func(b []byte) []byte { return append(b, make([]byte, sizeTextSig)...) }},
		{"garbage tail", func(b []byte) []byte { return append(b, 1, 2, 3, 4, 5, 6, 7, 8) }},
		{"not an index", func([]byte) []byte { return []byte("SQLite format 3\x00 and then some more bytes") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := tt.edit(slices.Clone(data))
			if _, _, err := replayBytes(t, bad); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("replay: %v, want ErrCorrupt", err)
			}
			path := filepath.Join(t.TempDir(), "index")
			os.WriteFile(path, bad, 0o600)
			if _, err := Open(t.Context(), path, Options{}); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open: %v, want ErrCorrupt", err)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, bad) {
				t.Fatal("Open changed a corrupt file")
			}
		})
	}
	// Short zero tails are the trace of a crash while the file grew.
	if x, st, err := replayBytes(t, append(slices.Clone(data), make([]byte, 100)...)); err != nil || !st.torn || x.Len() != 6 {
		t.Errorf("short zero tail: %v torn %v len %d", err, st.torn, x.Len())
	}
}

func crcOf(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// checkIndex verifies the internal invariants of an index: every table
// refers to live records only, and each live record is found by its ID and
// DNA, and an image also by its hash and in every chunk map.
func checkIndex(t *testing.T, x *Index) {
	t.Helper()
	for _, r := range []*records{&x.text.records, &x.image.records} {
		free := map[uint32]bool{}
		for _, s := range r.free {
			free[s] = true
		}
		live := len(r.ids) - len(free)
		if r.byID.used != live || r.byDNA.used != live {
			t.Fatalf("%d live slots, tables hold %d and %d", live, r.byID.used, r.byDNA.used)
		}
		for s := range uint32(len(r.ids)) {
			if free[s] {
				continue
			}
			if got, ok := r.lookup(r.ids[s]); !ok || got != s {
				t.Fatalf("slot %d not found by its ID", s)
			}
			if !slices.Contains(r.exact(&r.dna[s]), s) {
				t.Fatalf("slot %d not found by its DNA", s)
			}
		}
	}
	liveText := map[uint32]bool{}
	for _, c := range x.text.byID.cells {
		if c != 0 {
			liveText[c-1] = true
		}
	}
	for b := range x.text.bands {
		m := &x.text.bands[b]
		if m.len() != x.text.bands[0].len() {
			t.Fatalf("band %d has %d entries, band 0 %d", b, m.len(), x.text.bands[0].len())
		}
		for _, level := range [][]uint64{m.main, m.mid, m.tail} {
			for _, e := range level {
				if !liveText[uint32(e)] {
					t.Fatalf("band %d refers to slot %d, which is not live", b, uint32(e))
				}
			}
		}
	}
	hashes := map[PHash]int{}
	for _, c := range x.image.byID.cells {
		if c != 0 {
			hashes[x.image.hashes[c-1]]++
		}
	}
	if x.image.byHash.used != x.image.byID.used {
		t.Fatalf("%d images, %d in the hash table", x.image.byID.used, x.image.byHash.used)
	}
	for c := range x.image.chunks {
		m := &x.image.chunks[c]
		got := map[PHash]int{}
		for _, level := range [][]uint64{m.main, m.mid, m.tail} {
			for _, e := range level {
				got[entryHash(e, c)]++
			}
		}
		if !maps.Equal(got, hashes) {
			t.Fatalf("chunk map %d holds other hashes than the live images", c)
		}
	}
}

func FuzzReplay(f *testing.F) {
	data, _ := validFile(f)
	f.Add(data)
	f.Add(data[:headerSize])
	f.Add(data[:len(data)-9])
	f.Add(append(slices.Clone(data), make([]byte, 40)...))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		x, st, err := replayBytes(t, data)
		if err != nil {
			return
		}
		checkIndex(t, x)
		// What was read is exactly the file up to st.end, whole records.
		y, st2, err := replayBytes(t, data[:st.end])
		if err != nil || st2.torn || st2.end != st.end || !slices.Equal(x.IDs(), y.IDs()) {
			t.Fatalf("prefix up to %d replays to %v %+v, want IDs %v", st.end, err, st2, x.IDs())
		}
	})
}

// FuzzFileByteChange changes one byte of a valid file: the result must be
// an error or, if the byte did not change, the original index. No single
// changed byte may go unnoticed.
func FuzzFileByteChange(f *testing.F) {
	data, ids := validFile(f)
	f.Add(uint16(0), byte(1))
	f.Add(uint16(headerSize), byte(0x40))
	f.Add(uint16(headerSize+4), byte(0))
	f.Add(uint16(len(data)-1), byte(0))
	f.Fuzz(func(t *testing.T, pos uint16, v byte) {
		p := int(pos) % len(data)
		bad := slices.Clone(data)
		bad[p] = v
		x, st, err := replayBytes(t, bad)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d = %#x: error %v does not wrap ErrCorrupt", p, v, err)
			}
			return
		}
		if v != data[p] || st.torn || !slices.Equal(x.IDs(), ids) {
			t.Fatalf("byte %d changed from %#x to %#x unnoticed: IDs %v torn %v", p, data[p], v, x.IDs(), st.torn)
		}
	})
}

// TestEveryByteChecked changes each byte of a valid file in four ways.
func TestEveryByteChecked(t *testing.T) {
	data, _ := validFile(t)
	for p := range data {
		for _, v := range []byte{data[p] ^ 1, data[p] ^ 0x80, 0, 0xff} {
			if v == data[p] {
				continue
			}
			bad := slices.Clone(data)
			bad[p] = v
			if _, _, err := replayBytes(t, bad); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d changed from %#x to %#x: %v, want ErrCorrupt", p, data[p], v, err)
			}
		}
	}
}

func TestOpenCompactsMostlyErasedFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 15))
	path := filepath.Join(t.TempDir(), "index")
	x := mustOpen(t, path, Options{})
	for i := range 10 {
		if err := x.Add(int64(i), synthText(rng)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := x.Remove(0, 1, 2, 3, 4, 5); err != nil {
		t.Fatal(err)
	}
	x.Close()
	if size := fileSize(t, path); size != headerSize+10*sizeTextSig {
		t.Fatalf("file of %d bytes before reopening", size)
	}
	y := mustOpen(t, path, Options{})
	defer y.Close()
	if size := fileSize(t, path); size != headerSize+4*sizeTextSig {
		t.Errorf("file of %d bytes after reopening, want %d", size, headerSize+4*sizeTextSig)
	}
	if !slices.Equal(y.IDs(), []int64{6, 7, 8, 9}) {
		t.Errorf("IDs %v", y.IDs())
	}
}
