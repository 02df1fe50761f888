package dedup

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
)

// Defaults of [Options].
const (
	// DefaultJaccard is the estimated Jaccard similarity of shingle sets at
	// or above which two texts are near duplicates.
	DefaultJaccard = 0.8
	// DefaultMaxDistance is the Hamming distance between perceptual hashes
	// at or below which two images are near duplicates. On 34 photographs
	// of one LEGO battery, re-encoded, resized, brightness-shifted and
	// slightly cropped copies stay within 10 of their original, while the
	// closest two different photographs are 16 apart. Two independent
	// hashes with 32 bits set each (as the median threshold makes them) are
	// within 10 with probability 2.3·10⁻⁸: at a million images, one query
	// in about 44 would match an unrelated picture by chance, which is why
	// the default is not higher.
	DefaultMaxDistance = 10
)

// Options set what counts as a near duplicate, per index (per datanet).
// Neither is stored in the index file: an index can be reopened with other
// values, since the file keeps full signatures.
type Options struct {
	// Jaccard is the threshold on estimated Jaccard similarity for text,
	// in [0.5, 1]; zero means DefaultJaccard. Below 0.5 the LSH bands
	// would need so few rows that most of a large index became candidates.
	Jaccard float64
	// MaxDistance is the largest Hamming distance between image hashes
	// that still counts as a near duplicate, at most 20; zero means
	// DefaultMaxDistance.
	MaxDistance int
}

// Errors of the index. They are wrapped with context; test with errors.Is.
var (
	ErrOptions     = errors.New("invalid index options")
	ErrFingerprint = errors.New("invalid fingerprint")
	ErrDuplicateID = errors.New("id already in the index")
	ErrClosed      = errors.New("index closed")
)

func (o Options) withDefaults() (Options, error) {
	if o.Jaccard == 0 {
		o.Jaccard = DefaultJaccard
	}
	if o.MaxDistance == 0 {
		o.MaxDistance = DefaultMaxDistance
	}
	if !(o.Jaccard >= 0.5 && o.Jaccard <= 1) {
		return o, fmt.Errorf("%w: Jaccard %v not in [0.5, 1]", ErrOptions, o.Jaccard)
	}
	if o.MaxDistance < 0 || o.MaxDistance > maxMaxDistance {
		return o, fmt.Errorf("%w: MaxDistance %d not in [0, %d]", ErrOptions, o.MaxDistance, maxMaxDistance)
	}
	return o, nil
}

// Match is a stored record that a queried fingerprint duplicates.
type Match struct {
	ID int64
	// Exact is set when the DNAs are equal.
	Exact bool
	// Similarity is, for text, the Jaccard similarity estimated from the
	// b-bit sketches (1 for an exact match); for images 1 − Distance/64.
	Similarity float64
	// Distance is, for images, the Hamming distance of the perceptual
	// hashes; 0 for text.
	Distance int
}

// Index holds the fingerprints of the records of a datanet and answers
// whether a new record duplicates one of them, exactly or nearly. It is safe
// for concurrent use. An index made by [New] lives in memory only; one made
// by [Open] writes every change to its file before it returns.
type Index struct {
	mu    sync.RWMutex
	opts  Options
	rows  int      // LSH rows per band, from opts.Jaccard
	masks []uint32 // multi-index probe masks, from opts.MaxDistance
	text  textPart
	image imagePart
	file  *journal // nil for an index in memory
}

// New returns an empty index in memory.
func New(opts Options) (*Index, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	seed := rand.Uint64() // keys the slot tables against crafted collisions
	x := &Index{
		opts:  opts,
		rows:  rowsFor(opts.Jaccard),
		masks: probeMasks(opts.MaxDistance / chunks),
	}
	x.text.init(seed)
	x.image.init(seed)
	return x, nil
}

// Options returns the options in force, with defaults filled in.
func (x *Index) Options() Options { return x.opts }

// Len returns the number of records in the index.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.text.ids) - len(x.text.free) + len(x.image.ids) - len(x.image.free)
}

// IDs returns the IDs of all records, in increasing order, so that a caller
// can reconcile the index with the records it really holds (for instance
// after a crash between storing a record and adding it here).
func (x *Index) IDs() []int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var ids []int64
	for _, r := range []*records{&x.text.records, &x.image.records} {
		for _, c := range r.byID.cells {
			if c != 0 {
				ids = append(ids, r.ids[c-1])
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// Query returns the stored records that fp duplicates: exact matches
// first, then near duplicates from the most to the least similar, ties by
// ID. It returns nil when fp is new.
func (x *Index) Query(fp Fingerprint) []Match {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.query(&fp)
}

// Add stores fp under id, whether or not it duplicates another record;
// see [Index.AddIfUnique] for the usual admission of a contribution.
func (x *Index) Add(id int64, fp Fingerprint) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.add(id, &fp)
}

// AddIfUnique stores fp under id only if it duplicates no stored record,
// and otherwise returns the records it duplicates and stores nothing. The
// check and the addition are one step, so that two copies submitted at the
// same moment cannot both get in.
func (x *Index) AddIfUnique(id int64, fp Fingerprint) ([]Match, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if m := x.query(&fp); len(m) > 0 {
		return m, nil
	}
	return nil, x.add(id, &fp)
}

// Remove deletes the records with the given IDs, for erasure: their DNA,
// sketch, band keys or hash leave memory, and a file-backed index
// overwrites their records in the file with zeros before it returns, so an
// erased record no longer blocks anyone's contribution and its fingerprint
// cannot be recovered from the index. Unknown IDs are ignored; it returns
// how many records were removed. Removing many records in one call costs
// about as much as removing one: the band tables are swept once (some 70 ms
// at a million text records). If it fails, the index in memory is
// unchanged and the call can be repeated.
func (x *Index) Remove(ids ...int64) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.file != nil && x.file.closed() {
		return 0, fmt.Errorf("remove: %w", ErrClosed)
	}
	textSlots := map[uint32]bool{}
	imageSlots := map[uint32]bool{}
	var wheres []uint32
	for _, id := range ids {
		if s, ok := x.text.lookup(id); ok && !textSlots[s] {
			textSlots[s] = true
			wheres = append(wheres, x.text.where[s])
		} else if s, ok := x.image.lookup(id); ok && !imageSlots[s] {
			imageSlots[s] = true
			wheres = append(wheres, x.image.where[s])
		}
	}
	if len(wheres) == 0 {
		return 0, nil
	}
	if x.file != nil {
		if err := x.file.erase(wheres); err != nil {
			return 0, fmt.Errorf("remove %d records: %w", len(wheres), err)
		}
	}
	x.text.remove(textSlots)
	x.image.remove(imageSlots)
	return len(wheres), nil
}

func (x *Index) query(fp *Fingerprint) []Match {
	var m []Match
	switch fp.Kind {
	case KindText:
		m = x.text.query(fp, x.rows, x.opts.Jaccard)
	case KindImage:
		m = x.image.query(fp, x.masks, x.opts.MaxDistance)
	}
	slices.SortFunc(m, func(a, b Match) int {
		if a.Exact != b.Exact {
			if a.Exact {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return m
}

func (x *Index) add(id int64, fp *Fingerprint) error {
	if err := x.check(id, fp); err != nil {
		return err
	}
	var where uint32
	if x.file != nil {
		w, err := x.file.append(id, fp)
		if err != nil {
			return fmt.Errorf("add %d: %w", id, err)
		}
		where = w
	}
	x.insert(id, fp, where)
	return nil
}

// check validates a fingerprint before it is stored under id.
func (x *Index) check(id int64, fp *Fingerprint) error {
	if fp.Kind != KindText && fp.Kind != KindImage {
		return fmt.Errorf("add %d: %w: kind %v", id, ErrFingerprint, fp.Kind)
	}
	if fp.Kind == KindImage && fp.MinHash != nil {
		return fmt.Errorf("add %d: %w: image with a MinHash signature", id, ErrFingerprint)
	}
	if fp.Kind == KindText && fp.PHash != 0 {
		return fmt.Errorf("add %d: %w: text with a perceptual hash", id, ErrFingerprint)
	}
	if _, ok := x.text.lookup(id); ok {
		return fmt.Errorf("add %d: %w", id, ErrDuplicateID)
	}
	if _, ok := x.image.lookup(id); ok {
		return fmt.Errorf("add %d: %w", id, ErrDuplicateID)
	}
	return nil
}

// AddAll stores many fingerprints at once, whether or not they duplicate
// others — the records of a batch that has been accepted. A file-backed
// index writes them with one write and one fsync, which is what makes bulk
// intake fast; either all are stored or, on error, none.
func (x *Index) AddAll(ids []int64, fps []Fingerprint) error {
	if len(ids) != len(fps) {
		return fmt.Errorf("add all: %d ids for %d fingerprints", len(ids), len(fps))
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	seen := make(map[int64]bool, len(ids))
	for i, id := range ids {
		if err := x.check(id, &fps[i]); err != nil {
			return err
		}
		if seen[id] {
			return fmt.Errorf("add %d: %w", id, ErrDuplicateID)
		}
		seen[id] = true
	}
	wheres := make([]uint32, len(ids))
	if x.file != nil {
		var err error
		if wheres, err = x.file.appendAll(ids, fps); err != nil {
			return fmt.Errorf("add %d records: %w", len(ids), err)
		}
	}
	for i, id := range ids {
		x.insert(id, &fps[i], wheres[i])
	}
	return nil
}

// insert puts a validated fingerprint into memory.
func (x *Index) insert(id int64, fp *Fingerprint, where uint32) {
	if fp.Kind == KindText {
		x.text.add(id, fp, where, x.rows)
	} else {
		x.image.add(id, fp, where)
	}
}

// records holds what records of both kinds share, in arrays indexed by a
// slot number: the caller's ID, the DNA and the record's place in the file.
// Slots of removed records are reused. Nothing refers to a free slot: the
// slot tables and multimaps drop it when the record is removed.
type records struct {
	ids   []int64
	dna   []DNA
	where []uint32 // offset in the file / 8; unused in memory
	free  []uint32
	byID  slotTable
	byDNA slotTable
	seed  uint64
}

func (r *records) init(seed uint64) {
	r.seed = seed
	r.byID = newSlotTable(func(s uint32) uint64 { return mix64(uint64(r.ids[s]) ^ r.seed) })
	r.byDNA = newSlotTable(func(s uint32) uint64 { return dnaHash(&r.dna[s], r.seed) })
}

// dnaHash keys the DNA's first 8 bytes with the table seed. SHA-256 output
// is uniform, but its low bits could be chosen by someone submitting many
// crafted records to make one probe run long; they cannot aim at a seed
// they do not know.
func dnaHash(d *DNA, seed uint64) uint64 {
	var v uint64
	for _, b := range d[:8] {
		v = v<<8 | uint64(b)
	}
	return mix64(v ^ seed)
}

// alloc takes a slot for a new record; the caller fills its kind's arrays
// at the returned slot, growing them when grow is set.
func (r *records) alloc(id int64, dna DNA, where uint32) (slot uint32, grow bool) {
	if n := len(r.free); n > 0 {
		slot = r.free[n-1]
		r.free = r.free[:n-1]
		r.ids[slot], r.dna[slot], r.where[slot] = id, dna, where
	} else {
		slot, grow = uint32(len(r.ids)), true
		r.ids = append(r.ids, id)
		r.dna = append(r.dna, dna)
		r.where = append(r.where, where)
	}
	r.byID.insert(slot)
	r.byDNA.insert(slot)
	return slot, grow
}

func (r *records) lookup(id int64) (uint32, bool) {
	return r.byID.find(mix64(uint64(id)^r.seed), func(s uint32) bool { return r.ids[s] == id })
}

// release frees a slot and forgets its ID and DNA.
func (r *records) release(slot uint32) {
	r.byID.delete(slot)
	r.byDNA.delete(slot)
	r.ids[slot], r.dna[slot], r.where[slot] = 0, DNA{}, 0
	r.free = append(r.free, slot)
}

// exact returns the slots whose DNA equals d.
func (r *records) exact(d *DNA) []uint32 {
	return r.byDNA.appendMatches(nil, dnaHash(d, r.seed), func(s uint32) bool { return r.dna[s] == *d })
}
