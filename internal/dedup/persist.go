package dedup

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
)

// The index file is a journal: a header, then one record per [Index.Add],
// appended and synced before Add returns, so that a restart (or a crash)
// never forgets an acknowledged record. [Index.Remove] overwrites a record
// in place with an erased record of the same size: the fingerprint is gone
// from the file at once, and the offsets of later records do not move.
// [Index.Compact] rewrites the file without erased records, atomically.
//
// Every integer is little-endian. The header, 32 bytes:
//
//	0   magic "ALMDEDUP"
//	8   version, uint16: 1
//	10  signature size, uint16: 128
//	12  16 zero bytes, reserved
//	28  CRC-32C (Castagnoli) of bytes 0–27
//
// A record, a multiple of 8 bytes, so that offset/8, which memory keeps in
// 4 bytes per record, addresses files of up to 32 GiB:
//
//	0   size of the whole record in bytes, uint32
//	4   kind, uint8: 1 text, 2 image, 0 erased
//	5   flags, uint8: bit 0 set when a text has a MinHash signature
//	6   2 zero bytes
//	8   ID, int64
//	16  DNA, 32 bytes
//	48  payload: text with signature, 128 uint32 MinHash values; text
//	    without, nothing; image, the perceptual hash as a uint64
//	    then zero bytes up to size − 4
//	size−4  CRC-32C of bytes 0 to size−5
//
// Sizes are therefore 568 (text with signature), 56 (text without) and 64
// (image). An erased record keeps its size; every byte between the size
// and the CRC is zero.
//
// Full signatures are kept in the file, not in memory: the in-memory index
// holds only band keys and 4-bit sketches, and reopening the file with
// another Jaccard threshold recomputes the bands from the signatures.
// Signatures are only comparable when computed alike, so version 1 also
// fixes the shingling and the MinHash hash family; changing either needs a
// new version and a rebuild of the index from the records.
const (
	fileMagic   = "ALMDEDUP"
	fileVersion = 1
	headerSize  = 32

	recordHead    = 48 // bytes before the payload
	sizeTextSig   = 568
	sizeTextNoSig = 56
	sizeImage     = 64

	kindErased = 0
	flagSig    = 1
)

// ErrCorrupt is wrapped by every error about a file that is not a valid
// index: a wrong header, a bad checksum, an impossible record.
var ErrCorrupt = errors.New("corrupt index file")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func header() []byte {
	h := make([]byte, headerSize)
	copy(h, fileMagic)
	binary.LittleEndian.PutUint16(h[8:], fileVersion)
	binary.LittleEndian.PutUint16(h[10:], SignatureSize)
	binary.LittleEndian.PutUint32(h[28:], crc32.Checksum(h[:28], castagnoli))
	return h
}

func checkHeader(h []byte) error {
	switch {
	case len(h) < headerSize:
		return fmt.Errorf("%w: header of %d bytes, want %d", ErrCorrupt, len(h), headerSize)
	case string(h[:8]) != fileMagic:
		return fmt.Errorf("%w: not an index file (magic %q)", ErrCorrupt, h[:8])
	case crc32.Checksum(h[:28], castagnoli) != binary.LittleEndian.Uint32(h[28:]):
		return fmt.Errorf("%w: header checksum mismatch", ErrCorrupt)
	case binary.LittleEndian.Uint16(h[8:]) != fileVersion:
		return fmt.Errorf("%w: version %d, this build reads %d", ErrCorrupt, binary.LittleEndian.Uint16(h[8:]), fileVersion)
	case binary.LittleEndian.Uint16(h[10:]) != SignatureSize:
		return fmt.Errorf("%w: signature size %d, want %d", ErrCorrupt, binary.LittleEndian.Uint16(h[10:]), SignatureSize)
	case !allZero(h[12:28]):
		return fmt.Errorf("%w: reserved header bytes set", ErrCorrupt)
	}
	return nil
}

// encodeRecord returns the file record of a fingerprint.
func encodeRecord(id int64, fp *Fingerprint) []byte {
	size := sizeImage
	if fp.Kind == KindText {
		size = sizeTextNoSig
		if fp.MinHash != nil {
			size = sizeTextSig
		}
	}
	rec := make([]byte, size)
	binary.LittleEndian.PutUint32(rec, uint32(size))
	rec[4] = byte(fp.Kind)
	binary.LittleEndian.PutUint64(rec[8:], uint64(id))
	copy(rec[16:], fp.DNA[:])
	switch {
	case fp.Kind == KindImage:
		binary.LittleEndian.PutUint64(rec[recordHead:], uint64(fp.PHash))
	case fp.MinHash != nil:
		rec[5] = flagSig
		for i, v := range fp.MinHash {
			binary.LittleEndian.PutUint32(rec[recordHead+4*i:], v)
		}
	}
	sealRecord(rec)
	return rec
}

func sealRecord(rec []byte) {
	n := len(rec) - 4
	binary.LittleEndian.PutUint32(rec[n:], crc32.Checksum(rec[:n], castagnoli))
}

// erasedRecord returns an erased record of the given size.
func erasedRecord(size int) []byte {
	rec := make([]byte, size)
	binary.LittleEndian.PutUint32(rec, uint32(size))
	sealRecord(rec)
	return rec
}

// decodeRecord checks a whole record and returns its content; erased is
// set for an erased record, whose other results are zero.
func decodeRecord(rec []byte) (id int64, fp Fingerprint, erased bool, err error) {
	n := len(rec) - 4
	if crc32.Checksum(rec[:n], castagnoli) != binary.LittleEndian.Uint32(rec[n:]) {
		return 0, fp, false, errors.New("record checksum mismatch")
	}
	kind, flags := rec[4], rec[5]
	if rec[6] != 0 || rec[7] != 0 {
		return 0, fp, false, errors.New("reserved record bytes set")
	}
	var want, payload int
	switch {
	case kind == kindErased:
		if !allZero(rec[4:n]) {
			return 0, fp, false, errors.New("erased record not zeroed")
		}
		return 0, fp, true, nil
	case kind == byte(KindText) && flags == flagSig:
		want, payload = sizeTextSig, 4*SignatureSize
	case kind == byte(KindText) && flags == 0:
		want, payload = sizeTextNoSig, 0
	case kind == byte(KindImage) && flags == 0:
		want, payload = sizeImage, 8
	default:
		return 0, fp, false, fmt.Errorf("unknown record kind %d with flags %#x", kind, flags)
	}
	if len(rec) != want {
		return 0, fp, false, fmt.Errorf("%v record of %d bytes, want %d", Kind(kind), len(rec), want)
	}
	if !allZero(rec[recordHead+payload : n]) {
		return 0, fp, false, errors.New("record padding not zero")
	}
	id = int64(binary.LittleEndian.Uint64(rec[8:]))
	fp.Kind = Kind(kind)
	copy(fp.DNA[:], rec[16:48])
	if fp.Kind == KindImage {
		fp.PHash = PHash(binary.LittleEndian.Uint64(rec[recordHead:]))
	} else if payload > 0 {
		fp.MinHash = new(Signature)
		for i := range fp.MinHash {
			fp.MinHash[i] = binary.LittleEndian.Uint32(rec[recordHead+4*i:])
		}
	}
	return id, fp, false, nil
}

// appendable reports whether a record of this size, kind and flags is one
// that an Add appends (erased records are only ever written over others).
func appendable(size int, kind, flags byte) bool {
	switch size {
	case sizeTextSig:
		return kind == byte(KindText) && flags == flagSig
	case sizeTextNoSig:
		return kind == byte(KindText) && flags == 0
	case sizeImage:
		return kind == byte(KindImage) && flags == 0
	}
	return false
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// replayed is what replay learnt about a file besides its records.
type replayed struct {
	end    int64 // offset after the last whole record
	torn   bool  // the file ends in an incomplete record, to be cut off
	erased int64 // bytes in erased records
}

// replay reads a whole index file from r and inserts its records into x,
// which must be empty. A file may end in a record that is incomplete, or in
// zero bytes where a record should start: an append that a crash cut short,
// whose Add never returned. That tail is reported as torn, not as an error;
// a file cut short inside a record by damage looks the same and loses only
// that record. Every other defect is an error wrapping ErrCorrupt, with the
// offset.
func replay(ctx context.Context, r io.Reader, x *Index) (replayed, error) {
	var st replayed
	br := bufio.NewReaderSize(r, 1<<16)
	h := make([]byte, headerSize)
	if n, err := io.ReadFull(br, h); err != nil {
		return st, fmt.Errorf("read header: %w", errors.Join(checkHeader(h[:n]), err))
	}
	if err := checkHeader(h); err != nil {
		return st, err
	}
	st.end = headerSize
	rec := make([]byte, sizeTextSig)
	for {
		if st.end%(1<<20) < sizeTextSig {
			if err := ctx.Err(); err != nil {
				return st, err
			}
		}
		n, err := io.ReadFull(br, rec[:4])
		if err == io.EOF {
			return st, nil
		}
		if err == io.ErrUnexpectedEOF {
			st.torn = true // not even the size field was written
			return st, nil
		}
		if err != nil {
			return st, fmt.Errorf("read record at %d: %w", st.end, err)
		}
		size := int(binary.LittleEndian.Uint32(rec))
		if size == 0 {
			// The file was extended but the record's bytes never came.
			rest, err := io.ReadAll(io.LimitReader(br, sizeTextSig))
			if err != nil {
				return st, fmt.Errorf("read record at %d: %w", st.end, err)
			}
			if n+len(rest) >= sizeTextSig || !allZero(rest) {
				return st, fmt.Errorf("%w: record of size 0 at offset %d", ErrCorrupt, st.end)
			}
			st.torn = true
			return st, nil
		}
		if size != sizeTextSig && size != sizeTextNoSig && size != sizeImage {
			return st, fmt.Errorf("%w: record of impossible size %d at offset %d", ErrCorrupt, size, st.end)
		}
		if n, err := io.ReadFull(br, rec[4:size]); err != nil {
			if err != io.ErrUnexpectedEOF && err != io.EOF {
				return st, fmt.Errorf("read record at %d: %w", st.end, err)
			}
			// The file ends inside this record. That is a torn append only
			// if what was written agrees with the size: otherwise a damaged
			// size field would pass complete records off as a torn tail.
			if n >= 2 && !appendable(size, rec[4], rec[5]) {
				return st, fmt.Errorf("%w: record at offset %d cut short and inconsistent", ErrCorrupt, st.end)
			}
			st.torn = true
			return st, nil
		}
		id, fp, erased, err := decodeRecord(rec[:size])
		if err != nil {
			return st, fmt.Errorf("%w: offset %d: %v", ErrCorrupt, st.end, err)
		}
		where := st.end / 8
		if where > math.MaxUint32 {
			return st, fmt.Errorf("%w: file longer than 32 GiB", ErrCorrupt)
		}
		st.end += int64(size)
		if erased {
			st.erased += int64(size)
			continue
		}
		if _, ok := x.text.lookup(id); ok {
			return st, fmt.Errorf("%w: offset %d: id %d stored twice", ErrCorrupt, where*8, id)
		}
		if _, ok := x.image.lookup(id); ok {
			return st, fmt.Errorf("%w: offset %d: id %d stored twice", ErrCorrupt, where*8, id)
		}
		x.insert(id, &fp, uint32(where))
	}
}

// journal is the open index file of an Index.
type journal struct {
	f      *os.File
	path   string
	end    int64 // where the next record goes
	erased int64 // bytes in erased records, reclaimed by compaction
}

func (j *journal) closed() bool { return j.f == nil }

// Open opens the index file at path, creating it if it does not exist, and
// reads it into memory. A file that is not a valid index is rejected with an
// error wrapping ErrCorrupt; only an incomplete last record, the trace of a
// crash during an Add that therefore never returned, is cut off. The file is
// locked against other processes until Close. When more than half of it is
// erased records, Open compacts it.
func Open(ctx context.Context, path string, opts Options) (*Index, error) {
	x, err := New(opts)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	j := &journal{f: f, path: path}
	if err := j.load(ctx, x); err != nil {
		f.Close()
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	x.file = j
	if j.erased > 0 && 2*j.erased > j.end {
		if err := x.Compact(ctx); err != nil {
			x.Close()
			return nil, err
		}
	}
	return x, nil
}

func (j *journal) load(ctx context.Context, x *Index) error {
	info, err := j.f.Stat()
	if err != nil {
		return err
	}
	if info.Size() == 0 {
		// A new file: its header and its directory entry must be on disk
		// before the first record is acknowledged.
		if _, err := j.f.WriteAt(header(), 0); err != nil {
			return err
		}
		if err := j.f.Sync(); err != nil {
			return err
		}
		j.end = headerSize
		return syncDir(filepath.Dir(j.path))
	}
	st, err := replay(ctx, io.NewSectionReader(j.f, 0, info.Size()), x)
	if err != nil {
		return err
	}
	j.end, j.erased = st.end, st.erased
	if st.torn {
		if err := j.f.Truncate(st.end); err != nil {
			return fmt.Errorf("cut torn last record: %w", err)
		}
		if err := j.f.Sync(); err != nil {
			return err
		}
	}
	return nil
}

// append writes one record at the end of the file and syncs it; on failure
// the file is cut back so that a later append does not follow garbage.
func (j *journal) append(id int64, fp *Fingerprint) (uint32, error) {
	if j.closed() {
		return 0, ErrClosed
	}
	rec := encodeRecord(id, fp)
	if (j.end+int64(len(rec)))/8 > math.MaxUint32 {
		return 0, errors.New("index file would exceed 32 GiB; compact it")
	}
	if _, err := j.f.WriteAt(rec, j.end); err != nil {
		_ = j.f.Truncate(j.end)
		return 0, fmt.Errorf("write index record: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		_ = j.f.Truncate(j.end)
		return 0, fmt.Errorf("sync index: %w", err)
	}
	where := uint32(j.end / 8)
	j.end += int64(len(rec))
	return where, nil
}

// appendAll writes many records with one write and one fsync, and returns
// where each went. On error the file is cut back to where it was.
func (j *journal) appendAll(ids []int64, fps []Fingerprint) ([]uint32, error) {
	if j.closed() {
		return nil, ErrClosed
	}
	var buf []byte
	wheres := make([]uint32, len(ids))
	for i, id := range ids {
		rec := encodeRecord(id, &fps[i])
		off := j.end + int64(len(buf))
		if (off+int64(len(rec)))/8 > math.MaxUint32 {
			return nil, errors.New("index file would exceed 32 GiB; compact it")
		}
		wheres[i] = uint32(off / 8)
		buf = append(buf, rec...)
	}
	if _, err := j.f.WriteAt(buf, j.end); err != nil {
		_ = j.f.Truncate(j.end)
		return nil, fmt.Errorf("write index records: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		_ = j.f.Truncate(j.end)
		return nil, fmt.Errorf("sync index: %w", err)
	}
	j.end += int64(len(buf))
	return wheres, nil
}

// erase overwrites the records at the given places with erased records and
// syncs once.
func (j *journal) erase(wheres []uint32) error {
	if j.closed() {
		return ErrClosed
	}
	var sizeBuf [4]byte
	for _, w := range wheres {
		off := int64(w) * 8
		if _, err := j.f.ReadAt(sizeBuf[:], off); err != nil {
			return fmt.Errorf("read record at %d: %w", off, err)
		}
		size := int(binary.LittleEndian.Uint32(sizeBuf[:]))
		if size != sizeTextSig && size != sizeTextNoSig && size != sizeImage {
			return fmt.Errorf("%w: record at %d has size %d", ErrCorrupt, off, size)
		}
		if _, err := j.f.WriteAt(erasedRecord(size), off); err != nil {
			return fmt.Errorf("erase record at %d: %w", off, err)
		}
		j.erased += int64(size)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("sync index: %w", err)
	}
	return nil
}

// Compact rewrites the index file without its erased records: into a new
// file beside it, synced, then renamed over the old one, so that a crash at
// any point leaves either the old file or the new one, never a mix. It does
// nothing for an index in memory.
func (x *Index) Compact(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	j := x.file
	if j == nil {
		return nil
	}
	if j.closed() {
		return fmt.Errorf("compact: %w", ErrClosed)
	}
	moved, tmp, end, err := j.rewrite(ctx)
	if err != nil {
		return fmt.Errorf("compact index %s: %w", j.path, err)
	}
	// The new file is in place: only now may memory point into it.
	for _, m := range moved {
		if s, ok := x.text.lookup(m.id); ok {
			x.text.where[s] = m.where
		} else if s, ok := x.image.lookup(m.id); ok {
			x.image.where[s] = m.where
		}
	}
	j.f.Close()
	j.f, j.end, j.erased = tmp, end, 0
	return nil
}

type move struct {
	id    int64
	where uint32
}

// rewrite copies the live records into a new file and renames it over the
// old one; it returns the new place of every record and the open new file.
func (j *journal) rewrite(ctx context.Context) (moved []move, f *os.File, end int64, err error) {
	dir, base := filepath.Split(j.path)
	f, err = os.CreateTemp(dir, base+".compact-*")
	if err != nil {
		return nil, nil, 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = lockFile(f); err != nil {
		return nil, nil, 0, err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	if _, err = w.Write(header()); err != nil {
		return nil, nil, 0, err
	}
	end = headerSize
	r := bufio.NewReaderSize(io.NewSectionReader(j.f, headerSize, j.end-headerSize), 1<<16)
	rec := make([]byte, sizeTextSig)
	for off := int64(headerSize); off < j.end; {
		if err = ctx.Err(); err != nil {
			return nil, nil, 0, err
		}
		if _, err = io.ReadFull(r, rec[:4]); err != nil {
			return nil, nil, 0, fmt.Errorf("read record at %d: %w", off, err)
		}
		size := int(binary.LittleEndian.Uint32(rec))
		if size != sizeTextSig && size != sizeTextNoSig && size != sizeImage {
			return nil, nil, 0, fmt.Errorf("%w: record at %d has size %d", ErrCorrupt, off, size)
		}
		if _, err = io.ReadFull(r, rec[4:size]); err != nil {
			return nil, nil, 0, fmt.Errorf("read record at %d: %w", off, err)
		}
		// Re-check what is copied: compaction must not carry a record
		// damaged since Open into a file that then looks freshly written.
		id, _, erased, derr := decodeRecord(rec[:size])
		if derr != nil {
			return nil, nil, 0, fmt.Errorf("%w: offset %d: %v", ErrCorrupt, off, derr)
		}
		off += int64(size)
		if erased {
			continue
		}
		if _, err = w.Write(rec[:size]); err != nil {
			return nil, nil, 0, err
		}
		moved = append(moved, move{id, uint32(end / 8)})
		end += int64(size)
	}
	if err = w.Flush(); err != nil {
		return nil, nil, 0, err
	}
	if err = f.Sync(); err != nil {
		return nil, nil, 0, err
	}
	if err = os.Rename(f.Name(), j.path); err != nil {
		return nil, nil, 0, err
	}
	// The rename happened, so the new file is the index now and must not be
	// removed; if the directory cannot be synced, only the durability of
	// the rename is in doubt, and either file is a valid index.
	_ = syncDir(dir)
	return moved, f, end, nil
}

// Close releases the index file. An index in memory needs no Close; after
// Close, Add and Remove fail and queries still answer from memory.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.file == nil || x.file.closed() {
		return nil
	}
	err := x.file.f.Close()
	x.file.f = nil
	if err != nil {
		return fmt.Errorf("close index %s: %w", x.file.path, err)
	}
	return nil
}

// syncDir makes a file creation or rename in dir durable.
func syncDir(dir string) error {
	if dir == "" {
		dir = "."
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
