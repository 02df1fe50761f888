package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"mime/multipart"
	"strconv"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// markedJPEG is a small photo whose file holds the marker (in a JPEG
// comment), so that a search of the data folder finds any copy of it.
func markedJPEG(t *testing.T, marker string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	img := b.Bytes()
	com := append([]byte{0xFF, 0xFE, 0, byte(len(marker) + 2)}, marker...)
	return append(append(append([]byte{}, img[:2]...), com...), img[2:]...)
}

// TestRemovingAnExampleDeletesItsImage: an example image removed from a
// project's instructions leaves no copy in the data folder. The same image
// added twice is stored once, so removing one of the two keeps it for the
// other, which still shows; removing the second deletes it.
func TestRemovingAnExampleDeletesItsImage(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	marker := "EXAMPLEMARKERWOMBAT" + strconv.FormatInt(int64(len(t.Name())), 10)
	photo := markedJPEG(t, marker)
	runScenarios(t, f, []scenario{{name: "project", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
		body: `{"slug":"texts","name":"Texts","client":"C","purpose":"P","instructions":"I","task_type":"text_classification","labels":["a","b"],"pay_per_task":10,"est_seconds":20,"budget":500,"redundancy":1}`}})
	add := func() []int64 {
		t.Helper()
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		w, _ := mw.CreateFormFile("images", "example.jpg")
		w.Write(photo)
		mw.Close()
		resp := f.do("rita", "POST", "/api/v1/projects/texts/examples", mw.FormDataContentType(), b.String(), nil)
		var p struct{ Examples []int64 }
		if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &p) != nil {
			t.Fatalf("add an example: %d %s", resp.StatusCode, body)
		}
		return p.Examples
	}
	add()
	ids := add()
	if len(ids) != 2 {
		t.Fatalf("examples %v, want two", ids)
	}
	dir := f.app.DataDir()
	if findMarker(t, dir, marker) == "" {
		t.Fatal("the example image is not in the data folder: the search would find nothing anyway")
	}
	remove := func(id int64) {
		t.Helper()
		if resp := f.do("rita", "DELETE", "/api/v1/projects/texts/examples/"+strconv.FormatInt(id, 10), "", "", nil); resp.StatusCode != 204 {
			t.Fatalf("remove example %d: %d %s", id, resp.StatusCode, readBody(t, resp))
		}
	}
	remove(ids[0])
	if findMarker(t, dir, marker) == "" {
		t.Fatal("removing one of two identical examples deleted the image the other shows")
	}
	resp := f.do("rita", "GET", "/projects/texts/examples/"+strconv.FormatInt(ids[1], 10), "", "", nil)
	if body := readBody(t, resp); resp.StatusCode != 200 || body != string(photo) {
		t.Fatalf("the remaining example: %d, %d bytes", resp.StatusCode, len(body))
	}
	remove(ids[1])
	if where := findMarker(t, dir, marker); where != "" {
		t.Fatalf("the removed example's image is still at %s", where)
	}
}
