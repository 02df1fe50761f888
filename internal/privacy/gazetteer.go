package privacy

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Gazetteers: lists of given names, surnames, cities and countries shipped
// with the package (data/README.md names their sources and licences). They
// are parsed on the first scan, not at init, so that a program that never
// scans pays nothing, and the WebAssembly build starts fast.
//
// A fifth list holds ordinary English and German words as they are written
// capitalised ("House", "Haus", "Kuchen"): a name that is also a word
// ("Will", "Rose", "Essen") wants more evidence than one that is not, and
// a capitalised word in no list may be a name no list knows.

var (
	//go:embed data/given.txt
	givenData string
	//go:embed data/surnames.txt
	surnameData string
	//go:embed data/cities.txt
	cityData string
	//go:embed data/countries.txt
	countryData string
	//go:embed data/words.txt
	wordData string
)

// gaz is a set of flags per word or place name.
type gaz uint16

const (
	gGiven     gaz = 1 << iota
	gSurname       // humannames' list without the given names
	gPlace         // a city, region or country of one word, or the whole of a longer one
	gPlaceHead     // the first word of a place of several words
	gWord          // an ordinary word
	// The small word sets the run reader asks about, folded into the same
	// table so that a word costs one lookup.
	gStop       // ends a run: notNames, calendarWords, a keyword that starts another detector
	gOrgWord    // orgWords
	gOrgLegal   // orgLegal
	gStreetWord // englishSuffixes
)

// gazetteer maps a word (or a place of several words, space-separated) to
// its flags. It is an open-addressing hash table of 64-bit slots, each the
// top 48 bits of the word's FNV-1a hash and 16 bits of flags: 8 MB without
// a pointer for the garbage collector to scan, one cache line per lookup,
// and no comparison of the word's bytes. Two words share a slot only if
// their 48-bit hashes collide, about once in 10^9 lookups at this size.
type gazetteer struct {
	slots []uint64
	mask  uint64
}

const (
	flagBits = 16
	flagMask = 1<<flagBits - 1
	// maxPlaceWords bounds the words of a place name.
	maxPlaceWords = 4
)

var (
	gazOnce sync.Once
	gazData gazetteer
)

func gazetteers() *gazetteer {
	gazOnce.Do(func() {
		lines := 0
		for _, d := range []string{givenData, surnameData, cityData, countryData, wordData} {
			lines += strings.Count(d, "\n")
		}
		size := 1
		for size < lines*3/2 { // at most two thirds full
			size <<= 1
		}
		g := gazetteer{slots: make([]uint64, size), mask: uint64(size - 1)}
		load := func(data string, f gaz) {
			for len(data) > 0 {
				line := data
				if k := strings.IndexByte(data, '\n'); k >= 0 {
					line, data = data[:k], data[k+1:]
				} else {
					data = ""
				}
				if line == "" {
					continue
				}
				if k := strings.IndexByte(line, ' '); k > 0 && f == gPlace {
					g.add(line[:k], gPlaceHead)
				}
				g.add(line, f)
			}
		}
		load(givenData, gGiven)
		load(surnameData, gSurname)
		load(cityData, gPlace)
		load(countryData, gPlace)
		load(wordData, gWord)
		for _, set := range []struct {
			words map[string]bool
			f     gaz
		}{{notNames, gStop}, {calendarWords, gStop}, {orgWords, gOrgWord}, {orgLegal, gOrgLegal}, {englishSuffixes, gStreetWord}} {
			for w := range set.words {
				g.add(w, set.f)
			}
		}
		for w, kw := range keywords {
			switch kw.trig {
			case trigNone, trigStreet, trigPass, trigLocation, trigMonth:
			default:
				// The table holds keywords in lower case; a run meets them
				// capitalised ("Dear", "Herr", "Gruß").
				r, size := utf8.DecodeRuneInString(w)
				g.add(string(unicode.ToUpper(r))+w[size:], gStop)
			}
		}
		gazData = g
	})
	return &gazData
}

// hashWord is the 64-bit FNV-1a hash of w without its zero-width
// characters, so that "An\u200bna" is looked up as "Anna".
func hashWord(w string) uint64 {
	h := uint64(14695981039346656037)
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= 0xC2 {
			if n := zeroWidthLen(w[k:]); n > 0 {
				k += n - 1
				continue
			}
		}
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// zeroWidthLen returns the length of the zero-width character that w
// starts with, or 0.
func zeroWidthLen(w string) int {
	switch {
	case strings.HasPrefix(w, "\u00ad"):
		return 2
	case strings.HasPrefix(w, "\u200b"), strings.HasPrefix(w, "\u200c"), strings.HasPrefix(w, "\u200d"),
		strings.HasPrefix(w, "\u2060"), strings.HasPrefix(w, "\ufeff"):
		return 3
	}
	return 0
}

// slotKey is the part of a word's hash a slot keeps; never 0, which marks
// an empty slot.
func slotKey(w string) uint64 {
	if key := hashWord(w) &^ flagMask; key != 0 {
		return key
	}
	return 1 << flagBits
}

func (g *gazetteer) add(w string, f gaz) {
	key := slotKey(w)
	for i := key >> flagBits & g.mask; ; i = (i + 1) & g.mask {
		switch s := g.slots[i]; {
		case s == 0:
			g.slots[i] = key | uint64(f)
			return
		case s&^flagMask == key:
			g.slots[i] = s | uint64(f)
			return
		}
	}
}

// flags returns the flags of a word, looked up without the zero-width
// characters it may hold.
func (g *gazetteer) flags(w string) gaz {
	key := slotKey(w)
	for i := key >> flagBits & g.mask; ; i = (i + 1) & g.mask {
		switch s := g.slots[i]; {
		case s == 0:
			return 0
		case s&^flagMask == key:
			return gaz(s & flagMask)
		}
	}
}

// InGazetteer reports whether a name or place is in the shipped lists; the
// benchmark uses it to say how many of its fake values the lists contain.
func InGazetteer(name string) bool {
	return gazetteers().flags(name)&(gGiven|gSurname|gPlace) != 0
}
