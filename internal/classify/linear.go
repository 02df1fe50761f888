package classify

import (
	"context"
	"math"
	"math/rand/v2"
)

// logits returns W v for the served weights.
func (m *Model) logits(v vector) []float64 {
	C := len(m.labels)
	z := make([]float64, C)
	for i, b := range v.idx {
		c := m.x.column(b)
		if c < 0 {
			continue
		}
		q := float64(v.val[i])
		row := m.w[c*C : (c+1)*C]
		for k, w := range row {
			z[k] += q * float64(w)
		}
	}
	return z
}

// softmax turns z into probabilities in place and returns ln Σ exp z.
func softmax(z []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, v)
	}
	var s float64
	for i, v := range z {
		z[i] = math.Exp(v - mx)
		s += z[i]
	}
	for i := range z {
		z[i] /= s
	}
	return mx + math.Log(s)
}

func (m *Model) softmaxScores(z []float64) []Score {
	softmax(z)
	out := make([]Score, len(z))
	for c, p := range z {
		out[c] = Score{Label: m.labels[c], Score: p}
	}
	sortScores(out)
	return out
}

// fitLinear trains W by SGD (see the package doc), then computes α and
// replaces W by Σ_i α_i x_iᵀ so that Explain's decomposition is exact for
// the weights that answer. epochDone gets the epoch's mean loss.
func (m *Model) fitLinear(ctx context.Context, vecs []vector, o Options, epochDone func(epoch int, loss float64)) error {
	C := len(m.labels)
	F := len(m.x.feat)
	n := len(vecs)
	colOf := columnIndex(m.x.feat, m.buckets)
	cols := make([][]int32, n)
	for r, v := range vecs {
		cols[r] = make([]int32, len(v.idx))
		for i, b := range v.idx {
			cols[r][i] = colOf(b)
		}
	}
	// W = scale · V: the penalty's shrinkage of every weight at each step
	// is one multiplication of scale instead of a pass over W.
	V := make([]float32, F*C)
	scale := 1.0
	lambda := o.L2
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x636c6173))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	z := make([]float64, C)
	z32 := make([]float32, C)
	g32 := make([]float32, C)
	total := o.Epochs * n
	t := 0
	for epoch := 1; epoch <= o.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss float64
		for s, r := range order {
			if s%4096 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			lr := o.LearningRate * (1 - float64(t)/float64(total))
			t++
			v, cs := vecs[r], cols[r]
			// float32 inside the loops over features, which are most of
			// the work; the scale and the softmax in float64.
			clear(z32)
			for i, c := range cs {
				q := v.val[i]
				row := V[int(c)*C : int(c)*C+C]
				row = row[:len(z32)]
				for k, w := range row {
					z32[k] += q * w
				}
			}
			for k, x := range z32 {
				z[k] = float64(x) * scale
			}
			softmax(z)
			loss -= math.Log(max(z[m.y[r]], 1e-300))
			z[m.y[r]] -= 1 // z is now ∂CE/∂z
			// Shrink first, then step: W ← (1 − 2λ·lr) W − lr·g x.
			scale *= 1 - 2*lambda*lr
			if scale < 1e-9 {
				for i := range V {
					V[i] *= float32(scale)
				}
				scale = 1
			}
			for k, g := range z {
				g32[k] = float32(lr * g / scale)
			}
			for i, c := range cs {
				q := v.val[i]
				row := V[int(c)*C : int(c)*C+C]
				row = row[:len(g32)]
				for k, g := range g32 {
					row[k] -= q * g
				}
			}
		}
		for i := range V {
			V[i] *= float32(scale)
		}
		scale = 1
		m.w = V
		epochDone(epoch, loss/float64(n))
	}
	m.w = V
	m.representer(vecs, cols)
	return nil
}

// representer computes α_ic = (y_ic − p_ic)/(2λn) from the trained weights
// and sets W = Σ_i α_i x_iᵀ (Yeh et al. 2018, Theorem 3.1).
func (m *Model) representer(vecs []vector, cols [][]int32) {
	C := len(m.labels)
	n := len(vecs)
	m.alpha = make([]float32, n*C)
	coef := 1 / (2 * m.l2 * float64(n))
	z := make([]float64, C)
	for r, v := range vecs {
		clear(z)
		for i, c := range cols[r] {
			q := float64(v.val[i])
			for k, w := range m.w[int(c)*C : int(c)*C+C] {
				z[k] += q * float64(w)
			}
		}
		softmax(z)
		for k := range C {
			y := 0.0
			if int32(k) == m.y[r] {
				y = 1
			}
			m.alpha[r*C+k] = float32((y - z[k]) * coef)
		}
	}
	w := make([]float32, len(m.w))
	for r, v := range vecs {
		a := m.alpha[r*C : r*C+C]
		for i, c := range cols[r] {
			q := v.val[i]
			row := w[int(c)*C : int(c)*C+C]
			for k := range row {
				row[k] += q * a[k]
			}
		}
	}
	m.w = w
}
