package model

import (
	"math"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
)

// The contribution measure (docs/attribution.md, "Assistants over a
// datanet"): how much each record an assistant drew on contributed to its
// answer, when the answer need not repeat any record word for word. It
// has two terms.
//
//  1. Sentence credit, in the manner of ROUGE (C.-Y. Lin, "ROUGE: A
//     Package for Automatic Evaluation of Summaries", 2004) and of
//     sentence-level source attribution: each sentence of the answer is
//     compared with every record by
//     sim = ½·(ROUGE-1 + ROUGE-2 recall over stemmed content words)
//     + ½·(recall of the sentence's character 4-grams, stop words left
//     out), so that a paraphrase — other word forms, other order, a few
//     words changed — still matches its source. The sentence goes to its
//     best-matching record when sim ≥ SentenceThreshold (ties within
//     0.02 share it), worth sim times the sentence's share of the
//     answer's content words.
//  2. Leave-one-out retrieval relevance: the answer is scored as a BM25
//     query against the records (idf over the records, k1 = 1.2,
//     b = 0.75), a word counting for the record that matches it best;
//     a record's term is how much that score drops when the record is
//     left out — the part of the answer only it supplies — as a share of
//     the most the answer's words could score. It counts from
//     LeaveOneOutThreshold, so that a stray shared word pays nothing.
//
// A record's weight is its sentence credit plus half its leave-one-out
// term; a record with neither pays nothing. Cost: one pass over each
// record's text and the answer's, then one set lookup per answer n-gram
// per record: O(answer × records) with at most MaxContextRecords +
// payCandidates records of at most datanet.MaxTextChars each.
const (
	SentenceThreshold    = 0.3
	LeaveOneOutThreshold = 0.1
	sentenceTie          = 0.02
	charGram             = 4
	bm25K1, bm25B        = 1.2, 0.75
)

var (
	stemmer = mustAnalyzer(en.AnalyzerName)
	plain   = mustAnalyzer(standard.Name)
)

func mustAnalyzer(name string) analysis.Analyzer {
	a, err := registry.NewCache().AnalyzerNamed(name)
	if err != nil {
		panic(err)
	}
	return a
}

// features are what the measure compares of a text.
type features struct {
	stems   []string            // stemmed content words, in order
	tf      map[string]int      // stem → count
	bigrams map[string]struct{} // adjacent stems
	grams   map[string]struct{} // character 4-grams of the content words
}

func featuresOf(text string) features {
	f := features{tf: map[string]int{}, bigrams: map[string]struct{}{}, grams: map[string]struct{}{}}
	for _, tok := range stemmer.Analyze([]byte(text)) {
		if w := string(tok.Term); w != "" {
			f.stems = append(f.stems, w)
			f.tf[w]++
		}
	}
	for i := 1; i < len(f.stems); i++ {
		f.bigrams[f.stems[i-1]+" "+f.stems[i]] = struct{}{}
	}
	var words []string
	for _, tok := range plain.Analyze([]byte(text)) {
		words = append(words, string(tok.Term))
	}
	r := []rune(" " + strings.Join(words, " ") + " ")
	for i := 0; i+charGram <= len(r); i++ {
		f.grams[string(r[i:i+charGram])] = struct{}{}
	}
	return f
}

// sentences splits an answer after ., !, ? or a line break followed by
// white space (or the end).
func sentences(text string) []string {
	var out []string
	r := []rune(text)
	start := 0
	for i, c := range r {
		end := c == '\n' || ((c == '.' || c == '!' || c == '?') && (i+1 == len(r) || unicode.IsSpace(r[i+1])))
		if end {
			if s := strings.TrimSpace(string(r[start : i+1])); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(string(r[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// similarity is the sentence credit's sim of a sentence s to a record t.
func similarity(s, t features) float64 {
	uni := make(map[string]struct{}, len(s.tf))
	for w := range s.tf {
		uni[w] = struct{}{}
	}
	words := float64(len(uni) + len(s.bigrams))
	if words == 0 || len(s.grams) == 0 {
		return 0
	}
	hits := 0
	for w := range uni {
		if t.tf[w] > 0 {
			hits++
		}
	}
	for b := range s.bigrams {
		if _, ok := t.bigrams[b]; ok {
			hits++
		}
	}
	grams := 0
	for g := range s.grams {
		if _, ok := t.grams[g]; ok {
			grams++
		}
	}
	return (float64(hits)/words + float64(grams)/float64(len(s.grams))) / 2
}

// Contributions returns each record's weight in the answer by the measure
// above, in the order of records; all zero when the answer owes them
// nothing.
func Contributions(answer string, records []string) []float64 {
	w := make([]float64, len(records))
	if len(records) == 0 {
		return w
	}
	recs := make([]features, len(records))
	for i, t := range records {
		recs[i] = featuresOf(t)
	}
	all := featuresOf(answer)
	if len(all.stems) == 0 {
		return w
	}
	// 1. Sentence credit.
	for _, sent := range sentences(answer) {
		sf := featuresOf(sent)
		if len(sf.stems) == 0 {
			continue
		}
		sims := make([]float64, len(recs))
		best := 0.0
		for i, r := range recs {
			sims[i] = similarity(sf, r)
			best = max(best, sims[i])
		}
		if best < SentenceThreshold {
			continue
		}
		var ties []int
		for i, s := range sims {
			if s >= best-sentenceTie {
				ties = append(ties, i)
			}
		}
		share := best * float64(len(sf.stems)) / float64(len(all.stems))
		for _, i := range ties {
			w[i] += share / float64(len(ties))
		}
	}
	// 2. Leave-one-out retrieval relevance.
	for i, l := range leaveOneOut(all, recs) {
		if l >= LeaveOneOutThreshold {
			w[i] += l / 2
		}
	}
	return w
}

// leaveOneOut returns, per record, the share of the answer's BM25
// relevance mass that is lost when the record is left out.
func leaveOneOut(answer features, recs []features) []float64 {
	n := float64(len(recs))
	avg := 0.0
	for _, r := range recs {
		avg += float64(len(r.stems))
	}
	avg = max(avg/n, 1)
	out := make([]float64, len(recs))
	most := 0.0
	for t := range answer.tf {
		df := 0.0
		for _, r := range recs {
			if r.tf[t] > 0 {
				df++
			}
		}
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		// The most a word can score: its idf as if no record had it,
		// times the limit of BM25's saturation.
		most += math.Log(1+(n+0.5)/0.5) * (bm25K1 + 1)
		first, second, at := 0.0, 0.0, -1
		for i, r := range recs {
			tf := float64(r.tf[t])
			if tf == 0 {
				continue
			}
			sc := idf * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*float64(len(r.stems))/avg))
			switch {
			case sc > first:
				first, second, at = sc, first, i
			case sc > second:
				second = sc
			}
		}
		if at >= 0 {
			out[at] += first - second
		}
	}
	for i := range out {
		out[i] /= most
	}
	return out
}
