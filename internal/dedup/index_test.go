package dedup

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// synthText returns a text fingerprint with a random signature: the
// signature of a text unrelated to every other, without the cost of
// hashing one.
func synthText(rng *rand.Rand) Fingerprint {
	fp := Fingerprint{Kind: KindText, MinHash: new(Signature)}
	for i := range fp.MinHash {
		fp.MinHash[i] = rng.Uint32()
	}
	fillDNA(rng, &fp.DNA)
	return fp
}

// nearCopy returns a fingerprint whose signature agrees with fp's in a
// fraction j of positions, as that of a text at Jaccard similarity j
// would, with a new DNA.
func nearCopy(rng *rand.Rand, fp Fingerprint, j float64) Fingerprint {
	cp := fp
	cp.MinHash = new(Signature)
	*cp.MinHash = *fp.MinHash
	for _, i := range rng.Perm(SignatureSize)[:int(float64(SignatureSize)*(1-j)+0.5)] {
		cp.MinHash[i] = rng.Uint32()
	}
	fillDNA(rng, &cp.DNA)
	return cp
}

func synthImage(rng *rand.Rand) Fingerprint {
	fp := Fingerprint{Kind: KindImage, PHash: PHash(rng.Uint64())}
	fillDNA(rng, &fp.DNA)
	return fp
}

func fillDNA(rng *rand.Rand, d *DNA) {
	for i := range d {
		d[i] = byte(rng.Uint32())
	}
}

func ids(m []Match) []int64 {
	var out []int64
	for _, x := range m {
		out = append(out, x.ID)
	}
	return out
}

func mustNew(t testing.TB, opts Options) *Index {
	t.Helper()
	x, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestIndexScenario(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x := mustNew(t, Options{})
	text := FingerprintText("The quick brown fox jumps over the lazy dog, again and again, all day long.")
	img := synthImage(rng)
	near := img
	near.PHash ^= 0b1011 // three bits off
	fillDNA(rng, &near.DNA)
	far := img
	far.PHash ^= 0xFFF000 // twelve other bits off
	fillDNA(rng, &far.DNA)

	steps := []struct {
		name    string
		do      func() ([]Match, error)
		want    []int64
		wantErr error
		wantLen int
	}{
		{"add text", func() ([]Match, error) { return nil, x.Add(1, text) }, nil, nil, 1},
		{"add image", func() ([]Match, error) { return nil, x.Add(2, img) }, nil, nil, 2},
		{"id taken across kinds", func() ([]Match, error) { return nil, x.Add(1, img) }, nil, ErrDuplicateID, 2},
		{"unknown kind", func() ([]Match, error) { return nil, x.Add(3, Fingerprint{}) }, nil, ErrFingerprint, 2},
		{"image with signature", func() ([]Match, error) {
			bad := img
			bad.MinHash = text.MinHash
			return nil, x.Add(3, bad)
		}, nil, ErrFingerprint, 2},
		{"exact text", func() ([]Match, error) {
			return x.Query(FingerprintText("the QUICK brown fox jumps over the lazy dog, again and again, all day long.")), nil
		}, []int64{1}, nil, 2},
		{"near image", func() ([]Match, error) { return x.Query(near), nil }, []int64{2}, nil, 2},
		{"far image", func() ([]Match, error) { return x.Query(far), nil }, nil, nil, 2},
		{"copy refused", func() ([]Match, error) { return x.AddIfUnique(3, near) }, []int64{2}, nil, 2},
		{"new admitted", func() ([]Match, error) { return x.AddIfUnique(4, far) }, nil, nil, 3},
		{"erase the original", func() ([]Match, error) {
			n, err := x.Remove(2, 99)
			if n != 1 {
				t.Errorf("removed %d, want 1", n)
			}
			return nil, err
		}, nil, nil, 2},
		{"erased no longer blocks", func() ([]Match, error) { return x.AddIfUnique(3, near) }, nil, nil, 3},
		{"slot reused, old hash gone", func() ([]Match, error) { return x.Query(img), nil }, []int64{3}, nil, 3},
	}
	for _, s := range steps {
		m, err := s.do()
		if !errors.Is(err, s.wantErr) {
			t.Fatalf("%s: error %v, want %v", s.name, err, s.wantErr)
		}
		if got := ids(m); !slices.Equal(got, s.want) {
			t.Fatalf("%s: matches %v, want %v", s.name, m, s.want)
		}
		if x.Len() != s.wantLen {
			t.Fatalf("%s: Len %d, want %d", s.name, x.Len(), s.wantLen)
		}
	}
	if got := x.IDs(); !slices.Equal(got, []int64{1, 3, 4}) {
		t.Errorf("IDs %v, want [1 3 4]", got)
	}
}

func TestQueryOrderAndSimilarity(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	x := mustNew(t, Options{})
	base := synthText(rng)
	for id, j := range map[int64]float64{10: 0.85, 11: 0.95, 12: 1, 13: 0.3} {
		if err := x.Add(id, nearCopy(rng, base, j)); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Add(14, base); err != nil {
		t.Fatal(err)
	}
	m := x.Query(base)
	if got := ids(m); !slices.Equal(got, []int64{14, 12, 11, 10}) {
		t.Fatalf("order %v, want exact 14 then 12, 11, 10 by similarity: %+v", got, m)
	}
	if !m[0].Exact || m[1].Exact || m[1].Similarity < 0.95 || m[3].Similarity < 0.75 || m[3].Similarity > 0.95 {
		t.Errorf("similarities %+v", m)
	}
}

// TestIndexAgainstLinearScan checks the index, through many additions,
// removals and slot reuses, against the plain definition: a linear scan
// over every stored fingerprint.
func TestIndexAgainstLinearScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	x := mustNew(t, Options{})
	stored := map[int64]Fingerprint{}
	var all []Fingerprint
	next := int64(0)
	for round := range 6 {
		for range 1500 {
			var fp Fingerprint
			switch r := rng.IntN(10); {
			case r < 3 && len(all) > 0: // a near copy of something seen
				src := all[rng.IntN(len(all))]
				if src.Kind == KindText {
					fp = nearCopy(rng, src, 0.7+0.3*rng.Float64())
				} else {
					fp = src
					fp.PHash ^= PHash(rng.Uint64() & rng.Uint64() & rng.Uint64())
					fillDNA(rng, &fp.DNA)
				}
			case r < 6:
				fp = synthImage(rng)
			default:
				fp = synthText(rng)
			}
			all = append(all, fp)
			if err := x.Add(next, fp); err != nil {
				t.Fatal(err)
			}
			stored[next] = fp
			next++
		}
		var gone []int64
		for id := range stored {
			if rng.IntN(3) == 0 {
				gone = append(gone, id)
			}
		}
		if n, err := x.Remove(gone...); err != nil || n != len(gone) {
			t.Fatalf("round %d: removed %d of %d: %v", round, n, len(gone), err)
		}
		for _, id := range gone {
			delete(stored, id)
		}
		if x.Len() != len(stored) {
			t.Fatalf("round %d: Len %d, want %d", round, x.Len(), len(stored))
		}
		checkIndex(t, x)
		for q := range 300 {
			fp := all[rng.IntN(len(all))]
			got := ids(x.Query(fp))
			var want []int64
			for id, s := range stored {
				if s.Kind != fp.Kind {
					continue
				}
				if s.DNA == fp.DNA ||
					(fp.Kind == KindImage && s.PHash.Distance(fp.PHash) <= DefaultMaxDistance) ||
					(fp.Kind == KindText && sketchJaccard(ptr(sketchOf(s.MinHash)), ptr(sketchOf(fp.MinHash))) >= DefaultJaccard) {
					want = append(want, id)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			// LSH may miss a text pair near the threshold; it must never
			// report one the scan does not, nor miss an image or exact one.
			missed := 0
			for _, id := range want {
				if !slices.Contains(got, id) {
					missed++
					if fp.Kind == KindImage || stored[id].DNA == fp.DNA {
						t.Fatalf("round %d query %d: missed %d (got %v, want %v)", round, q, id, got, want)
					}
				}
			}
			if len(got)+missed != len(want) {
				t.Fatalf("round %d query %d: got %v, want %v", round, q, got, want)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestOptions(t *testing.T) {
	tests := []struct {
		opts    Options
		wantErr bool
		rows    int
	}{
		{Options{}, false, 7},
		{Options{Jaccard: 0.5}, false, 2},
		{Options{Jaccard: 0.7}, false, 4},
		{Options{Jaccard: 0.9}, false, 8},
		{Options{Jaccard: 1}, false, 8},
		{Options{Jaccard: 0.49}, true, 0},
		{Options{Jaccard: 1.01}, true, 0},
		{Options{MaxDistance: 20}, false, 7},
		{Options{MaxDistance: 21}, true, 0},
		{Options{MaxDistance: -1}, true, 0},
	}
	for _, tt := range tests {
		x, err := New(tt.opts)
		if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrOptions)) {
			t.Errorf("New(%+v): error %v, want error %v", tt.opts, err, tt.wantErr)
			continue
		}
		if err == nil && x.rows != tt.rows {
			t.Errorf("New(%+v): %d rows per band, want %d", tt.opts, x.rows, tt.rows)
		}
	}
}

func TestSCurve(t *testing.T) {
	// The chosen banding for 0.8 keeps recall at and above the threshold
	// and makes dissimilar pairs rare candidates.
	r := rowsFor(0.8)
	for _, c := range []struct{ j, lo, hi float64 }{
		{0.8, 0.95, 1}, {0.9, 0.9999, 1}, {0.5, 0, 0.12}, {0.2, 0, 0.0003},
	} {
		if p := candidateProbability(c.j, bands, r); p < c.lo || p > c.hi {
			t.Errorf("P(candidate | J=%.1f) = %.5f, want in [%v, %v]", c.j, p, c.lo, c.hi)
		}
	}
}

// TestAddIfUniqueConcurrent submits one record from many goroutines at
// once: exactly one copy may get in.
func TestAddIfUniqueConcurrent(t *testing.T) {
	x := mustNew(t, Options{})
	fp := FingerprintText("the same contribution, sent by several members at the same moment")
	const n = 16
	added := make(chan bool, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			m, err := x.AddIfUnique(int64(i), fp)
			if err != nil {
				t.Error(err)
			}
			x.Query(fp)
			added <- len(m) == 0
		}()
	}
	close(start)
	count := 0
	for range n {
		if <-added {
			count++
		}
	}
	if count != 1 || x.Len() != 1 {
		t.Errorf("%d of %d concurrent copies admitted, index holds %d", count, n, x.Len())
	}
}
