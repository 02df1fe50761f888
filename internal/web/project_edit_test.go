package web_test

import (
	"bytes"
	"mime/multipart"
	"testing"

	"github.com/allmende/allmende/internal/store"
)

// multipartImages is a multipart body with the files as "images", and its
// content type.
func multipartImages(t *testing.T, files ...[]byte) (string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, data := range files {
		fw, err := mw.CreateFormFile("images", "example.png")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return body.String(), mw.FormDataContentType()
}

// TestProjectEditAPI: the requester changes a project's instructions,
// labels and pay through the API; pay down, an unknown field, another
// member and labels once work has started are refused. The edit page is
// its managers' alone; so are adding and removing example images.
func TestProjectEditAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	png, _ := tinyPNG(t, 40)
	image, imageType := multipartImages(t, png)
	notImage, notImageType := multipartImages(t, []byte("not an image"))
	runScenarios(t, f, []scenario{
		{name: "project", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
			body: `{"slug":"texts","name":"Texts","client":"C","purpose":"P","instructions":"I","task_type":"text_classification","labels":["a","b"],"pay_per_task":10,"est_seconds":20,"budget":500,"redundancy":1}`},
		{name: "items", as: "rita", method: "POST", path: "/api/v1/projects/texts/items", contentType: "application/x-ndjson", body: "{\"text\":\"hello\"}\n", status: 201},
		{name: "clearer instructions, other labels, more pay", as: "rita", method: "PATCH", path: "/api/v1/projects/texts",
			body: `{"instructions":"Say whether the greeting is friendly.","labels":["friendly","rude"],"pay_per_task":12}`, status: 200,
			contains: []string{`"instructions": "Say whether the greeting is friendly."`, `"friendly"`, `"pay_per_task": 12`}},
		{name: "pay down", as: "rita", method: "PATCH", path: "/api/v1/projects/texts", body: `{"pay_per_task":11}`, status: 422, errCode: "invalid", errField: "pay_per_task"},
		{name: "an unknown field", as: "rita", method: "PATCH", path: "/api/v1/projects/texts", body: `{"budget":9}`, status: 422, errCode: "invalid"},
		{name: "a member", as: "ada", method: "PATCH", path: "/api/v1/projects/texts", body: `{"pay_per_task":100}`, status: 404, errCode: "not_found"},
		{name: "anonymous", method: "PATCH", path: "/api/v1/projects/texts", body: `{"pay_per_task":100}`, status: 401},
		{name: "an example image", as: "rita", method: "POST", path: "/api/v1/projects/texts/examples", contentType: imageType, body: image, status: 201, contains: []string{`"examples": [`}},
		{name: "an example that is no image", as: "rita", method: "POST", path: "/api/v1/projects/texts/examples", contentType: notImageType, body: notImage, status: 422, errCode: "invalid", errField: "examples"},
		{name: "a member adds an example", as: "ada", method: "POST", path: "/api/v1/projects/texts/examples", contentType: imageType, body: image, status: 404, errCode: "not_found"},
		{name: "a member removes an example", as: "ada", method: "DELETE", path: "/api/v1/projects/texts/examples/1", status: 404, errCode: "not_found"},
		{name: "the example on the page", as: "rita", method: "GET", path: "/projects/texts/examples/1", status: 200},
		{name: "the requester removes it", as: "rita", method: "DELETE", path: "/api/v1/projects/texts/examples/1", status: 204},
		{name: "it is gone", as: "rita", method: "GET", path: "/projects/texts/examples/1", status: 404},
		{name: "the edit page", as: "rita", method: "GET", path: "/projects/texts/edit", status: 200, contains: []string{"Edit the project", `value="friendly, rude"`, `value="0.12"`}},
		{name: "the edit page for a member", as: "ada", method: "GET", path: "/projects/texts/edit", status: 404},
		{name: "the edit page for nobody", method: "GET", path: "/projects/texts/edit", status: 303},
		{name: "an example of a draft for a member", as: "ada", method: "GET", path: "/projects/texts/examples/1", status: 404},
		{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/texts/approve", status: 200},
		{name: "a worker takes the task", as: "ada", method: "POST", path: "/api/v1/projects/texts/next", status: 201},
		{name: "labels once work started", as: "rita", method: "PATCH", path: "/api/v1/projects/texts", body: `{"labels":["kind","rude"]}`, status: 422, errCode: "invalid", errField: "labels"},
		{name: "an example for the workers", as: "rita", method: "POST", path: "/api/v1/projects/texts/examples", contentType: imageType, body: image, status: 201},
		{name: "the worker's task shows it", as: "ada", method: "GET", path: "/tasks/1", status: 200, contains: []string{`id="task-examples"`, `src="/projects/texts/examples/2"`}},
		{name: "and serves it to the worker", as: "ada", method: "GET", path: "/projects/texts/examples/2", status: 200},
		{name: "a steward raises the pay", as: "stella", method: "PATCH", path: "/api/v1/projects/texts", body: `{"pay_per_task":15}`, status: 200, contains: []string{`"pay_per_task": 15`}},
	})
}
