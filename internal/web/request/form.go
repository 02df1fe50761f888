package request

import (
	"net/http"

	"github.com/allmende/allmende/internal/problem"
)

// maxForm bounds a form body; uploads are multipart and have their own
// limits.
const maxForm = 64 << 10

// Form reads a form body of bounded size into r.PostForm.
func Form(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return problem.New(problem.BadRequest, "cannot read the form")
	}
	return nil
}
