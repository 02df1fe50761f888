package behavior

import (
	"math"
	"slices"
)

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// stddev is the sample standard deviation; 0 for fewer than two values.
func stddev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := mean(xs)
	var s float64
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}

// cv is the coefficient of variation of non-negative values: spread relative
// to size, so that a fast and a slow person who are equally regular score
// alike. 0 when the mean is 0.
func cv(xs []float64) float64 {
	m := mean(xs)
	if m <= 0 {
		return 0
	}
	return stddev(xs) / m
}

// median does not reorder xs.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// logFloor is log10(max(x, floor)): durations and distances span orders of
// magnitude, and a scripted zero must not become -Inf.
func logFloor(x, floor float64) float64 {
	return math.Log10(math.Max(x, floor))
}

// logBinEntropy is the Shannon entropy of durations (seconds) binned by
// half-octaves from 1 ms, divided by its largest possible value for this
// many samples, so that it lies in [0,1] whatever the sample size. Human
// pauses are spread over several orders of magnitude; a fixed-delay macro
// puts everything into one bin and a uniform random delay into a few.
// After S. Gianvecchio and H. Wang, "Detecting covert timing channels: an
// entropy-based approach", CCS 2007, who bin inter-arrival times the same way
// to tell machine from human timing.
func logBinEntropy(secs []float64) float64 {
	const bins = 48 // 2^(48/2) ms ≈ 4.6 hours
	if len(secs) < 2 {
		return 0
	}
	var count [bins]int
	for _, s := range secs {
		b := int(math.Floor(2 * math.Log2(math.Max(s*1000, 1))))
		count[min(max(b, 0), bins-1)]++
	}
	n := float64(len(secs))
	var h float64
	for _, c := range count {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log(p)
		}
	}
	return h / math.Log(math.Min(n, bins))
}

// wasserstein1 is the earth mover's distance between the empirical
// distributions of a and b: the area between their distribution functions.
// Unlike the Kolmogorov–Smirnov statistic it grows with how far apart the
// distributions are, not only whether they differ. a and b must be sorted.
func wasserstein1(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	na, nb := float64(len(a)), float64(len(b))
	var i, j int
	var d, x float64
	x = math.Min(a[0], b[0])
	for i < len(a) || j < len(b) {
		var next float64
		switch {
		case j == len(b) || (i < len(a) && a[i] <= b[j]):
			next = a[i]
		default:
			next = b[j]
		}
		d += math.Abs(float64(i)/na-float64(j)/nb) * (next - x)
		x = next
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
	}
	return d
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func clamp(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
