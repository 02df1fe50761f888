package behavior

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestSummaryStatistics(t *testing.T) {
	tests := []struct {
		name                 string
		xs                   []float64
		mean, sd, cv, median float64
	}{
		{"empty", nil, 0, 0, 0, 0},
		{"one", []float64{3}, 3, 0, 0, 3},
		{"odd", []float64{3, 1, 2}, 2, 1, 0.5, 2},
		{"even", []float64{4, 1, 3, 2}, 2.5, math.Sqrt(5.0 / 3), math.Sqrt(5.0/3) / 2.5, 2.5},
		{"constant", []float64{7, 7, 7}, 7, 0, 0, 7},
		{"zero mean", []float64{0, 0}, 0, 0, 0, 0},
	}
	for _, tc := range tests {
		if got := mean(tc.xs); !near(got, tc.mean, 1e-12) {
			t.Errorf("%s: mean = %v, want %v", tc.name, got, tc.mean)
		}
		if got := stddev(tc.xs); !near(got, tc.sd, 1e-12) {
			t.Errorf("%s: stddev = %v, want %v", tc.name, got, tc.sd)
		}
		if got := cv(tc.xs); !near(got, tc.cv, 1e-12) {
			t.Errorf("%s: cv = %v, want %v", tc.name, got, tc.cv)
		}
		if got := median(tc.xs); got != tc.median {
			t.Errorf("%s: median = %v, want %v", tc.name, got, tc.median)
		}
	}
	xs := []float64{3, 1, 2}
	median(xs)
	if xs[0] != 3 || xs[1] != 1 {
		t.Errorf("median reordered its input: %v", xs)
	}
}

func TestLogBinEntropy(t *testing.T) {
	tests := []struct {
		name string
		secs []float64
		want float64
	}{
		{"one value", []float64{0.5}, 0},
		{"fixed delay", []float64{0.5, 0.5, 0.5, 0.5}, 0},
		{"within one half-octave", []float64{0.40, 0.41, 0.42, 0.43}, 0},
		// 4 values in 4 different bins: the largest entropy for 4 samples.
		{"one per bin", []float64{0.001, 0.01, 0.1, 1}, 1},
		// two bins, two each: log 2 / log 4.
		{"two bins", []float64{0.1, 0.1, 1, 1}, 0.5},
		{"zero and negative clamp to 1 ms", []float64{0, -1, 0.001, 0.0012}, 0},
	}
	for _, tc := range tests {
		if got := logBinEntropy(tc.secs); !near(got, tc.want, 1e-12) {
			t.Errorf("%s: logBinEntropy = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWasserstein1(t *testing.T) {
	tests := []struct {
		name string
		a, b []float64 // sorted
		want float64
	}{
		{"identical", []float64{1, 2, 3}, []float64{1, 2, 3}, 0},
		{"shifted by 2", []float64{1, 2, 3}, []float64{3, 4, 5}, 2},
		{"points", []float64{0}, []float64{1}, 1},
		{"half the mass moves 1", []float64{0, 1}, []float64{0}, 0.5},
		{"different sizes", []float64{0, 0, 0, 3}, []float64{0, 3}, 0.75},
		{"empty", nil, []float64{1}, 0},
	}
	for _, tc := range tests {
		if got := wasserstein1(tc.a, tc.b); !near(got, tc.want, 1e-12) {
			t.Errorf("%s: wasserstein1 = %v, want %v", tc.name, got, tc.want)
		}
		if got := wasserstein1(tc.b, tc.a); !near(got, tc.want, 1e-12) {
			t.Errorf("%s (swapped): wasserstein1 = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSigmoid(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{0, 0.5}, {math.Log(3), 0.75}, {-math.Log(3), 0.25}, {1000, 1}, {-1000, 0},
	} {
		if got := sigmoid(c.x); !near(got, c.want, 1e-12) || math.IsNaN(got) {
			t.Errorf("sigmoid(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}
