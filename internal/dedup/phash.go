package dedup

import (
	"fmt"
	"image"
	"math"
	"math/bits"
	"slices"
)

// PHash is a 64-bit DCT perceptual hash of an image (Zauner, "Implementation
// and Benchmarking of Perceptual Image Hash Functions", 2010, the algorithm
// of the pHash library's ph_dct_imagehash). Pictures that look alike have
// hashes at a small Hamming distance, whatever their encoding, size or
// brightness.
type PHash uint64

// Distance returns the Hamming distance between two hashes: the number of
// the 64 bits in which they differ.
func (h PHash) Distance(o PHash) int { return bits.OnesCount64(uint64(h ^ o)) }

// String returns the hash as 16 hex digits.
func (h PHash) String() string { return fmt.Sprintf("%016x", uint64(h)) }

// hashSide is the side of the square the image is reduced to before the DCT.
const hashSide = 32

// PerceptualHash computes the PHash of img:
//
//  1. luminance (the Y of JFIF, 0.299 R + 0.587 G + 0.114 B; a JPEG's Y
//     plane is used as it is);
//  2. reduction to 32×32 by area averaging: each output pixel is the mean
//     of the input area it covers, with fractional weights at the edges.
//     That is the box filter, which cannot alias however much the image
//     shrinks, and it subsumes the 7×7 mean filter pHash applies first;
//  3. the 2-D DCT-II of the 32×32 block;
//  4. the 64 coefficients of frequencies 1 to 8 in each direction, which
//     leaves out the DC term and the row and column of purely horizontal or
//     vertical frequency 0 as pHash does (they mostly encode overall
//     brightness gradients);
//  5. bit i set when coefficient i, in row-major order over (vertical,
//     horizontal) frequency, is above the median of the 64.
//
// An empty image hashes to 0.
func PerceptualHash(img image.Image) PHash {
	b := img.Bounds()
	if b.Empty() {
		return 0
	}
	var block [hashSide][hashSide]float64
	reduce(img, &block)

	var coef [64]float64
	var rows [8][hashSide]float64 // rows[u][y]: horizontal frequency u+1 of row y
	for u := range 8 {
		for y := range hashSide {
			s := 0.0
			for x := range hashSide {
				s += dctCos[u+1][x] * block[y][x]
			}
			rows[u][y] = s
		}
	}
	for v := range 8 {
		for u := range 8 {
			s := 0.0
			for y := range hashSide {
				s += dctCos[v+1][y] * rows[u][y]
			}
			coef[v*8+u] = s
		}
	}
	sorted := coef
	slices.Sort(sorted[:])
	median := (sorted[31] + sorted[32]) / 2
	var h PHash
	for i, c := range coef {
		if c > median {
			h |= 1 << i
		}
	}
	return h
}

// dctCos[k][x] = cos((2x+1)kπ/64), the DCT-II basis on 32 points. The
// normalisation factors are left out: they are equal for all coefficients
// the hash compares.
var dctCos = func() (c [9][hashSide]float64) {
	for k := range c {
		for x := range hashSide {
			c[k][x] = math.Cos(float64(2*x+1) * float64(k) * math.Pi / (2 * hashSide))
		}
	}
	return c
}()

// reduce area-averages the luminance of img into block. It walks the image
// once, row by row, and keeps only one reduced row, so that a large photo
// costs no more memory than a small one.
func reduce(img image.Image, block *[hashSide][hashSide]float64) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	colW := coverage(w)
	rowW := coverage(h)
	lum := make([]float64, w)
	var line [hashSide]float64
	for y := range h {
		luminanceRow(img, b.Min.Y+y, lum)
		line = [hashSide]float64{}
		for x, v := range lum {
			for _, c := range colW[x] {
				line[c.cell] += c.weight * v
			}
		}
		for _, c := range rowW[y] {
			for j := range line {
				block[c.cell][j] += c.weight * line[j]
			}
		}
	}
	// Each cell covers (w/32)·(h/32) pixels: divide to get a mean, so that
	// the block does not depend on the image size.
	area := float64(w) * float64(h) / (hashSide * hashSide)
	for i := range block {
		for j := range block[i] {
			block[i][j] /= area
		}
	}
}

// share is how much of one input pixel falls into one output cell.
type share struct {
	cell   int
	weight float64
}

// coverage splits n input pixels over 32 cells of width n/32 each: the
// shares of pixel i, [i, i+1), in the cells it overlaps. Computed in units
// of 1/32 pixel so the boundaries are exact integers.
func coverage(n int) [][]share {
	out := make([][]share, n)
	for i := range n {
		lo, hi := i*hashSide, (i+1)*hashSide // pixel i in 1/32 pixel units
		for c := lo / n; c < hashSide && c*n < hi; c++ {
			cLo, cHi := c*n, (c+1)*n // cell c in the same units
			overlap := min(hi, cHi) - max(lo, cLo)
			if overlap > 0 {
				out[i] = append(out[i], share{c, float64(overlap) / hashSide})
			}
		}
	}
	return out
}

// luminanceRow writes the luminance, 0 to 255, of row y of img into dst.
// JPEG's YCbCr and grey images are read directly; anything else through
// the colour model, with alpha premultiplied (transparent counts as black).
func luminanceRow(img image.Image, y int, dst []float64) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		row := m.Y[m.YOffset(b.Min.X, y):]
		for x := range dst {
			dst[x] = float64(row[x])
		}
	case *image.Gray:
		row := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range dst {
			dst[x] = float64(row[x])
		}
	case *image.RGBA:
		row := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range dst {
			p := row[4*x : 4*x+3 : 4*x+3]
			dst[x] = 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
		}
	case *image.NRGBA:
		row := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range dst {
			p := row[4*x : 4*x+4 : 4*x+4]
			dst[x] = (0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])) * float64(p[3]) / 255
		}
	default:
		for x := range dst {
			r, g, bl, _ := img.At(b.Min.X+x, y).RGBA()
			dst[x] = (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
		}
	}
}
