package dedup

import (
	"math/rand/v2"
	"strings"
)

// corpus generates pseudo-English texts for the near-duplicate tests and
// benchmarks: made-up words drawn with Zipf frequencies, as in natural
// language, from a shared vocabulary (whose most frequent words play the
// part of "the", "of", "and") mixed with a topic's own vocabulary, so that
// texts on the same topic share words and many shingles by chance, which is
// what makes "unrelated text on the same topic" a fair test.
type corpus struct {
	rng    *rand.Rand
	common []string
	topics [][]string
	zc     *rand.Zipf
	zt     *rand.Zipf
}

func newCorpus(seed uint64, topics int) *corpus {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	c := &corpus{rng: rng}
	c.common = c.words(4000)
	for range topics {
		c.topics = append(c.topics, c.words(400))
	}
	c.zc = rand.NewZipf(rng, 1.1, 2, uint64(len(c.common)-1))
	c.zt = rand.NewZipf(rng, 1.1, 2, 399)
	return c
}

var (
	onsets = []string{"b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "br", "ch", "th", "sh", ""}
	nuclei = []string{"a", "e", "i", "o", "u", "ai", "ea", "ou", "y"}
	codas  = []string{"", "", "", "n", "r", "s", "t", "l", "nd", "ck"}
)

func (c *corpus) words(n int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 1 + c.rng.IntN(3) {
			b.WriteString(onsets[c.rng.IntN(len(onsets))])
			b.WriteString(nuclei[c.rng.IntN(len(nuclei))])
			b.WriteString(codas[c.rng.IntN(len(codas))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// word draws one word of topic t: a third of the words are the topic's.
func (c *corpus) word(t int) string {
	if c.rng.IntN(3) == 0 {
		return c.topics[t][c.zt.Uint64()]
	}
	return c.common[c.zc.Uint64()]
}

// text returns n words of topic t.
func (c *corpus) text(t, n int) []string {
	w := make([]string, n)
	for i := range w {
		w[i] = c.word(t)
	}
	return w
}

// edit returns a copy of words with k edits, each replacing a word, adding
// one or deleting one, at random places.
func (c *corpus) edit(words []string, t, k int) []string {
	out := append([]string(nil), words...)
	for range k {
		i := c.rng.IntN(len(out))
		switch c.rng.IntN(3) {
		case 0:
			out[i] = c.word(t)
		case 1:
			out = append(out[:i], append([]string{c.word(t)}, out[i:]...)...)
		default:
			out = append(out[:i], out[i+1:]...)
		}
	}
	return out
}

func join(words []string) string { return strings.Join(words, " ") }
