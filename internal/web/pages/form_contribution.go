package pages

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/upload"
)

// contributionForm reads the contribute form of datanet d: multipart
// with either typed fields (text, question, answer, and the datanet's
// own fields), a JSONL file ("records"), or an image.
func contributionForm(w http.ResponseWriter, r *http.Request, d datanet.Datanet) (datanet.Submission, error) {
	r.Body = http.MaxBytesReader(w, r.Body, upload.MaxBatch)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return datanet.Submission{}, problem.New(problem.BadRequest, "cannot read the form: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	if f, _, err := r.FormFile("records"); err == nil {
		defer f.Close()
		return d.ParseRecords(datanet.FormatJSONL, f)
	}
	if d.RecordKind == datanet.KindImage {
		return upload.Image(w, r, d)
	}
	rec := map[string]any{}
	for _, k := range []string{"text", "question", "answer"} {
		if v := r.FormValue(k); v != "" {
			rec[k] = v
		}
	}
	fields := map[string]string{}
	for _, name := range d.Fields {
		if v := strings.TrimSpace(r.FormValue("field_" + name)); v != "" {
			fields[name] = v
		}
	}
	if len(fields) > 0 {
		rec["fields"] = fields
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return datanet.Submission{}, err
	}
	return d.ParseRecords(datanet.FormatJSON, strings.NewReader(string(b)))
}
