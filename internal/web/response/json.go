package response

import (
	"archive/zip"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// JSON writes v as the body, indented for people who read it with curl.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// List is an API list response: the list under its name, and "next", the
// cursor of the following page, when there is one.
type List map[string]any

// Next adds the cursor of the following page, if there is one.
func (l List) Next(cursor string) List {
	if cursor != "" {
		l["next"] = cursor
	}
	return l
}

// Download answers with a file to save rather than show.
func Download(w http.ResponseWriter, mediaType, name string, body []byte) {
	attachment(w, mediaType, name)
	_, _ = w.Write(body)
}

// Stream answers with a file to save that write writes as it goes (a
// table too large to hold).
func Stream(w http.ResponseWriter, mediaType, name string, write func(io.Writer) error) error {
	attachment(w, mediaType, name)
	return write(w)
}

func attachment(w http.ResponseWriter, mediaType, name string) {
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

// Zip answers with a zip archive named name whose files write puts in
// through create. Nothing is written until the first file is created, so
// that write can still refuse (and its error get its status); an error
// after that leaves the archive unfinished, which every unzip reports.
func Zip(w http.ResponseWriter, name string, write func(create func(file string) (io.Writer, error)) error) error {
	var zw *zip.Writer
	create := func(file string) (io.Writer, error) {
		if zw == nil {
			w.Header().Set("Content-Type", "application/zip")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
			w.WriteHeader(http.StatusOK)
			zw = zip.NewWriter(w)
		}
		return zw.CreateHeader(&zip.FileHeader{Name: file, Method: zip.Deflate, Modified: time.Now().UTC()})
	}
	if err := write(create); err != nil {
		return err
	}
	if zw == nil {
		_, err := create("empty")
		if err != nil {
			return err
		}
	}
	return zw.Close()
}
