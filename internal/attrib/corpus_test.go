package attrib

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
)

// wordSalad generates text that looks like a datanet of short documents
// written by many people about a few topics: a Zipf-distributed vocabulary
// of made-up words (some with accents and CJK characters, so that spans must
// respect multi-byte characters), strung together by a first-order Markov
// chain in which each word has a handful of favourite successors. Phrases
// therefore repeat across records at every length, as they do in real
// corpora, and most long spans are rare.
type wordSalad struct {
	r     *rand.Rand
	words []string
	next  [][]int // favourite successors of each word
	zipf  *rand.Zipf
}

func newWordSalad(seed uint64, vocabulary int) *wordSalad {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	syllables := []string{
		"ka", "lo", "mi", "ne", "ru", "ta", "ve", "zo", "ba", "di", "fu", "ge",
		"hi", "jo", "pe", "qu", "sa", "wi", "xe", "yu", "an", "el", "is", "or",
		"gä", "bü", "çe", "ñø", "東", "京", "語",
	}
	w := &wordSalad{r: r, words: make([]string, vocabulary), next: make([][]int, vocabulary)}
	seen := map[string]bool{}
	for i := range w.words {
		for {
			var b strings.Builder
			for range 1 + r.IntN(4) {
				b.WriteString(syllables[r.IntN(len(syllables))])
			}
			if s := b.String(); !seen[s] {
				seen[s] = true
				w.words[i] = s
				break
			}
		}
	}
	w.zipf = rand.NewZipf(r, 1.1, 1, uint64(vocabulary-1))
	for i := range w.next {
		w.next[i] = make([]int, 3+r.IntN(6))
		for j := range w.next[i] {
			w.next[i][j] = int(w.zipf.Uint64())
		}
	}
	return w
}

// appendWords appends n words to b, each followed by a space or punctuation.
func (w *wordSalad) appendWords(b []byte, n int) []byte {
	cur := int(w.zipf.Uint64())
	for i := range n {
		b = append(b, w.words[cur]...)
		switch x := w.r.IntN(20); {
		case x == 0 && i < n-1:
			b = append(b, ", "...)
		case x == 1 || i == n-1:
			b = append(b, ". "...)
		default:
			b = append(b, ' ')
		}
		if w.r.IntN(5) == 0 {
			cur = int(w.zipf.Uint64()) // jump, so that chains do not loop forever
		} else {
			succ := w.next[cur]
			cur = succ[w.r.IntN(len(succ))]
		}
	}
	return b
}

// records generates records of about size bytes in total, each of
// minWords to maxWords words, with ids "doc-0", "doc-1", ….
func (w *wordSalad) records(size, minWords, maxWords int) []Record {
	var rs []Record
	total := 0
	var b []byte
	for total < size {
		b = w.appendWords(b[:0], minWords+w.r.IntN(maxWords-minWords+1))
		rs = append(rs, Record{ID: fmt.Sprintf("doc-%d", len(rs)), Text: string(b)})
		total += len(b) + 1
	}
	return rs
}

// output imitates a model's answer of about tokens words: stretches copied
// from random records (5 to 40 words, as a model reproduces memorised text)
// alternating with freshly generated words.
func (w *wordSalad) output(rs []Record, tokens int) string {
	var b []byte
	for n := 0; n < tokens; {
		if w.r.IntN(2) == 0 {
			fields := strings.Fields(rs[w.r.IntN(len(rs))].Text)
			k := min(len(fields), 5+w.r.IntN(36))
			start := w.r.IntN(len(fields) - k + 1)
			for _, f := range fields[start : start+k] {
				b = append(b, f...)
				b = append(b, ' ')
			}
			n += k
		} else {
			k := 3 + w.r.IntN(20)
			b = w.appendWords(b, k)
			n += k
		}
	}
	return string(b)
}

// stream yields generated records of about size bytes in total without
// keeping them, and keeps every keepEvery-th record in kept, as material
// for outputs that quote the corpus.
func (w *wordSalad) stream(size, minWords, maxWords, keepEvery int, kept *[]Record) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		total := 0
		var b []byte
		for i := 0; total < size; i++ {
			b = w.appendWords(b[:0], minWords+w.r.IntN(maxWords-minWords+1))
			rec := Record{ID: fmt.Sprintf("doc-%d", i), Text: string(b)}
			total += len(b) + 1
			if i%keepEvery == 0 {
				*kept = append(*kept, rec)
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}
