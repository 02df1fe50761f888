package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/classify"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// These tests cover the command line of train, predict and explain; the
// learning itself is tested in internal/classify.

// classifyRecords writes n labelled records in two topics whose words do
// not overlap, so any working classifier gets them right.
func classifyRecords(n int) string {
	topics := map[string][]string{
		"garden": {"tomato", "seedlings", "compost", "watering", "soil", "harvest", "weeds", "pruning"},
		"bike":   {"chain", "brakes", "tyre", "puncture", "saddle", "gears", "spokes", "pedals"},
	}
	var b strings.Builder
	for i := range n {
		label := "garden"
		if i%2 == 1 {
			label = "bike"
		}
		w := topics[label]
		text := fmt.Sprintf("my %s and the %s need %s, also %s", w[i%8], w[(i/2+3)%8], w[(i/3+5)%8], w[(i+1)%8])
		fmt.Fprintf(&b, `{"id":"rec-%03d","text":%q,"topic":%q,"label":%q}`+"\n", i, text, label, label)
	}
	return b.String()
}

func runCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return out.String(), errOut.String(), code
}

func TestTrainPredictExplain(t *testing.T) {
	data := writeFile(t, "records.jsonl", classifyRecords(80))
	for _, kind := range []string{"linear", "knn"} {
		t.Run(kind, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "model")
			out, stderr, code := runCmd(t, "", "train", "--data", data, "--kind", kind, "--label", "topic", "--held-out", "0.25", "--out", dir, "--buckets", "65536")
			if code != 0 {
				t.Fatalf("train exit %d: %s", code, stderr)
			}
			last := map[string]string{"linear": "epoch 20/20", "knn": "epoch 1/1"}[kind]
			if !strings.Contains(out, last) || !strings.Contains(out, "held-out accuracy 1.0000") {
				t.Fatalf("train printed:\n%s", out)
			}
			var c card
			doc, err := os.ReadFile(filepath.Join(dir, cardFile))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(doc, &c); err != nil {
				t.Fatal(err)
			}
			if c.Kind != kind || c.Metrics.Accuracy != 1 || c.Metrics.Train+c.Metrics.HeldOut != 80 || c.Metrics.HeldOut == 0 ||
				c.CommitmentRecords != c.Metrics.Train || len(c.Commitment) != 64 || c.Params.LabelField != "topic" {
				t.Fatalf("card %s", doc)
			}
			checkCommitment(t, data, dir, c)

			out, stderr, code = runCmd(t, `{"id":"q1","text":"a puncture in the tyre and squeaky brakes"}`+"\n"+`{"id":"q2","text":"tomato seedlings want compost"}`,
				"predict", "--model", dir)
			if code != 0 {
				t.Fatalf("predict exit %d: %s", code, stderr)
			}
			var preds []prediction
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				var p prediction
				if err := json.Unmarshal([]byte(line), &p); err != nil {
					t.Fatalf("predict line %q: %v", line, err)
				}
				preds = append(preds, p)
			}
			if len(preds) != 2 || preds[0] != (prediction{"q1", "bike", preds[0].Score}) || preds[1].Label != "garden" || preds[0].Score <= 0.5 {
				t.Fatalf("predictions %+v", preds)
			}

			queries := writeFile(t, "q.jsonl", `{"id":"q1","text":"puncture in the tyre"}`)
			out, stderr, code = runCmd(t, "", "explain", "--model", dir, "--data", queries, "--top", "3")
			if code != 0 {
				t.Fatalf("explain exit %d: %s", code, stderr)
			}
			var e explanation
			if err := json.Unmarshal([]byte(out), &e); err != nil {
				t.Fatalf("explain printed %q: %v", out, err)
			}
			if e.ID != "q1" || e.Label != "bike" || len(e.Influences) != 3 {
				t.Fatalf("explanation %+v", e)
			}
			shares := 0.0
			for _, x := range e.Influences {
				if x.Label != "bike" || x.Weight <= 0 || !strings.HasPrefix(x.ID, "rec-") {
					t.Fatalf("influence %+v: the strongest influences on a bike question are bike records", x)
				}
				shares += x.Share
			}
			if math.Abs(shares-1) > 1e-9 {
				t.Fatalf("shares sum to %v", shares)
			}
		})
	}
}

// checkCommitment recomputes the card's commitment from the records the
// model holds and proves one record's inclusion with the log's own tools.
func checkCommitment(t *testing.T, data, dir string, c card) {
	t.Helper()
	m, _, err := loadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := classify.ReadExamplesLabel(f, "topic")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]classify.Example{}
	for _, e := range all {
		byID[e.ID] = e
	}
	var leaves [][]byte
	for _, id := range m.TrainingIDs() {
		leaves = append(leaves, rfc6962.DefaultHasher.HashLeaf(recordDigest(byID[id])))
	}
	root, _ := hex.DecodeString(c.Commitment)
	// Inclusion of the third record, checked against the root.
	const i = 2
	path := inclusion(i, leaves)
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, uint64(len(leaves)), leaves[i], path, root); err != nil {
		t.Fatalf("record %d is not in the commitment: %v", i, err)
	}
	changed := byID[m.TrainingIDs()[i]]
	changed.Label = "other"
	if proof.VerifyInclusion(rfc6962.DefaultHasher, i, uint64(len(leaves)), rfc6962.DefaultHasher.HashLeaf(recordDigest(changed)), path, root) == nil {
		t.Fatal("a relabelled record verifies against the commitment")
	}
}

// inclusion is PATH(m, D[n]) of RFC 6962 section 2.1.1.
func inclusion(m int, leaves [][]byte) [][]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	if m < k {
		return append(inclusion(m, leaves[:k]), treeHashOf(leaves[k:]))
	}
	return append(inclusion(m-k, leaves[k:]), treeHashOf(leaves[:k]))
}

func treeHashOf(leaves [][]byte) []byte {
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return rfc6962.DefaultHasher.HashChildren(treeHashOf(leaves[:k]), treeHashOf(leaves[k:]))
}

func TestTrainPredictExplainErrors(t *testing.T) {
	good := writeFile(t, "good.jsonl", classifyRecords(20))
	oneLabel := writeFile(t, "one.jsonl", `{"id":"a","text":"x","label":"l"}`+"\n"+`{"id":"b","text":"y","label":"l"}`)
	badLine := writeFile(t, "bad.jsonl", `{"id":"a","text":"x","label":"l"}`+"\n"+`{"id":"b","text":`)
	emptyText := writeFile(t, "empty.jsonl", `{"id":"a","text":"","label":"l"}`+"\n"+`{"id":"b","text":"y","label":"m"}`)
	model := filepath.Join(t.TempDir(), "m")
	if _, stderr, code := runCmd(t, "", "train", "--data", good, "--kind", "knn", "--out", model, "--buckets", "4096"); code != 0 {
		t.Fatal(stderr)
	}
	broken := filepath.Join(t.TempDir(), "broken")
	if _, stderr, code := runCmd(t, "", "train", "--data", good, "--kind", "knn", "--out", broken, "--buckets", "4096"); code != 0 {
		t.Fatal(stderr)
	}
	bin := filepath.Join(broken, modelFile)
	b, _ := os.ReadFile(bin)
	b[len(b)-1] ^= 1
	os.WriteFile(bin, b, 0o600)
	out := t.TempDir()
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		says  string
	}{
		{"no flags", "", []string{"train"}, 2, "want --data"},
		{"bad kind", "", []string{"train", "--data", good, "--kind", "svm", "--out", out}, 1, `unknown model kind "svm"`},
		{"held out too large", "", []string{"train", "--data", good, "--kind", "knn", "--held-out", "0.9", "--out", out}, 1, "held-out share 0.9"},
		{"missing file", "", []string{"train", "--data", filepath.Join(out, "nope"), "--kind", "knn", "--out", out}, 1, "no such file"},
		{"one label", "", []string{"train", "--data", oneLabel, "--kind", "linear", "--out", out}, 1, `every record has the label "l"`},
		{"bad line", "", []string{"train", "--data", badLine, "--kind", "linear", "--out", out}, 1, "bad.jsonl: line 2"},
		{"empty text", "", []string{"train", "--data", emptyText, "--kind", "linear", "--out", out}, 1, `record "a": empty text`},
		{"no label field", "", []string{"train", "--data", good, "--kind", "linear", "--label", "stars", "--out", out}, 1, `line 1: no label field "stars"`},
		{"predict without model", "", []string{"predict"}, 2, "want --model"},
		{"predict bad stdin", `{"id":"q"}`, []string{"predict", "--model", model}, 1, `stdin: line 1: no "text"`},
		{"predict damaged model", `{"id":"q","text":"x"}`, []string{"predict", "--model", broken}, 1, "does not match the SHA-256"},
		{"explain without data", "", []string{"explain", "--model", model}, 2, "want --model DIR and --data"},
		{"explain top 0", "", []string{"explain", "--model", model, "--data", good, "--top", "0"}, 2, "--top"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCmd(t, tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.says) {
				t.Fatalf("exit %d, stderr %q; want exit %d saying %q", code, stderr, tc.code, tc.says)
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("failed trainings left %d files in the output directory", len(entries))
	}
}
