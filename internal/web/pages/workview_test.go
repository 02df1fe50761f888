package pages

import (
	"testing"

	"github.com/allmende/allmende/internal/work"
)

func TestAnswerSummary(t *testing.T) {
	for _, c := range []struct {
		raw  string
		tt   work.TaskType
		want string
	}{
		{`{"boxes":[{"label":"battery","x":1,"y":2,"w":3,"h":4},{"label":"cable","x":1,"y":2,"w":3,"h":4},{"label":"battery","x":1,"y":2,"w":3,"h":4}]}`, work.BoundingBox, "3 boxes: battery, cable"},
		{`{"polygons":[{"label":"roof","points":[[0,0],[1,0],[1,1]]}]}`, work.Polygon, "1 polygon: roof"},
		{`{"label":"negative"}`, work.TextClassification, "label negative"},
		{`{"choice":"b","reason":"shorter"}`, work.Pairwise, "chose B"},
		{`{}`, work.BoundingBox, "nothing to label"},
		{`{}`, work.TextClassification, "—"},
		{`not json`, work.Pairwise, "—"},
	} {
		if got := answerSummary([]byte(c.raw), c.tt); got != c.want {
			t.Errorf("%s: %q, want %q", c.raw, got, c.want)
		}
	}
}
