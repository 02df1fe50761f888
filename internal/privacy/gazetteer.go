package privacy

import (
	_ "embed"
	"strings"
	"sync"
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
)

// gazetteer maps a word (or a place of several words, space-separated) to
// its flags; maxPlaceWords bounds the words of a place name.
type gazetteer struct {
	words map[string]gaz
}

const maxPlaceWords = 4

var (
	gazOnce sync.Once
	gazData gazetteer
)

func gazetteers() *gazetteer {
	gazOnce.Do(func() {
		m := make(map[string]gaz, 230000)
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
					m[line[:k]] |= gPlaceHead
				}
				m[line] |= f
			}
		}
		load(givenData, gGiven)
		load(surnameData, gSurname)
		load(cityData, gPlace)
		load(countryData, gPlace)
		load(wordData, gWord)
		gazData = gazetteer{words: m}
	})
	return &gazData
}

// flags returns the flags of a word, looked up without the zero-width
// characters it may hold.
func (g *gazetteer) flags(w string) gaz {
	if f, ok := g.words[w]; ok || !hasZeroWidth(w) {
		return f
	}
	return g.words[strings.Map(func(r rune) rune {
		if zeroWidth(r) {
			return -1
		}
		return r
	}, w)]
}

func hasZeroWidth(w string) bool {
	for k := 0; k < len(w); k++ {
		if w[k] >= 0xC2 { // only a multi-byte character can be one
			return strings.IndexFunc(w[k:], zeroWidth) >= 0
		}
	}
	return false
}

// InGazetteer reports whether a name or place is in the shipped lists; the
// benchmark uses it to say how many of its fake values the lists contain.
func InGazetteer(name string) bool {
	return gazetteers().words[name]&(gGiven|gSurname|gPlace) != 0
}
