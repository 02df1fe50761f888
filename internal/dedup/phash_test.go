package dedup

import (
	"bytes"
	"github.com/allmende/allmende/internal/shareddata"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func loadPhotos(t testing.TB) (names []string, files [][]byte, imgs []image.Image) {
	t.Helper()
	// 34 photographs of a LEGO battery from several angles (COCO
	// keypoint dataset "lego-battery", 512×256 JPEG).
	photoDir := shareddata.Path(t, "coco/lego-battery/images")
	paths, err := filepath.Glob(filepath.Join(photoDir, "*.jpg"))
	if err != nil || len(paths) < 20 {
		t.Fatalf("want the lego-battery photos in %s: found %d (%v)", photoDir, len(paths), err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		names = append(names, filepath.Base(p))
		files = append(files, data)
		imgs = append(imgs, img)
	}
	return names, files, imgs
}

// The copies a member might submit as new data, made with the standard
// library only; scaleBilinear is deliberately not the area filter the hash
// uses, so that the test does not grade the hash with its own resampler.
// matched is the fraction of the photos whose copy must stay within
// DefaultMaxDistance: all of them for the slight changes; cropping is the
// known weak spot of a DCT hash (a crop shifts and rescales every
// frequency), and the larger crops record how far it holds.
var copies = []struct {
	name    string
	make    func(image.Image) image.Image
	matched float64
}{
	{"jpeg q30", func(m image.Image) image.Image { return reencode(m, 30) }, 1},
	{"jpeg q95", func(m image.Image) image.Image { return reencode(m, 95) }, 1},
	{"png", pngRoundTrip, 1},
	{"half size", func(m image.Image) image.Image { return scaleBilinear(m, 0.5) }, 1},
	{"1.6× size", func(m image.Image) image.Image { return scaleBilinear(m, 1.6) }, 1},
	{"quarter size q60", func(m image.Image) image.Image { return reencode(scaleBilinear(m, 0.25), 60) }, 1},
	{"brighter +30", func(m image.Image) image.Image { return brighten(m, 30) }, 1},
	{"darker −30", func(m image.Image) image.Image { return brighten(m, -30) }, 1},
	{"grey", grey, 1},
	{"crop 1% each side", func(m image.Image) image.Image { return crop(m, 0.01, 0) }, 1},
	{"crop 2% each side", func(m image.Image) image.Image { return crop(m, 0.02, 0) }, 1},
	{"crop 3% off one edge", func(m image.Image) image.Image { return crop(m, 0, 0.03) }, 1},
	{"crop 3% each side", func(m image.Image) image.Image { return crop(m, 0.03, 0) }, 0.85},
	{"crop 5% off one edge", func(m image.Image) image.Image { return crop(m, 0, 0.05) }, 0.85},
	{"crop 5% each side", func(m image.Image) image.Image { return crop(m, 0.05, 0) }, 0.4},
}

func TestPerceptualHashCopiesMatch(t *testing.T) {
	_, _, imgs := loadPhotos(t)
	for _, c := range copies {
		t.Run(c.name, func(t *testing.T) {
			var dists []int
			within := 0
			for _, img := range imgs {
				d := PerceptualHash(img).Distance(PerceptualHash(c.make(img)))
				dists = append(dists, d)
				if d <= DefaultMaxDistance {
					within++
				}
			}
			slices.Sort(dists)
			t.Logf("distance to original over %d photos: min %d, median %d, max %d; %d within %d",
				len(dists), dists[0], dists[len(dists)/2], dists[len(dists)-1], within, DefaultMaxDistance)
			if float64(within) < c.matched*float64(len(imgs)) {
				t.Errorf("%d of %d %s copies within distance %d, want at least %.0f%%: %v",
					within, len(imgs), c.name, DefaultMaxDistance, 100*c.matched, dists)
			}
		})
	}
}

func TestPerceptualHashDifferentPhotos(t *testing.T) {
	names, _, imgs := loadPhotos(t)
	hashes := make([]PHash, len(imgs))
	for i, img := range imgs {
		hashes[i] = PerceptualHash(img)
	}
	hist := map[int]int{}
	var dists []int
	for i := range hashes {
		for j := i + 1; j < len(hashes); j++ {
			d := hashes[i].Distance(hashes[j])
			dists = append(dists, d)
			hist[d/4*4]++
			if d <= DefaultMaxDistance {
				t.Errorf("different photos %s and %s at distance %d ≤ %d", names[i], names[j], d, DefaultMaxDistance)
			}
		}
	}
	slices.Sort(dists)
	t.Logf("%d pairs: min %d, 5th percentile %d, median %d, max %d", len(dists), dists[0], dists[len(dists)/20], dists[len(dists)/2], dists[len(dists)-1])
	t.Logf("histogram (distance bucket of 4: pairs): %v", hist)
}

func reencode(m image.Image, quality int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality}); err != nil {
		panic(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}

func pngRoundTrip(m image.Image) image.Image {
	rgba := image.NewRGBA(m.Bounds())
	draw.Draw(rgba, rgba.Bounds(), m, m.Bounds().Min, draw.Src)
	m = rgba
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, m); err != nil {
		panic(err)
	}
	out, err := png.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}

// scaleBilinear resizes by factor f with bilinear interpolation.
func scaleBilinear(m image.Image, f float64) image.Image {
	b := m.Bounds()
	w, h := int(float64(b.Dx())*f), int(float64(b.Dy())*f)
	src := image.NewRGBA(b)
	draw.Draw(src, b, m, b.Min, draw.Src)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		sy := (float64(y)+0.5)/f - 0.5
		y0 := max(0, min(b.Dy()-1, int(sy)))
		y1 := min(b.Dy()-1, y0+1)
		fy := min(1, max(0, sy-float64(y0)))
		for x := range w {
			sx := (float64(x)+0.5)/f - 0.5
			x0 := max(0, min(b.Dx()-1, int(sx)))
			x1 := min(b.Dx()-1, x0+1)
			fx := min(1, max(0, sx-float64(x0)))
			var px [4]float64
			for c := range 4 {
				at := func(x, y int) float64 { return float64(src.Pix[src.PixOffset(b.Min.X+x, b.Min.Y+y)+c]) }
				top := at(x0, y0)*(1-fx) + at(x1, y0)*fx
				bot := at(x0, y1)*(1-fx) + at(x1, y1)*fx
				px[c] = top*(1-fy) + bot*fy
			}
			dst.SetRGBA(x, y, color.RGBA{uint8(px[0] + 0.5), uint8(px[1] + 0.5), uint8(px[2] + 0.5), uint8(px[3] + 0.5)})
		}
	}
	return dst
}

// crop cuts the fraction side off the left, top and bottom, and the
// fraction right off the right.
func crop(m image.Image, side, right float64) image.Image {
	b := m.Bounds()
	dx, dy := int(float64(b.Dx())*side), int(float64(b.Dy())*side)
	r := image.Rect(b.Min.X+dx, b.Min.Y+dy, b.Max.X-dx-int(float64(b.Dx())*right), b.Max.Y-dy)
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), m, r.Min, draw.Src)
	return out
}

func brighten(m image.Image, delta int) image.Image {
	b := m.Bounds()
	out := image.NewRGBA(b)
	draw.Draw(out, b, m, b.Min, draw.Src)
	for i := range out.Pix {
		if i%4 == 3 {
			continue
		}
		out.Pix[i] = uint8(max(0, min(255, int(out.Pix[i])+delta)))
	}
	return out
}

func grey(m image.Image) image.Image {
	b := m.Bounds()
	out := image.NewGray(b)
	draw.Draw(out, b, m, b.Min, draw.Src)
	return out
}
