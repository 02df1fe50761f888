package behavior

import (
	"errors"
	"math"
	"testing"
	"time"
)

// byteReader hands out fuzz bytes, then zeros. A clean reader never makes
// an invalid value, so that half the inputs reach deep into the extractor
// instead of stopping at validation.
type byteReader struct {
	b     []byte
	clean bool
}

func (r *byteReader) next() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// coord turns a byte into a coordinate, now and then an awkward one.
func (r *byteReader) coord() float64 {
	c := r.next()
	if r.clean && c > 250 {
		c -= 10
	}
	switch c {
	case 255:
		return math.NaN()
	case 254:
		return math.Inf(1)
	case 253:
		return 1e300
	case 252:
		return -MaxCoordinate
	case 251:
		return math.Copysign(0, -1)
	default:
		return float64(c)*7.3 + float64(r.next())/256
	}
}

var fuzzKinds = []Kind{KindNavigate, KindClick, KindDoubleClick, KindKeyDown, KindKeyUp, KindInput, KindScroll, KindHover, "bogus"}
var fuzzKeys = []KeyClass{KeyChar, KeyBackspace, KeyDelete, KeyEnter, KeyTab, KeyArrow, KeyModifier, ""}

// decodeRecording builds an event sequence from arbitrary bytes: mostly
// valid (times move forward), with the odd backwards step, huge or
// non-finite value, duplicate timestamp or empty path.
func decodeRecording(data []byte) Recording {
	r := &byteReader{b: data}
	r.clean = r.next()%2 == 0
	pick := func(n int) int {
		c := int(r.next())
		if r.clean {
			return c % (n - 1) // never the invalid last entry
		}
		return c % n
	}
	rec := Recording{Viewport: Size{W: r.coord(), H: 720}}
	var t time.Duration
	for len(r.b) > 0 && len(rec.Events) < 400 {
		e := Event{Kind: fuzzKinds[pick(len(fuzzKinds))]}
		switch step := r.next(); {
		case step == 0: // same instant
		case step == 255:
			if !r.clean {
				t -= time.Millisecond // backwards
			}
		case step > 240:
			t += time.Duration(step) * time.Second
		default:
			t += time.Duration(step) * time.Duration(1+r.next()%16) * time.Millisecond
		}
		e.T = t
		e.Key = fuzzKeys[pick(len(fuzzKeys))]
		e.X, e.Y = r.coord(), r.coord()
		if c := r.next(); c%3 == 0 {
			e.Box = Rect{X: r.coord(), Y: r.coord(), W: float64(r.next()), H: float64(r.next())}
		}
		e.ScrollY = r.coord()
		if n := int(r.next() % 24); n > 0 {
			pt := e.T - time.Duration(n)*20*time.Millisecond
			for range n {
				pt += time.Duration(r.next()%40) * time.Millisecond
				if r.clean {
					pt = min(pt, e.T)
				}
				e.Path = append(e.Path, Point{T: max(pt, 0), X: r.coord(), Y: r.coord()})
			}
		}
		rec.Events = append(rec.Events, e)
	}
	return rec
}

func FuzzExtract(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 10, 3, 0, 100, 0, 50, 0, 0, 1, 0, 5, 10, 10, 20, 20, 30, 30, 40, 40, 50, 50})
	f.Add([]byte{3, 20, 1, 0, 1, 1, 1, 1, 3, 4, 20, 1, 1, 1, 1, 1, 1, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{6, 255, 3, 255, 254, 253, 252, 251, 0, 0, 0, 8, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{7, 200, 9, 5, 30, 30, 40, 40, 1, 1, 2, 2, 3, 3, 4, 12, 1, 1, 9, 9, 17, 17, 25, 25, 33, 33, 41, 41, 49, 49, 57, 57, 65, 65, 73, 73, 81, 81, 89, 89, 97, 97, 105, 105})
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := decodeRecording(data)
		feat, err := Extract(rec)
		res := Score(rec)
		if !finite(res.Human) || res.Human < 0 || res.Human > 1 {
			t.Fatalf("human score %v", res.Human)
		}
		switch res.Verdict {
		case VerdictHuman, VerdictReview, VerdictBot:
		default:
			t.Fatalf("verdict %q", res.Verdict)
		}
		if err != nil {
			if !errors.Is(err, ErrRange) && !errors.Is(err, ErrOrder) && !errors.Is(err, ErrKind) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps none of the package's errors", err)
			}
			if res.Verdict != VerdictReview || res.Human != 0 || len(res.Reasons) != 1 {
				t.Fatalf("invalid recording: %+v, want review with one reason", res)
			}
		} else {
			if msg := checkFinite(feat); msg != "" {
				t.Fatal(msg)
			}
			if res.Verdict != VerdictHuman && len(res.Reasons) == 0 {
				t.Fatalf("verdict %s without reasons", res.Verdict)
			}
		}
		// Split the sequence to compare it with a part of itself.
		half := Recording{Viewport: rec.Viewport, Events: rec.Events[:len(rec.Events)/2]}
		for _, s := range []float64{Similarity(rec, half), Similarity(half, rec), SamePerson(rec, []Recording{half, rec})} {
			if !finite(s) || s < 0 || s > 1 {
				t.Fatalf("similarity or same-person score %v", s)
			}
		}
		if best, sim := DetectCopy(rec, []Recording{half, rec}); best < -1 || best > 1 || !finite(sim) || sim < 0 || sim > 1 || (best == -1) != (sim == 0) {
			t.Fatalf("DetectCopy = %d, %v", best, sim)
		}
	})
}
