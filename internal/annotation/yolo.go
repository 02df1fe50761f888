package annotation

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Limits of one YOLO label file.
const (
	MaxYOLOBytes = 16 << 20
	MaxYOLOLines = 10_000
)

// ExportYOLO writes ds in the Ultralytics YOLO layout by calling write once
// per file, so that the caller chooses a folder or an archive:
//
//   - data.yaml, naming the classes (names: index → label, in the order
//     of ds.Categories) and pointing train and val at images/;
//   - labels/<stem>.txt for every image, where <stem> is its file name
//     without the extension and without a leading "images/"; the caller
//     puts the image itself at images/<file name without "images/">, which
//     is where Ultralytics looks for it.
//
// A box is written as "class x_center y_center width height", a polygon as
// "class x1 y1 x2 y2 ...", every coordinate divided by the image's width or
// height and written with 6 decimals. If any annotation has a polygon,
// every line is a polygon (a box becomes its four corners): Ultralytics
// reads a file with any polygon line as all polygons, and would misread a
// box among them. An object of several polygon parts becomes one line per
// part. Scores, attributes and workers are not part of the format.
//
// A dataset that fails [Dataset.Validate], has whole-image labels (YOLO
// detection has none), or whose file names map to the same label file is
// refused.
func ExportYOLO(ds Dataset, write func(name string, data []byte) error) error {
	var ps problems
	ds.validate(&ps)
	class := make(map[string]int, len(ds.Categories))
	for i, c := range ds.Categories {
		class[c.Name] = i
	}
	segments := false
	for i, an := range ds.Annotations {
		if !an.hasShape() {
			ps.add(fmt.Sprintf("annotations[%d]", i), "no box or polygon; YOLO detection has no whole-image labels")
		}
		segments = segments || len(an.Polygons) > 0
	}
	names := make([]string, len(ds.Images))
	seen := map[string]string{}
	for i, im := range ds.Images {
		names[i] = yoloLabelPath(im.FileName)
		if other, dup := seen[names[i]]; dup {
			ps.add(fmt.Sprintf("images[%d]", i), "file name %q has the same label file %s as %q", im.FileName, names[i], other)
		}
		seen[names[i]] = im.FileName
	}
	if err := ps.err("dataset for YOLO"); err != nil {
		return err
	}

	var y bytes.Buffer
	y.WriteString("# Ultralytics YOLO dataset exported by Allmende.\n")
	y.WriteString("# Images go in images/, next to labels/.\n")
	y.WriteString("path: .\ntrain: images\nval: images\n")
	fmt.Fprintf(&y, "nc: %d\nnames:\n", len(ds.Categories))
	for i, c := range ds.Categories {
		// A Go-quoted string is a valid YAML double-quoted scalar: both
		// know \", \\, \n, \t, \xXX, \uXXXX and \UXXXXXXXX.
		fmt.Fprintf(&y, "  %d: %s\n", i, strconv.Quote(c.Name))
	}
	if err := write("data.yaml", y.Bytes()); err != nil {
		return fmt.Errorf("write data.yaml: %w", err)
	}

	anns := byImage(ds.Annotations)
	for i, im := range ds.Images {
		var b bytes.Buffer
		w, h := float64(im.Width), float64(im.Height)
		for _, k := range anns[im.ID] {
			an := ds.Annotations[k]
			c := class[an.Label]
			switch {
			case !segments:
				r := an.box()
				fmt.Fprintf(&b, "%d %.6f %.6f %.6f %.6f\n", c, unit((r.X+r.W/2)/w), unit((r.Y+r.H/2)/h), unit(r.W/w), unit(r.H/h))
			case len(an.Polygons) == 0:
				writeYOLOPolygon(&b, c, an.Box.corners(), w, h)
			default:
				for _, p := range an.Polygons {
					writeYOLOPolygon(&b, c, p, w, h)
				}
			}
		}
		if err := write(names[i], b.Bytes()); err != nil {
			return fmt.Errorf("write %s: %w", names[i], err)
		}
	}
	return nil
}

func writeYOLOPolygon(b *bytes.Buffer, class int, pts []Point, w, h float64) {
	fmt.Fprintf(b, "%d", class)
	for _, p := range pts {
		fmt.Fprintf(b, " %.6f %.6f", unit(p.X/w), unit(p.Y/h))
	}
	b.WriteByte('\n')
}

var plural = map[string]string{"box": "boxes", "polygon": "polygons"}

// unit clamps a normalised coordinate into [0, 1]; shapes fitted to the
// border may exceed it by floating-point noise.
func unit(v float64) float64 { return min(max(v, 0), 1) }

// yoloLabelPath is the label file of an image: Ultralytics finds it by
// swapping the images/ folder for labels/ and the extension for .txt.
func yoloLabelPath(fileName string) string {
	rel := strings.TrimPrefix(fileName, "images/")
	return "labels/" + strings.TrimSuffix(rel, path.Ext(rel)) + ".txt"
}

// ImportYOLO reads one Ultralytics YOLO label file for an image of the
// given size whose class indexes name the given labels. Lines of four
// numbers are boxes ("class x_center y_center width height"), lines of six
// or more (an even number) polygons ("class x1 y1 x2 y2 ..."), all
// normalised to [0, 1]; a file mixing both is refused, since Ultralytics
// would read its boxes as two-point polygons. Blank lines are skipped.
//
// The annotations come back in line order with ImageID 0 for the caller to
// set, boxes with Box set and polygons with Polygons set. Every problem is
// listed by line in a [*ValidationError]: unknown class, wrong count or
// non-finite numbers, shapes of zero size or area, coordinates more than
// [Tolerance] pixels outside the image (those within it are clamped). An
// error wrapping [ErrSpec] means the size or names are unusable.
func ImportYOLO(r io.Reader, width, height int, names []string) ([]Annotation, error) {
	if msg := checkSize(width, height, false); msg != "" {
		return nil, fmt.Errorf("%w: image %s", ErrSpec, msg)
	}
	seen := map[string]bool{}
	for i, n := range names {
		if msg := checkName(n); msg != "" {
			return nil, fmt.Errorf("%w: class %d %q: %s", ErrSpec, i, n, msg)
		}
		if seen[n] {
			return nil, fmt.Errorf("%w: class name %q listed twice", ErrSpec, n)
		}
		seen[n] = true
	}
	f := frame{w: width, h: height, slack: Tolerance}
	w, h := float64(width), float64(height)
	var ps problems
	var out []Annotation
	sc := bufio.NewScanner(newLimitedReader(r, MaxYOLOBytes))
	sc.Buffer(nil, MaxYOLOBytes)
	kind, kindLine := "", 0 // "box" or "polygon", and where it was first seen
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if n > MaxYOLOLines {
			ps.add("", "more than %d lines", MaxYOLOLines)
			break
		}
		at := fmt.Sprintf("line %d", n)
		c, err := strconv.Atoi(fields[0])
		if err != nil || c < 0 || c >= len(names) {
			ps.add(at, "class %q is not an index of the %d class names", fields[0], len(names))
			continue
		}
		nums := fields[1:]
		this := "polygon"
		switch {
		case len(nums) == 4:
			this = "box"
		case len(nums) < 6 || len(nums)%2 != 0:
			ps.add(at, "want 4 numbers (a box) or an even number of at least 6 (a polygon), got %d", len(nums))
			continue
		}
		if kind == "" {
			kind, kindLine = this, n
		} else if this != kind {
			ps.add(at, "a %s in a file of %s (line %d); Ultralytics reads a file as all boxes or all polygons", this, plural[kind], kindLine)
			continue
		}
		v := make([]float64, len(nums))
		ok := true
		for i, s := range nums {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || !finite(x) {
				ps.add(at, "%q is not a finite number", s)
				ok = false
				break
			}
			v[i] = x
		}
		if !ok {
			continue
		}
		an := Annotation{Label: names[c]}
		if this == "box" {
			rect, msg := f.fitRect(Rect{X: (v[0] - v[2]/2) * w, Y: (v[1] - v[3]/2) * h, W: v[2] * w, H: v[3] * h})
			if msg != "" {
				ps.add(at, "%s", msg)
				continue
			}
			an.Box = &rect
		} else {
			pts := make([]Point, len(v)/2)
			for i := range pts {
				pts[i] = Point{X: v[2*i] * w, Y: v[2*i+1] * h}
			}
			fitted, ok := f.fitPolygon(at, pts, &ps)
			if !ok {
				continue
			}
			an.Polygons = [][]Point{fitted}
		}
		out = append(out, an)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, ErrTooLarge) || errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("import YOLO: %w: more than %d bytes", ErrTooLarge, MaxYOLOBytes)
		}
		return nil, fmt.Errorf("import YOLO: %w", err)
	}
	if err := ps.err("YOLO label file"); err != nil {
		return nil, err
	}
	return out, nil
}
