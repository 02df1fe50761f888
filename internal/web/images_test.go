package web_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// bombPNG is a 5000×5000 black PNG: some tens of kilobytes that decode to
// 25 megapixels (100 MB as RGBA).
func bombPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, image.NewGray(image.Rect(0, 0, 5000, 5000))); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 200<<10 {
		t.Fatalf("the bomb is %d bytes", buf.Len())
	}
	return buf.Bytes()
}

// TestImageBombsAreRefused: a small PNG that claims 25 megapixels is
// refused on its header, with a 422 naming the file, wherever images come
// in — a datanet contribution, a YOLO or a COCO import — and nothing is
// stored.
func TestImageBombsAreRefused(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withDatanets(t, f)
	withRequester(t, f)
	bomb := bombPNG(t)
	multi := func(files map[string][]byte, fields map[string]string) (string, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		for key, data := range files {
			field, name, _ := strings.Cut(key, ":")
			fw, _ := mw.CreateFormFile(field, name)
			fw.Write(data)
		}
		mw.Close()
		return body.String(), mw.FormDataContentType()
	}
	contribution, contributionCT := multi(map[string][]byte{"image:bomb.png": bomb}, map[string]string{"meta": `{}`})
	yolo, yoloCT := multi(map[string][]byte{"images:bomb.png": bomb, "yolo:bomb.txt": []byte("0 0.5 0.5 0.1 0.1\n")}, nil)
	coco, cocoCT := multi(map[string][]byte{"images:bomb.png": bomb,
		"coco:coco.json": []byte(`{"images":[{"id":1,"file_name":"bomb.png","width":5000,"height":5000}],"annotations":[],"categories":[{"id":1,"name":"part"}]}`)}, nil)
	runScenarios(t, f, []scenario{
		{name: "consent", as: "ada", method: "POST", path: "/api/v1/datanets/photos/consent", body: `{"action":"grant"}`, status: 200},
		{name: "a bomb as a contribution", as: "ada", method: "POST", path: "/api/v1/datanets/photos/contributions", contentType: contributionCT, body: contribution,
			status: 422, errCode: "invalid", contains: []string{"image", "5000×5000 pixels", "at most 16000000 pixels"}},
		{name: "project", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
			body: `{"slug":"parts","name":"Parts","client":"Bricks","purpose":"find parts","instructions":"Box each part.","task_type":"bounding_box",
				"labels":["part"],"pay_per_task":10,"est_seconds":20,"budget":5000}`},
		{name: "a bomb in a YOLO import", as: "rita", method: "POST", path: "/api/v1/projects/parts/items", contentType: yoloCT, body: yolo,
			status: 422, errCode: "invalid", errField: "image bomb.png", contains: []string{"5000×5000 pixels"}},
		{name: "a bomb in a COCO import", as: "rita", method: "POST", path: "/api/v1/projects/parts/items", contentType: cocoCT, body: coco,
			status: 422, errCode: "invalid", errField: "image bomb.png", contains: []string{"5000×5000 pixels"}},
	})
	for table, want := range map[string]int{"contributions": 0, "items": 0} {
		var n int
		if err := f.app.DB.Read().QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != want {
			t.Errorf("%s: %d (%v), want %d", table, n, err, want)
		}
	}
}
