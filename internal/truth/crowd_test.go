package truth

import (
	"github.com/allmende/allmende/internal/shareddata"
	"os"
	"path/filepath"
	"testing"
)

// crowdDir holds public truth-inference benchmarks, one folder per dataset
// with answer.csv (question,worker,answer) and truth.csv (question,truth).

// publishedDS is the accuracy published for Dawid–Skene per dataset folder.
//
// dog: 807 images of four dog breeds, 109 workers, 8,070 answers (Zhou,
// Platt, Basu & Mao, NIPS 2012). Zhang, Chen, Zhou & Jordan, "Spectral
// Methods Meet EM: A Provably Optimal Algorithm for Crowdsourcing" (NIPS 2014;
// JMLR 17, 2016), Table 2, report an error rate of 16.66 % for Dawid–Skene EM
// started from majority vote ("MV-D&S") on Dog, i.e. accuracy 83.34 %.
var publishedDS = map[string]float64{
	"dog": 0.8334,
}

// publishedTolerance is how far below the published figure we accept:
// implementations differ in smoothing and stopping rule.
const publishedTolerance = 0.005

type method struct {
	name string
	run  func(*Dataset) (Result, error)
}

var methods = []method{
	{"mv", MajorityVote},
	{"ds", func(d *Dataset) (Result, error) { return DawidSkene(d, Options{}) }},
	{"glad", func(d *Dataset) (Result, error) { return GLAD(d, Options{}) }},
	{"mace", func(d *Dataset) (Result, error) { return MACE(d, Options{}) }},
}

func TestCrowdBenchmarks(t *testing.T) {
	crowdDir := shareddata.Path(t, "crowd")
	dirs, err := os.ReadDir(crowdDir)
	if err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, dir := range dirs {
		if !dir.IsDir() {
			continue
		}
		tested++
		name := dir.Name()
		t.Run(name, func(t *testing.T) {
			d, truth := readBenchmark(t, filepath.Join(crowdDir, name))
			acc := map[string]float64{}
			for _, m := range methods {
				r, err := m.run(d)
				if err != nil {
					t.Fatalf("%s: %v", m.name, err)
				}
				a, n := Accuracy(d, r, truth)
				if n == 0 {
					t.Fatalf("%s: no question of answer.csv has a truth", m.name)
				}
				acc[m.name] = a
				t.Logf("%-4s accuracy %.4f on %d questions (%d iterations, converged %v)", m.name, a, n, r.Iterations, r.Converged)
			}
			if want, ok := publishedDS[name]; ok {
				if acc["ds"] < want-publishedTolerance {
					t.Errorf("Dawid–Skene accuracy %.4f, published %.4f", acc["ds"], want)
				}
			} else {
				t.Logf("no published Dawid–Skene figure for %s: add one to publishedDS", name)
			}
			best := ""
			for _, m := range methods[1:] {
				if best == "" || acc[m.name] > acc[best] {
					best = m.name
				}
			}
			if acc[best] <= acc["mv"] {
				t.Errorf("best method %s (%.4f) does not beat majority vote (%.4f)", best, acc[best], acc["mv"])
			}
		})
	}
	if tested == 0 {
		t.Fatalf("no dataset folder in %s", crowdDir)
	}
}

func readBenchmark(t *testing.T, dir string) (*Dataset, map[string]string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "answer.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := ReadAnswers(f)
	if err != nil {
		t.Fatalf("answer.csv: %v", err)
	}
	g, err := os.Open(filepath.Join(dir, "truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	truth, err := ReadTruth(g)
	if err != nil {
		t.Fatalf("truth.csv: %v", err)
	}
	return d, truth
}
