package truth

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// numericCrowd simulates numeric answers: each worker adds a fixed bias and
// Gaussian noise to the true value of every item.
func numericCrowd(items int, bias, noise []float64, seed uint64) (*NumericDataset, map[string]float64) {
	rng := rand.New(rand.NewPCG(seed, 0xb1a5))
	d := &NumericDataset{}
	truth := map[string]float64{}
	for i := range items {
		item := strconv.Itoa(i)
		v := 100 * rng.Float64()
		truth[item] = v
		for w := range bias {
			d.Add(item, "w"+strconv.Itoa(w), v+bias[w]+noise[w]*rng.NormFloat64())
		}
	}
	return d, truth
}

// TestNumericBiasCorrection shifts one worker of six by +10. Without
// correction, the mean can only down-weight that worker as noisy, losing
// their answers, and the median is pulled by part of the noise; with it, the
// shift must be found, and the worker's answers count in full again.
func TestNumericBiasCorrection(t *testing.T) {
	bias := []float64{0, 0, 0, 0, 0, 10}
	noise := []float64{1, 1, 1, 1, 1, 1}
	d, truth := numericCrowd(200, bias, noise, 1)

	methods := []struct {
		name string
		run  func(*NumericDataset, NumericOptions) (NumericResult, error)
	}{{"mean", Mean}, {"median", Median}}
	for _, m := range methods {
		t.Run(m.name, func(t *testing.T) {
			plain, err := m.run(d, NumericOptions{NoBias: true})
			if err != nil {
				t.Fatal(err)
			}
			corrected, err := m.run(d, NumericOptions{})
			if err != nil {
				t.Fatal(err)
			}
			plainMAE, _, _ := NumericError(d, plain, truth)
			mae, _, n := NumericError(d, corrected, truth)
			t.Logf("mean absolute error %.3f corrected, %.3f plain", mae, plainMAE)
			if n != 200 {
				t.Fatalf("compared %d items, want 200", n)
			}
			// With five unbiased answers of noise 1, the corrected mean's
			// error is about 0.45 on average; the median's a little more.
			if mae > 0.6 {
				t.Errorf("mean absolute error %.3f with bias correction, want ≤ 0.6", mae)
			}
			if mae >= plainMAE {
				t.Errorf("bias correction did not help: %.3f, plain %.3f", mae, plainMAE)
			}
			for w, b := range corrected.Bias {
				if want := bias[w]; math.Abs(b-want) > 0.5 {
					t.Errorf("worker %s bias %.3f, want %.1f ± 0.5", d.Workers[w], b, want)
				}
			}
			shifted := d.workers["w5"]
			if rel := plain.Reliability[shifted]; rel > 0.2 {
				t.Errorf("uncorrected: shifted worker reliability %.3f, want ≤ 0.2", rel)
			}
			if rel := corrected.Reliability[shifted]; rel < 0.35 {
				t.Errorf("corrected: shifted worker reliability %.3f, want ≥ 0.35 like the others", rel)
			}
			if !corrected.Converged {
				t.Errorf("did not converge in %d iterations", corrected.Iterations)
			}
		})
	}
}

// TestNumericNoise checks that the mean weights workers by their noise: a
// worker ten times noisier than the rest gets a low reliability and barely
// moves the values, where an unweighted mean would take a tenth of their
// noise into every item.
func TestNumericNoise(t *testing.T) {
	bias := []float64{0, 0, 0, 0, 0}
	noise := []float64{1, 1, 1, 1, 10}
	d, truth := numericCrowd(300, bias, noise, 2)
	r, err := Mean(d, NumericOptions{})
	if err != nil {
		t.Fatal(err)
	}
	noisy := d.workers["w4"]
	for w, rel := range r.Reliability {
		if w != noisy && rel <= r.Reliability[noisy] {
			t.Errorf("worker %s reliability %.3f ≤ noisy worker's %.3f", d.Workers[w], rel, r.Reliability[noisy])
		}
	}
	if got := r.Noise[noisy]; math.Abs(got-10) > 1.5 {
		t.Errorf("noisy worker's noise %.2f, want 10 ± 1.5", got)
	}
	// Four workers of noise 1 give a standard error of 0.5 per item; an
	// equal-weight mean of all five would have sqrt(4+100)/5 ≈ 2.
	_, rmse, _ := NumericError(d, r, truth)
	if rmse > 0.65 {
		t.Errorf("root mean squared error %.3f, want ≤ 0.65", rmse)
	}
	for i := range r.StdErr {
		if se := r.StdErr[i]; se < 0.4 || se > 0.6 {
			t.Errorf("item %s standard error %.3f, want about 0.5", d.Items[i], se)
			break
		}
	}
}

func TestNumericEdgeCases(t *testing.T) {
	t.Run("all answers agree", func(t *testing.T) {
		d := &NumericDataset{}
		d.Add("q", "a", 3)
		d.Add("q", "b", 3)
		for _, run := range []func(*NumericDataset, NumericOptions) (NumericResult, error){Mean, Median} {
			r, err := run(d, NumericOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Values[0] != 3 || math.IsNaN(r.StdErr[0]) || r.Bias[0] != 0 {
				t.Errorf("value %v, stderr %v, bias %v; want 3, a number, 0", r.Values[0], r.StdErr[0], r.Bias[0])
			}
		}
	})
	t.Run("item without answers", func(t *testing.T) {
		d := &NumericDataset{Items: []string{"empty"}}
		d.Add("q", "a", 1)
		r, err := Mean(d, NumericOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(r.Values[0]) || r.Values[1] != 1 {
			t.Errorf("values %v, want [NaN 1]", r.Values)
		}
	})
	t.Run("invalid answers", func(t *testing.T) {
		for _, d := range []*NumericDataset{
			{Items: []string{"q"}, Workers: []string{"w"}, Answers: []NumericAnswer{{Item: 1}}},
			{Items: []string{"q"}, Workers: []string{"w"}, Answers: []NumericAnswer{{Value: math.Inf(1)}}},
		} {
			if _, err := Mean(d, NumericOptions{}); err == nil {
				t.Errorf("no error for %v", d.Answers)
			}
		}
	})
}
