package work_test

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

// TestCreateWithItemsTakesTheFilesLabels: a box project created without
// labels from a COCO file takes the file's categories in file order (a
// Label Studio export's and a YOLO classes.txt's likewise); one with
// labels that lack a category the file's boxes use is refused on the
// labels field, naming that category, and nothing is created.
func TestCreateWithItemsTakesTheFilesLabels(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	images := legoImages(t)
	const img = "IMG20231010083824.jpg"
	coco := `{"categories":[{"id":2,"name":"cable"},{"id":1,"name":"battery"}],"images":[{"id":7,"file_name":"` + img + `","width":512,"height":256}],
		"annotations":[{"id":1,"image_id":7,"category_id":1,"bbox":[10,10,50,50]}]}`
	ls := `[{"id":7,"data":{"image":"` + img + `"},"annotations":[{"result":[{"type":"rectanglelabels","original_width":512,"original_height":256,"value":{"x":1,"y":1,"width":10,"height":10,"rectanglelabels":["screw"]}}]}]}]`
	project := func(slug string, labels ...string) work.Project {
		return work.Project{Slug: slug, Name: "Parts", Client: "Robot Co", Purpose: "find parts", Instructions: "Box each part.",
			TaskType: work.BoundingBox, Labels: labels, PayPerTask: 40, EstSeconds: 60, Budget: 1000}
	}
	for _, tc := range []struct {
		slug   string
		upload work.Upload
		want   string
	}{
		{"from-coco", work.Upload{COCO: []byte(coco), Images: images}, "cable,battery"},
		{"from-labelstudio", work.Upload{LabelStudio: []byte(ls), Images: images}, "screw"},
		{"from-yolo", work.Upload{YOLO: map[string][]byte{"classes.txt": []byte("nut\nbolt\n"), "IMG20231010083824.txt": []byte("1 0.5 0.5 0.1 0.1\n")}, Images: images}, "nut,bolt"},
	} {
		p, _, err := e.s.CreateWithItems(ctx, e.as("rita"), project(tc.slug), tc.upload)
		if err != nil {
			t.Fatalf("%s: %v", tc.slug, err)
		}
		if got := strings.Join(p.Labels, ","); got != tc.want || p.Items == 0 {
			t.Errorf("%s: labels %q with %d items, want %q", tc.slug, got, p.Items, tc.want)
		}
	}

	_, _, err := e.s.CreateWithItems(ctx, e.as("rita"), project("typo", "Battery", "cable"), work.Upload{COCO: []byte(coco), Images: images})
	pr, ok := problem.As(err)
	if !ok || pr.Kind != problem.Invalid || !strings.Contains(pr.Fields["labels"], `"battery" (you typed "Battery")`) || strings.Contains(pr.Fields["labels"], `"cable"`+" (") {
		t.Fatalf("mismatch: %v %+v", err, pr)
	}
	if _, err := e.s.BySlug(ctx, "typo"); !problem.Is(err, problem.NotFound) {
		t.Fatalf("a refused project was created: %v", err)
	}
	// A category the boxes do not use is no mismatch.
	if _, _, err := e.s.CreateWithItems(ctx, e.as("rita"), project("unused", "battery"), work.Upload{COCO: []byte(coco), Images: images}); err != nil {
		t.Fatalf("an unused category: %v", err)
	}
	// A failed import leaves nothing behind.
	_, _, err = e.s.CreateWithItems(ctx, e.as("rita"), project("no-images"), work.Upload{COCO: []byte(coco)})
	if !problem.Is(err, problem.Invalid) {
		t.Fatalf("no images: %v", err)
	}
	if _, err := e.s.BySlug(ctx, "no-images"); !problem.Is(err, problem.NotFound) {
		t.Fatalf("a draft stayed after a failed import: %v", err)
	}
	if _, _, err := e.s.CreateWithItems(ctx, e.as("ada"), project("by-a-worker"), work.Upload{COCO: []byte(coco), Images: images}); !problem.Is(err, problem.Forbidden) {
		t.Fatalf("a member created a project: %v", err)
	}
}
