package attrib

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func openTest(t *testing.T, dir string, opts Options) *Index {
	t.Helper()
	opts.Create = true
	x, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func mustAdd(t *testing.T, x *Index, recs ...Record) {
	t.Helper()
	if n, err := x.Add(t.Context(), RecordsOf(recs...)); err != nil || n != len(recs) {
		t.Fatalf("Add = %d, %v; want %d records added", n, err, len(recs))
	}
}

// dirFiles lists the index directory without the lock file.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != lockName {
			names = append(names, e.Name())
		}
	}
	return names
}

// traceIDs returns the ids of all records named by spans of output.
func traceIDs(t *testing.T, x *Index, output string) []string {
	t.Helper()
	spans, err := x.Trace(t.Context(), output, TraceOptions{MinLen: 5})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range spans {
		ids = append(ids, s.Records...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func failingRecords(after int) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for i := range after {
			if !yield(Record{ID: fmt.Sprint("ok-", i), Text: "fine text"}, nil) {
				return
			}
		}
		yield(Record{}, errors.New("line 7: not JSON"))
	}
}

func TestAddRejects(t *testing.T) {
	tests := []struct {
		name    string
		records iter.Seq2[Record, error]
		wantErr string
		dup     *DuplicateIDError
	}{
		{
			name:    "repeated id in the batch",
			records: RecordsOf(Record{"x", "one"}, Record{"y", "two"}, Record{"x", "three"}),
			dup:     &DuplicateIDError{ID: "x", Record: 2, Previous: 0},
		},
		{
			name:    "id of a live record",
			records: RecordsOf(Record{"new", "one"}, Record{"kept", "two"}),
			dup:     &DuplicateIDError{ID: "kept", Record: 1, Previous: -1},
		},
		{
			name:    "empty id",
			records: RecordsOf(Record{"fine", "one"}, Record{"", "two"}),
			wantErr: "record 1: empty id",
		},
		{
			name:    "error from the reader",
			records: failingRecords(3),
			wantErr: "line 7: not JSON",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			x := openTest(t, dir, Options{})
			mustAdd(t, x, Record{"kept", "the kept record's text"}, Record{"gone", "an erased record's text"})
			if err := x.Erase(t.Context(), "gone"); err != nil {
				t.Fatal(err)
			}
			before, files := x.Stats(), dirFiles(t, dir)
			n, err := x.Add(t.Context(), tc.records)
			if err == nil || n != 0 {
				t.Fatalf("Add = %d, %v; want an error", n, err)
			}
			if tc.dup != nil {
				var dup *DuplicateIDError
				if !errors.As(err, &dup) || *dup != *tc.dup {
					t.Fatalf("error %v, want %+v", err, tc.dup)
				}
			} else if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q, want it to mention %q", err, tc.wantErr)
			}
			if after := x.Stats(); after != before {
				t.Fatalf("a rejected batch changed the index: %+v, was %+v", after, before)
			}
			if got := dirFiles(t, dir); !slices.Equal(got, files) {
				t.Fatalf("files after a rejected batch: %v, want %v", got, files)
			}
		})
	}
}

func TestAddReusesErasedID(t *testing.T) {
	x := openTest(t, t.TempDir(), Options{NoAutoMerge: true})
	mustAdd(t, x, Record{"a", "the first version of record a"})
	// The second version shares no five characters with the first.
	if err := x.Erase(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, x, Record{"a", "A SECOND TEXT, ENTIRELY NEW"})
	if got := traceIDs(t, x, "the first version of record a"); got != nil {
		t.Fatalf("erased text traced to %v", got)
	}
	if got := traceIDs(t, x, "A SECOND TEXT, ENTIRELY NEW"); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("new text traced to %v, want [a]", got)
	}
	if err := x.Erase(t.Context(), "a"); err != nil {
		t.Fatalf("erasing the second version: %v", err)
	}
	if st := x.Stats(); st.Records != 0 {
		t.Fatalf("%+v: want no live record", st)
	}
}

func TestErase(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, dir, Options{NoAutoMerge: true})
	mustAdd(t, x,
		Record{"a", "alpha bravo charlie delta echo"},
		Record{"b", "alpha bravo charlie foxtrot golf"},
		Record{"c", "hotel india juliet kilo lima"})
	mustAdd(t, x, Record{"d", "mike november oscar papa quebec"})

	err := x.Erase(t.Context(), "c", "nobody")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"nobody"`) {
		t.Fatalf("Erase with an unknown id: %v, want ErrNotFound naming it", err)
	}
	if got := traceIDs(t, x, "hotel india juliet"); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("a failed Erase erased something: traced to %v", got)
	}

	if err := x.Erase(t.Context(), "a", "d"); err != nil {
		t.Fatal(err)
	}
	spans, err := x.Trace(t.Context(), "alpha bravo charlie delta echo", TraceOptions{MinLen: 5})
	if err != nil {
		t.Fatal(err)
	}
	// Only b's "alpha bravo charlie " is left; a's longer match is gone.
	want := []Span{{Start: 0, End: 20, Text: "alpha bravo charlie ", Count: 1, Records: []string{"b"}, RecordCount: 1}}
	if !reflect.DeepEqual(spans, want) {
		t.Fatalf("after erasing a: %s\nwant %s", formatSpans(spans), formatSpans(want))
	}
	if got := traceIDs(t, x, "mike november oscar"); got != nil {
		t.Fatalf("erased record d traced: %v", got)
	}
	if err := x.Erase(t.Context(), "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("erasing twice: %v, want ErrNotFound", err)
	}

	// Tombstones persist, and another process sees them.
	y, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if got := traceIDs(t, y, "alpha bravo charlie delta mike november oscar"); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("reopened index traced to %v, want [b]", got)
	}
	if st := y.Stats(); st.Records != 2 || st.Erased != 2 {
		t.Fatalf("reopened: %+v, want 2 live and 2 erased records", st)
	}

	// Compact removes the text from disk.
	if err := x.Compact(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, name := range dirFiles(t, dir) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "delta echo") || strings.Contains(string(data), "quebec") {
			t.Fatalf("%s still holds erased text after Compact", name)
		}
	}
	if st := x.Stats(); st.Segments != 1 || st.Records != 2 || st.Erased != 0 {
		t.Fatalf("after Compact: %+v", st)
	}
}

func TestEraseEverythingThenCompact(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, dir, Options{NoAutoMerge: true})
	mustAdd(t, x, Record{"a", "some words"})
	mustAdd(t, x, Record{"b", "other words"})
	if err := x.Erase(t.Context(), "a", "b"); err != nil {
		t.Fatal(err)
	}
	if err := x.Compact(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := x.Stats(); st != (Stats{}) {
		t.Fatalf("%+v, want an empty index", st)
	}
	if got := dirFiles(t, dir); !slices.Equal(got, []string{manifestName}) {
		t.Fatalf("files %v, want only the manifest", got)
	}
}

func TestSegmentsAndMerging(t *testing.T) {
	// Record i repeats a word of its own: "aqz aqz …", "bqz bqz …".
	rec := func(i int) Record { return Record{fmt.Sprint("r", i), strings.Repeat(string(rune('a'+i))+"qz ", 40)} }
	t.Run("auto merge keeps few segments", func(t *testing.T) {
		dir := t.TempDir()
		x := openTest(t, dir, Options{})
		for i := range 8 {
			mustAdd(t, x, rec(i))
		}
		st := x.Stats()
		if st.Records != 8 || st.Segments > 4 {
			t.Fatalf("%+v: want 8 records in at most log2(8)+1 segments", st)
		}
		if files := dirFiles(t, dir); len(files) != st.Segments+1 {
			t.Fatalf("files %v: want the manifest and %d segments", files, st.Segments)
		}
		if got := traceIDs(t, x, rec(0).Text+rec(7).Text); !slices.Equal(got, []string{"r0", "r7"}) {
			t.Fatalf("traced to %v", got)
		}
	})
	t.Run("no auto merge", func(t *testing.T) {
		x := openTest(t, t.TempDir(), Options{NoAutoMerge: true})
		for i := range 4 {
			mustAdd(t, x, rec(i))
		}
		if st := x.Stats(); st.Segments != 4 {
			t.Fatalf("%+v, want 4 segments", st)
		}
	})
	t.Run("a batch larger than a segment is split", func(t *testing.T) {
		x := openTest(t, t.TempDir(), Options{MaxSegmentBytes: 400, NoAutoMerge: true})
		var recs []Record
		for i := range 10 {
			recs = append(recs, rec(i)) // 161 bytes each, separator included
		}
		mustAdd(t, x, recs...)
		if st := x.Stats(); st.Segments != 5 || st.Records != 10 {
			t.Fatalf("%+v, want 10 records in 5 segments of 2", st)
		}
		// Duplicates are found across the segments of one batch too.
		_, err := x.Add(t.Context(), RecordsOf(rec(20), rec(21), rec(22), rec(23), rec(20)))
		var dup *DuplicateIDError
		if !errors.As(err, &dup) || *dup != (DuplicateIDError{ID: "r20", Record: 4, Previous: 0}) {
			t.Fatalf("error %v, want r20 repeated at 4 of 0", err)
		}
		_, err = x.Add(t.Context(), RecordsOf(Record{"huge", strings.Repeat("x", 400)}))
		if err == nil || !strings.Contains(err.Error(), "more than a segment holds") {
			t.Fatalf("a record larger than a segment: %v", err)
		}
	})
}

func TestTwoHandles(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, dir, Options{})
	y := openTest(t, dir, Options{})
	mustAdd(t, x, Record{"shared", "written through the first handle"})
	_, err := y.Add(t.Context(), RecordsOf(Record{"shared", "written through the second"}))
	var dup *DuplicateIDError
	if !errors.As(err, &dup) || dup.Previous != -1 {
		t.Fatalf("second handle: %v, want the id found in the index", err)
	}
	if got := traceIDs(t, y, "written through the first handle"); !slices.Equal(got, []string{"shared"}) {
		t.Fatalf("second handle traced to %v after refreshing", got)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		_, err := Open(filepath.Join(t.TempDir(), "none"), Options{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%v, want fs.ErrNotExist", err)
		}
	})
	damage := []struct {
		name string
		file func(dir string) string
		edit func([]byte) []byte
	}{
		{"manifest not JSON", func(string) string { return manifestName }, func(b []byte) []byte { return b[:len(b)/2] }},
		{"manifest names a path", func(string) string { return manifestName }, func(b []byte) []byte {
			return []byte(strings.Replace(string(b), "000001.seg", "../01.seg", 1))
		}},
		{"segment truncated", firstSegment, func(b []byte) []byte { return b[:len(b)-4] }},
		{"segment header", firstSegment, func(b []byte) []byte { b[9] ^= 1; return b }},
		{"separator overwritten", firstSegment, func(b []byte) []byte { b[segmentHeaderSize+3] = 'x'; return b }},
	}
	for _, tc := range damage {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			x := openTest(t, dir, Options{})
			mustAdd(t, x, Record{"a", "abc"}, Record{"b", "def"})
			path := filepath.Join(dir, tc.file(dir))
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tc.edit(data), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%v, want ErrCorrupt", err)
			}
		})
	}
}

func firstSegment(dir string) string {
	m, err := readManifest(dir)
	if err != nil || len(m.Segments) == 0 {
		panic(fmt.Sprint("no segment: ", err))
	}
	return m.Segments[0].File
}

// TestConcurrentTraceAndWrite runs queries while another goroutine adds,
// erases, purges and compacts (run with -race): every query must see a consistent
// state, in which the stable record is always found and an erased one
// never is.
func TestConcurrentTraceAndWrite(t *testing.T) {
	x := openTest(t, t.TempDir(), Options{})
	mustAdd(t, x, Record{"stable", "this sentence is always in the index"})
	done := make(chan error)
	go func() {
		defer close(done)
		for i := range 8 {
			id := fmt.Sprint("churn-", i)
			if _, err := x.Add(t.Context(), RecordsOf(Record{id, fmt.Sprintf("churning text number %d, added then erased", i)})); err != nil {
				done <- err
				return
			}
			var err error
			if i%2 == 1 {
				_, err = x.Purge(t.Context(), id)
			} else {
				err = x.Erase(t.Context(), id)
			}
			if err != nil {
				done <- err
				return
			}
			if i%4 == 3 {
				if err := x.Compact(t.Context()); err != nil {
					done <- err
					return
				}
			}
		}
	}()
	for running := true; running; {
		select {
		case err, ok := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = ok
		default:
		}
		got := traceIDs(t, x, "this sentence is always in the index")
		if !slices.Equal(got, []string{"stable"}) {
			t.Fatalf("stable record traced to %v", got)
		}
	}
	if got := traceIDs(t, x, "churning text number 5, added then erased"); got != nil {
		t.Fatalf("erased records traced: %v", got)
	}
}

func TestAddCancelled(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, dir, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := x.Add(ctx, RecordsOf(Record{"a", "text"})); !errors.Is(err, context.Canceled) {
		t.Fatalf("Add with a cancelled context: %v", err)
	}
	if st := x.Stats(); st.Records != 0 {
		t.Fatalf("%+v after a cancelled Add", st)
	}
	if got := dirFiles(t, dir); !slices.Equal(got, []string{manifestName}) {
		t.Fatalf("files %v after a cancelled Add", got)
	}
}

// TestEraseSeenByOtherHandle: an Index opened before the erasure (as in a
// server process, while the command line erases) must stop returning the
// record at its next query, without being reopened.
func TestEraseSeenByOtherHandle(t *testing.T) {
	dir := t.TempDir()
	writer := openTest(t, dir, Options{})
	mustAdd(t, writer, Record{"a", "the record that will be erased"}, Record{"b", "the record that stays"})
	reader := openTest(t, dir, Options{})
	if got := traceIDs(t, reader, "the record that will be erased"); !slices.Contains(got, "a") {
		t.Fatalf("before erasing: traced to %v", got)
	}
	if err := writer.Erase(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if got := traceIDs(t, reader, "the record that will be erased"); slices.Contains(got, "a") {
		t.Fatalf("the other handle still returns the erased record: %v", got)
	}
	// And a merge that removes files under its feet.
	mustAdd(t, writer, Record{"c", "a third record, to be merged"})
	if err := writer.Compact(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := traceIDs(t, reader, "a third record, to be merged"); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("after a merge elsewhere: traced to %v", got)
	}
	reader.Close()
	if _, err := reader.Trace(t.Context(), "anything", TraceOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Trace after Close: %v, want ErrClosed", err)
	}
}

// fileHolding returns the first file of dir (recursively) that holds any
// of the texts, or "".
func fileHolding(t *testing.T, dir string, texts ...string) string {
	t.Helper()
	found := ""
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range texts {
			if strings.Contains(string(data), s) {
				found = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestPurge checks that Purge takes erased text off the disk before it
// returns — Erase alone leaves it in the segment until a merge — and that
// it rewrites only the segments that held it.
func TestPurge(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, dir, Options{NoAutoMerge: true})
	mustAdd(t, x,
		Record{"a", "alpha bravo charlie delta echo"},
		Record{"b", "foxtrot golf hotel india juliet"},
		Record{"c", "kilo lima mike november oscar"})
	mustAdd(t, x, Record{"d", "papa quebec romeo sierra tango"})
	mustAdd(t, x, Record{"e", "uniform victor whiskey xray yankee"})
	last := dirFiles(t, dir)

	// Erase writes a tombstone and leaves the text where it was.
	if err := x.Erase(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if fileHolding(t, dir, "delta echo") == "" {
		t.Fatal("Erase alone removed the text: this test no longer tests Purge")
	}

	n, err := x.Purge(t.Context(), "c", "d", "nobody", "a")
	if err != nil || n != 2 {
		t.Fatalf("Purge = %d, %v; want 2 found", n, err)
	}
	if f := fileHolding(t, dir, "delta echo", "november oscar", "romeo sierra"); f != "" {
		t.Fatalf("%s still holds erased text after Purge", f)
	}
	if st := x.Stats(); st.Records != 2 || st.Erased != 0 || st.Segments != 2 {
		t.Fatalf("after Purge: %+v, want 2 live records in 2 segments, none erased", st)
	}
	if !slices.Contains(dirFiles(t, dir), last[len(last)-1]) {
		t.Fatalf("the segment without erased records was rewritten: %v, had %v", dirFiles(t, dir), last)
	}
	for text, want := range map[string][]string{
		"foxtrot golf hotel":    {"b"},
		"victor whiskey xray":   {"e"},
		"kilo lima mike":        nil,
		"alpha bravo charlie d": nil,
	} {
		if got := traceIDs(t, x, text); !slices.Equal(got, want) {
			t.Fatalf("%q traced to %v, want %v", text, got, want)
		}
	}
	// Another handle on the folder sees the same.
	y, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if got := traceIDs(t, y, "foxtrot golf hotel kilo lima mike"); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("other handle traced to %v", got)
	}
	// Nothing left to do: Purge is a no-op.
	if n, err := x.Purge(t.Context(), "c"); err != nil || n != 0 || !slices.Equal(dirFiles(t, dir), dirFiles(t, dir)) {
		t.Fatalf("second Purge = %d, %v", n, err)
	}
}

// TestPurgeReportsTextLeftOnDisk: Purge answers for the erased text being
// in no file of the index. An old segment file that cannot be deleted
// after the rewrite — here a directory someone put a file in, in its
// place — fails Purge, however often it is called, until the file can
// go; then Purge removes it and succeeds. The records stay unreadable
// throughout.
func TestPurgeReportsTextLeftOnDisk(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, dir, Options{NoAutoMerge: true})
	mustAdd(t, x, Record{"a", "alpha bravo charlie delta echo"}, Record{"b", "foxtrot golf hotel india juliet"})
	var seg string
	for _, name := range dirFiles(t, dir) {
		if _, ok := segmentNumber(name); ok {
			seg = name
		}
	}
	// The segment stays mapped; its name now holds what cannot be removed.
	if err := os.Rename(filepath.Join(dir, seg), filepath.Join(t.TempDir(), seg)); err != nil {
		t.Fatal(err)
	}
	pinned := filepath.Join(dir, seg, "pinned")
	if err := os.Mkdir(filepath.Join(dir, seg), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pinned, []byte("alpha bravo charlie delta echo"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := x.Purge(t.Context(), "a"); err == nil {
			t.Fatalf("Purge %d reported success while the old segment %s is still in the index folder", i+1, seg)
		}
		if got := traceIDs(t, x, "alpha bravo charlie d"); got != nil {
			t.Fatalf("the erased record is traced: %v", got)
		}
	}
	if err := os.Remove(pinned); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Purge(t.Context(), "a"); err != nil {
		t.Fatalf("Purge once the old segment could go: %v", err)
	}
	if slices.Contains(dirFiles(t, dir), seg) {
		t.Fatalf("the old segment %s is still there: %v", seg, dirFiles(t, dir))
	}
	if got := traceIDs(t, x, "foxtrot golf hotel"); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("the other record is traced to %v", got)
	}
}
