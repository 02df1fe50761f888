package work_test

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// member adds a worker to the environment.
func (e *env) member(t *testing.T, name string) {
	t.Helper()
	err := e.db.InTx(t.Context(), func(tx *store.Tx) error {
		var id int64
		err := tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'x', 'member', 0) RETURNING id`,
			"m-"+name, name+"@example.org", name).Scan(&id)
		e.ids[name], e.pids[name] = id, "m-"+name
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Three workers outline two images. On "agreed", ada and bob draw the same
// concave outline and cai draws its hull; on "scattered" nobody agrees.
func TestPolygonResults(t *testing.T) {
	const (
		cup     = `{"label":"cat","points":[[10,10],[15,10],[15,38],[35,38],[35,10],[40,10],[40,40],[10,40]]}`
		cupLow  = `{"label":"cat","points":[[10,11],[15,11],[15,39],[35,39],[35,11],[40,11],[40,41],[10,41]]}`
		hull    = `{"label":"cat","points":[[10,10],[40,10],[40,40],[10,40]]}`
		dogHere = `{"label":"dog","points":[[10,10],[40,10],[40,40],[10,40]]}`
		catFar  = `{"label":"cat","points":[[100,100],[130,100],[130,130],[100,130]]}`
	)
	answers := map[string]map[string]string{
		"agreed":    {"ada": cup, "bob": cupLow, "cai": hull},
		"scattered": {"ada": hull, "bob": dogHere, "cai": catFar},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.member(t, "cai")
		ctx := t.Context()
		p := e.project(t, work.Project{Slug: "outlines", TaskType: work.Polygon, Labels: []string{"cat", "dog"}, PayPerTask: 30, ReviewHours: 0, Redundancy: 3}, 0, nil, nil)
		var items []work.NewItem
		for _, name := range []string{"agreed", "scattered"} {
			items = append(items, work.NewItem{Item: work.Item{Name: name, Width: 200, Height: 200}, Image: strings.NewReader("fake image " + name)})
		}
		if err := e.s.AddItems(ctx, p.ID, items); err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, w := range []string{"ada", "bob", "cai"} {
			for range 2 {
				a, err := e.s.Next(ctx, e.ids[w], p.Slug)
				if err != nil {
					t.Fatalf("%s next: %v", w, err)
				}
				task, err := e.s.Task(ctx, e.ids[w], a.ID)
				if err != nil {
					t.Fatal(err)
				}
				ids[task.Item.Name] = task.Item.ID
				body := `{"polygons":[` + answers[task.Item.Name][w] + `]}`
				if _, err := e.s.Submit(ctx, e.ids[w], a.ID, []byte(body)); err != nil {
					t.Fatalf("%s submit %s: %v", w, body, err)
				}
			}
		}
		res, err := e.s.Results(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(res.Method, "polygon consensus") {
			t.Errorf("method %q", res.Method)
		}
		if len(res.Items) != 2 || res.Items[0].Item != ids["agreed"] || res.Items[1].Item != ids["scattered"] {
			t.Fatalf("items %+v, want agreed (%d) and scattered (%d)", res.Items, ids["agreed"], ids["scattered"])
		}
		var want annotation.Answer
		if err := json.Unmarshal([]byte(`{"polygons":[`+cup+`]}`), &want); err != nil {
			t.Fatal(err)
		}
		agreed := res.Items[0]
		if agreed.Answers != 3 || len(agreed.Polygons) != 1 || len(agreed.Boxes) != 0 ||
			!reflect.DeepEqual(agreed.Polygons[0].Polygon, want.Polygons[0]) ||
			!reflect.DeepEqual(agreed.Polygons[0].Workers, []string{"m-ada", "m-bob"}) {
			t.Errorf("agreed: %+v, want ada's cup drawn by ada and bob", agreed)
		}
		if math.Abs(agreed.Agreement-2.0/3) > 1e-9 {
			t.Errorf("agreed: agreement %v, want 2/3", agreed.Agreement)
		}
		if s := res.Items[1]; s.Answers != 3 || len(s.Polygons) != 0 || s.Agreement != 0 {
			t.Errorf("scattered: %+v, want no polygon and no agreement", s)
		}
		wantRel := map[string]float64{"m-ada": 0.5, "m-bob": 0.5, "m-cai": 0}
		if !reflect.DeepEqual(res.Reliability, wantRel) {
			t.Errorf("reliability %v, want %v", res.Reliability, wantRel)
		}
		// The COCO export of the inferred labels carries the outline.
		var coco bytes.Buffer
		if _, _, err := e.s.Export(ctx, p, "coco", false, &coco); err != nil {
			t.Fatal(err)
		}
		if got := coco.String(); strings.Count(got, `"segmentation"`) != 1 || !strings.Contains(got, `[10,10,15,10,15,38,35,38,35,10,40,10,40,40,10,40]`) {
			t.Errorf("COCO export of the results: %s", got)
		}
		// The API shows the outlines as the box project shows boxes.
		js, err := json.Marshal(res.Items[0])
		if err != nil || !strings.Contains(string(js), `"polygons":[{"label":"cat","points":[[10,10],`) {
			t.Errorf("JSON %s, %v", js, err)
		}
	})
}
