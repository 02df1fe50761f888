// Package search ranks records for a query with Okapi BM25 (S. Robertson
// and H. Zaragoza, "The Probabilistic Relevance Framework: BM25 and
// Beyond", Foundations and Trends in Information Retrieval 3(4), 2009),
// with k1 = 1.2, b = 0.75 and the always-positive idf of Lucene,
// ln(1 + (N − df + 0.5)/(df + 0.5)).
//
// The index lives in memory only, on purpose: a search index on disk keeps
// the words of a deleted record in its files (a term dictionary, stored
// fields) until a merge rewrites them, which for an erased contribution is
// a copy of what the member asked to erase. Here [Index.Remove] takes a
// record's postings out at once, and a word that no live record uses any
// more leaves the dictionary with it. The price is a rebuild from the
// sealed records after every start.
//
// Text is split into words as bleve's standard analyzer does (Unicode word
// boundaries, lower case, English stop words dropped), so queries match as
// they did when the index was a bleve index.
package search

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/registry"
)

// BM25's free parameters, the usual values.
const (
	k1 = 1.2
	b  = 0.75
)

// A Hit is a record that matches a query, and its BM25 score (positive).
type Hit struct {
	ID    string
	Score float64
}

// An Index is an in-memory BM25 index of records' text, safe for
// concurrent use.
type Index struct {
	mu       sync.RWMutex
	terms    map[string]uint32 // word → term number
	words    []string          // term number → word ("" when free)
	postings [][]posting       // term number → postings, by document number
	free     []uint32          // term numbers to reuse
	docs     []doc             // by document number; removed ones are zero
	byID     map[string]uint32 // record id → document number
	totalLen int64             // words in live documents
}

type posting struct {
	doc uint32
	tf  uint32
}

type doc struct {
	id     string
	length uint32   // words, stop words excluded
	terms  []uint32 // distinct term numbers, to remove the postings
}

// New returns an empty index.
func New() *Index {
	return &Index{terms: map[string]uint32{}, byID: map[string]uint32{}}
}

var analyzer = func() analysis.Analyzer {
	a, err := registry.NewCache().AnalyzerNamed(standard.Name)
	if err != nil {
		panic(err)
	}
	return a
}()

// words returns the distinct words of text and how often each occurs, in
// order of first occurrence, and the number of words in all.
func words(text string) (distinct []string, tf map[string]uint32, n int) {
	tf = map[string]uint32{}
	for _, tok := range analyzer.Analyze([]byte(text)) {
		w := string(tok.Term)
		if w == "" {
			continue
		}
		if tf[w] == 0 {
			distinct = append(distinct, w)
		}
		tf[w]++
		n++
	}
	return distinct, tf, n
}

// Len is the number of records in the index.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byID)
}

// Add indexes a record's text, replacing what the index held for its id.
func (x *Index) Add(id, text string) {
	distinct, tf, n := words(text)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
	if len(x.docs) == math.MaxUint32 {
		panic("search: more than 2³² records added to one index")
	}
	num := uint32(len(x.docs))
	d := doc{id: id, length: uint32(min(n, math.MaxUint32)), terms: make([]uint32, 0, len(distinct))}
	for _, w := range distinct {
		t, ok := x.terms[w]
		if !ok {
			if k := len(x.free); k > 0 {
				t, x.free = x.free[k-1], x.free[:k-1]
				x.words[t] = w
			} else {
				t = uint32(len(x.words))
				x.words = append(x.words, w)
				x.postings = append(x.postings, nil)
			}
			x.terms[w] = t
		}
		// Document numbers only grow, so every postings list stays sorted.
		x.postings[t] = append(x.postings[t], posting{doc: num, tf: tf[w]})
		d.terms = append(d.terms, t)
	}
	x.docs = append(x.docs, d)
	x.byID[id] = num
	x.totalLen += int64(d.length)
}

// Remove takes the records with the given ids out of the index — their
// postings at once, and every word no other record uses — and returns how
// many it held.
func (x *Index) Remove(ids ...string) int {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := 0
	for _, id := range ids {
		if x.remove(id) {
			n++
		}
	}
	return n
}

func (x *Index) remove(id string) bool {
	num, ok := x.byID[id]
	if !ok {
		return false
	}
	d := x.docs[num]
	for _, t := range d.terms {
		ps := x.postings[t]
		if k, found := slices.BinarySearchFunc(ps, num, func(p posting, n uint32) int { return cmp.Compare(p.doc, n) }); found {
			ps = slices.Delete(ps, k, k+1)
		}
		if len(ps) == 0 {
			delete(x.terms, x.words[t])
			x.words[t] = ""
			x.free = append(x.free, t)
			ps = nil
		}
		x.postings[t] = ps
	}
	x.totalLen -= int64(d.length)
	x.docs[num] = doc{}
	delete(x.byID, id)
	return true
}

// Search returns the k records that score highest for the query, best
// first (equal scores by id). Records that share no word with the query
// are not returned.
func (x *Index) Search(query string, k int) []Hit {
	distinct, _, _ := words(query)
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := len(x.byID)
	if n == 0 || k <= 0 {
		return nil
	}
	avg := float64(x.totalLen) / float64(n)
	if avg == 0 {
		avg = 1
	}
	scores := map[uint32]float64{}
	for _, w := range distinct {
		t, ok := x.terms[w]
		if !ok {
			continue
		}
		ps := x.postings[t]
		df := float64(len(ps))
		idf := math.Log(1 + (float64(n)-df+0.5)/(df+0.5))
		for _, p := range ps {
			tf := float64(p.tf)
			norm := k1 * (1 - b + b*float64(x.docs[p.doc].length)/avg)
			scores[p.doc] += idf * tf * (k1 + 1) / (tf + norm)
		}
	}
	if len(scores) == 0 {
		return nil
	}
	hits := make([]Hit, 0, len(scores))
	for num, s := range scores {
		hits = append(hits, Hit{ID: x.docs[num].id, Score: s})
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return hits[:min(k, len(hits))]
}
