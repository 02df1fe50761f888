package dedup

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"github.com/allmende/allmende/internal/shareddata"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"strings"
	"testing"
)

func TestDNAForms(t *testing.T) {
	d := FingerprintText("hello").DNA
	s := d.String()
	if !strings.HasPrefix(s, "dna:") || len(s) != 4+64 {
		t.Fatalf("String() = %q, want dna: and 64 hex digits", s)
	}
	if short := d.Short(); short != s[:4+12] {
		t.Errorf("Short() = %q, want %q", short, s[:16])
	}
	for _, in := range []string{s, s[4:], strings.ToUpper(s[4:])} {
		got, err := ParseDNA(in)
		if err != nil || got != d {
			t.Errorf("ParseDNA(%q) = %v, %v; want %v", in, got, err, d)
		}
	}
	for _, bad := range []string{"", "dna:", s[:len(s)-1], s + "0", "dna:" + strings.Repeat("g", 64), "sha256:" + s[4:]} {
		if _, err := ParseDNA(bad); !errors.Is(err, ErrDNASyntax) {
			t.Errorf("ParseDNA(%q): error %v, want ErrDNASyntax", bad, err)
		}
	}
	js, err := json.Marshal(map[string]DNA{"dna": d})
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]DNA
	if err := json.Unmarshal(js, &back); err != nil || back["dna"] != d {
		t.Errorf("JSON round trip of %s: %s → %v, %v", d, js, back["dna"], err)
	}
}

func TestTextDNA(t *testing.T) {
	base := FingerprintText("It's a “test” — of the DNA.")
	same := []string{
		"it's a \"test\" - of the dna.",
		"  IT’S  A “TEST” — OF THE DNA.\n",
		"It\u200b's a “test” — of the D\u00adNA.",
	}
	for _, s := range same {
		if FingerprintText(s).DNA != base.DNA {
			t.Errorf("%q: DNA differs from the original's", s)
		}
	}
	differ := []string{"It's a test of the DNA.", "It's a “test” — of the RNA.", ""}
	for _, s := range differ {
		if FingerprintText(s).DNA == base.DNA {
			t.Errorf("%q: same DNA as a different text", s)
		}
	}
	if base.Kind != KindText || base.MinHash == nil || base.PHash != 0 {
		t.Errorf("text fingerprint %+v", base)
	}
	if FingerprintText(" \u200b ").MinHash != nil {
		t.Error("empty text has a signature")
	}
}

func TestRecordDNA(t *testing.T) {
	qa := []Field{{"question", "What is the capital of France?"}, {"answer", "Paris"}}
	fp := FingerprintRecord(qa)
	swapped := FingerprintRecord([]Field{qa[1], qa[0]})
	if fp.DNA != swapped.DNA {
		t.Error("field order changed the DNA")
	}
	if FingerprintRecord([]Field{{"Question ", "what is the capital of france?"}, {"ANSWER", " paris "}}).DNA != fp.DNA {
		t.Error("normalisation of names and values not applied")
	}
	moved := FingerprintRecord([]Field{{"question", "What is the capital of France? Paris"}, {"answer", ""}})
	if moved.DNA == fp.DNA {
		t.Error("text moved between fields kept the DNA")
	}
	// Length prefixes: "ab"+"c" and "a"+"bc" must not encode alike.
	if FingerprintRecord([]Field{{"ab", "c"}}).DNA == FingerprintRecord([]Field{{"a", "bc"}}).DNA {
		t.Error("field boundaries not encoded")
	}
	// Domain separation from text with the same bytes.
	if FingerprintText("paris").DNA == FingerprintRecord([]Field{{"", "paris"}}).DNA {
		t.Error("record and text share a DNA")
	}
	// The canonical encoding is fixed: changing it changes every stored DNA.
	enc := []byte(recordTag)
	for _, kv := range [][2]string{{"answer", "paris"}, {"question", "what is the capital of france?"}} {
		enc = binary.AppendUvarint(enc, uint64(len(kv[0])))
		enc = append(enc, kv[0]...)
		enc = binary.AppendUvarint(enc, uint64(len(kv[1])))
		enc = append(enc, kv[1]...)
	}
	if sha256.Sum256(enc) != fp.DNA {
		t.Error("record DNA is not SHA-256 of the documented encoding")
	}
	if sim := fp.MinHash.Similarity(FingerprintText("What is the capital of France? Paris").MinHash); sim < 0.8 {
		t.Errorf("record and the same words as text: similarity %.2f, want ≥ 0.8", sim)
	}
}

func TestFingerprintImage(t *testing.T) {
	path := shareddata.Path(t, "coco/lego-battery/images/IMG20231010083824.jpg")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := FingerprintImage(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	if fp.Kind != KindImage || fp.DNA != sha256.Sum256(data) || fp.MinHash != nil {
		t.Errorf("fingerprint %+v: want kind image and the file's SHA-256", fp)
	}
	img, _, _ := image.Decode(bytes.NewReader(data))
	if fp.PHash != PerceptualHash(img) {
		t.Error("PHash differs from PerceptualHash of the decoded image")
	}

	pal := image.NewPaletted(image.Rect(0, 0, 40, 30), color.Palette{color.Black, color.White})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i / 7 % 2)
	}
	var gifBuf, pngBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&pngBuf, pal); err != nil {
		t.Fatal(err)
	}
	g, err := FingerprintImage(t.Context(), gifBuf.Bytes())
	if err != nil {
		t.Fatalf("GIF: %v", err)
	}
	p, err := FingerprintImage(t.Context(), pngBuf.Bytes())
	if err != nil {
		t.Fatalf("PNG: %v", err)
	}
	if g.DNA == p.DNA || g.PHash != p.PHash {
		t.Errorf("same pixels as GIF and PNG: DNAs equal %v, hashes %v and %v", g.DNA == p.DNA, g.PHash, p.PHash)
	}

	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrImageFormat},
		{"text", []byte("not an image at all"), ErrImageFormat},
		{"truncated JPEG", data[:len(data)/2], ErrImageFormat},
		{"PNG claiming 100000×100000", pngHeader(100000, 100000), ErrImageSize},
	}
	for _, tt := range tests {
		if _, err := FingerprintImage(t.Context(), tt.data); !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
		}
	}
}

// pngHeader returns the signature and IHDR chunk of an 8-bit RGBA PNG of
// the given size, and nothing else: a small file that claims a huge image.
func pngHeader(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := []byte("IHDR")
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

func TestPerceptualHashScaleInvariance(t *testing.T) {
	// An image blown up by an integer factor with nearest-neighbour
	// sampling has the same area averages, so exactly the same hash; a
	// hash that depended on the image size would fail this.
	src := image.NewGray(image.Rect(0, 0, 37, 23))
	for i := range src.Pix {
		src.Pix[i] = uint8(i*i*31 + i*7)
	}
	for _, k := range []int{2, 3} {
		big := image.NewGray(image.Rect(0, 0, 37*k, 23*k))
		for y := range 23 * k {
			for x := range 37 * k {
				big.Pix[y*big.Stride+x] = src.Pix[(y/k)*src.Stride+x/k]
			}
		}
		if d := PerceptualHash(src).Distance(PerceptualHash(big)); d != 0 {
			t.Errorf("×%d upscale at distance %d, want 0", k, d)
		}
	}
	// Horizontal and vertical stripes are different pictures.
	h, v := image.NewGray(image.Rect(0, 0, 64, 64)), image.NewGray(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			h.Pix[y*64+x] = uint8(255 * (y / 8 % 2))
			v.Pix[y*64+x] = uint8(255 * (x / 8 % 2))
		}
	}
	if d := PerceptualHash(h).Distance(PerceptualHash(v)); d <= DefaultMaxDistance {
		t.Errorf("stripes across and along at distance %d", d)
	}
	if PerceptualHash(image.NewGray(image.Rectangle{})) != 0 {
		t.Error("empty image does not hash to 0")
	}
}

func TestCoverage(t *testing.T) {
	for _, n := range []int{1, 7, 32, 33, 100, 512} {
		var perCell [hashSide]float64
		for _, shares := range coverage(n) {
			sum := 0.0
			for _, s := range shares {
				perCell[s.cell] += s.weight
				sum += s.weight
			}
			if sum < 0.999999 || sum > 1.000001 {
				t.Fatalf("n=%d: a pixel's shares sum to %v, want 1", n, sum)
			}
		}
		for c, w := range perCell {
			if want := float64(n) / hashSide; w < want-1e-9 || w > want+1e-9 {
				t.Fatalf("n=%d: cell %d covers %v pixels, want %v", n, c, w, want)
			}
		}
	}
}

func FuzzFingerprintImage(f *testing.F) {
	var small bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 9, 5))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 13)
	}
	png.Encode(&small, img)
	f.Add(small.Bytes())
	var g bytes.Buffer
	gif.Encode(&g, img, nil)
	f.Add(g.Bytes())
	f.Add(pngHeader(1<<20, 1<<20))
	if data, err := os.ReadFile(shareddata.Path(f, "coco/lego-battery/images/IMG20231010083824.jpg")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fp, err := FingerprintImage(t.Context(), data)
		if err != nil {
			if !errors.Is(err, ErrImageFormat) && !errors.Is(err, ErrImageSize) {
				t.Fatalf("error %v wraps neither ErrImageFormat nor ErrImageSize", err)
			}
			return
		}
		if fp.Kind != KindImage || fp.DNA != sha256.Sum256(data) {
			t.Fatalf("fingerprint %+v of a decodable image", fp)
		}
	})
}

func FuzzParseDNA(f *testing.F) {
	f.Add(FingerprintText("x").DNA.String())
	f.Add("dna:")
	f.Add(strings.Repeat("A", 64))
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDNA(s)
		if err != nil {
			if !errors.Is(err, ErrDNASyntax) {
				t.Fatalf("error %v does not wrap ErrDNASyntax", err)
			}
			return
		}
		if !strings.EqualFold(strings.TrimPrefix(s, "dna:"), d.String()[4:]) {
			t.Fatalf("ParseDNA(%q) = %s", s, d)
		}
	})
}
