package pages

import (
	"io"
	"net/http"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/problem"
)

// recordingForm reads the upload form of the recordings page: a
// recording file (a Chrome Recorder export, or the extension's), and the
// datanet it goes to.
func recordingForm(w http.ResponseWriter, r *http.Request) (body []byte, datanet string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, action.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return nil, "", problem.New(problem.TooLarge, "the file is not readable or larger than %d MB", action.MaxUpload>>20)
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return nil, "", problem.New(problem.Invalid, "choose a recording file (JSON)")
	}
	defer file.Close()
	body, err = io.ReadAll(file)
	if err != nil {
		return nil, "", problem.New(problem.BadRequest, "the file could not be read")
	}
	return body, r.FormValue("datanet"), nil
}
