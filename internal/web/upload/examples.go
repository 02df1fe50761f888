package upload

import (
	"io"
	"net/http"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/work"
)

// MaxExampleBytes bounds one example image of a project's instructions.
const MaxExampleBytes = 10 << 20

// MaxExamplesBody bounds a body that carries a project's example images.
const MaxExamplesBody = work.MaxExamples*MaxExampleBytes + 1<<20

// Examples reads the example images in a parsed multipart form's field,
// each at most MaxExampleBytes; the work domain checks that they are
// images. A file too large is a problem on the field.
func Examples(r *http.Request, field string) ([][]byte, error) {
	var out [][]byte
	if r.MultipartForm == nil {
		return nil, nil
	}
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size > MaxExampleBytes {
			return nil, &problem.Error{Kind: problem.Invalid, Message: "an example image is too large",
				Fields: map[string]string{field: fh.Filename + " is larger than 10 MB"}}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, problem.New(problem.BadRequest, "cannot read %s: %v", fh.Filename, err)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, problem.New(problem.BadRequest, "cannot read %s: %v", fh.Filename, err)
		}
		out = append(out, data)
	}
	return out, nil
}
