package pages

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/work"
)

// workView is a task's work as the "work-view" partial draws it: the item
// with the worker's answer on it — boxes and polygons over the image as
// SVG drawn on the server, the texts with the chosen label or answer — so
// that whoever decides on it, or reads a decision, sees the work itself.
type workView struct {
	Mode          string
	Image         string
	W, H          int
	Text, TextB   string
	Boxes         []shapeView
	Polygons      []shapeView
	Label, Choice string
	Reason        string
	// Answered is false while the task is open; Erased when the worker
	// erased their answer.
	Answered, Erased bool
	// Font is the label tags' size in image pixels, so they read the same
	// on a small and a large image.
	Font float64
}

type shapeView struct {
	Label, Class string
	X, Y, W, H   float64
	Points       string
}

// labelClass gives each of a project's labels one of eight colours, in
// the order of the label set, so the same label has the same colour on
// every case.
func labelClass(labels []string, label string) string {
	i := slices.Index(labels, label)
	if i < 0 {
		i = 0
	}
	return "lbl-" + strconv.Itoa(i%8)
}

// outline writes a polygon's points as SVG's points attribute.
func outline(ps []annotation.Point) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(p.X, 'f', 1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(p.Y, 'f', 1, 64))
	}
	return b.String()
}

func viewWork(c work.Case) workView {
	v := workView{Mode: string(c.Project.TaskType), W: c.Item.Width, H: c.Item.Height, Text: c.Item.Text, TextB: c.Item.TextB,
		Answered: c.Answer != nil, Erased: c.Erased,
		Label: c.Work.Label, Choice: c.Work.Choice, Reason: c.Work.Reason}
	if c.Item.Blob != "" {
		v.Image = "/items/" + c.Item.Blob
	}
	v.Font = max(float64(max(v.W, v.H))/25, 10)
	for _, b := range c.Work.Boxes {
		v.Boxes = append(v.Boxes, shapeView{Label: b.Label, Class: labelClass(c.Project.Labels, b.Label), X: b.X, Y: b.Y, W: b.W, H: b.H})
	}
	for _, p := range c.Work.Polygons {
		s := shapeView{Label: p.Label, Class: labelClass(c.Project.Labels, p.Label), Points: outline(p.Points)}
		if len(p.Points) > 0 {
			s.X, s.Y = p.Points[0].X, p.Points[0].Y
		}
		v.Polygons = append(v.Polygons, s)
	}
	return v
}

// answerSummary says in a few words what a stored answer of a task type
// holds — "2 boxes: battery, cable", "label negative", "chose A", "nothing
// to label" (an empty drawing, stored as {}) — for lists of submissions,
// where the work itself is one click away. An answer that does not read
// is "—".
func answerSummary(raw []byte, taskType work.TaskType) string {
	var a annotation.Answer
	if json.Unmarshal(raw, &a) != nil {
		return "—"
	}
	shapes := func(n int, one, many string, labels []string) string {
		s := fmt.Sprintf("%d %s", n, many)
		if n == 1 {
			s = "1 " + one
		}
		var seen []string
		for _, l := range labels {
			if !slices.Contains(seen, l) {
				seen = append(seen, l)
			}
		}
		return s + ": " + strings.Join(seen, ", ")
	}
	var parts []string
	if len(a.Boxes) > 0 {
		var ls []string
		for _, b := range a.Boxes {
			ls = append(ls, b.Label)
		}
		parts = append(parts, shapes(len(a.Boxes), "box", "boxes", ls))
	}
	if len(a.Polygons) > 0 {
		var ls []string
		for _, p := range a.Polygons {
			ls = append(ls, p.Label)
		}
		parts = append(parts, shapes(len(a.Polygons), "polygon", "polygons", ls))
	}
	switch {
	case a.Label != "":
		parts = append(parts, "label "+a.Label)
	case a.Choice != "":
		parts = append(parts, "chose "+strings.ToUpper(a.Choice))
	}
	if len(parts) == 0 {
		if taskType == work.BoundingBox || taskType == work.Polygon {
			return "nothing to label"
		}
		return "—"
	}
	return strings.Join(parts, "; ")
}
