// Package upload reads the files members upload — an image for a datanet,
// the item files of a project — from multipart bodies within bounds. The
// pages' forms and the API take the same uploads.
package upload

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/work"
)

// MaxBatch bounds a batch of records, after decompression: 10,000 records
// of a few kilobytes.
const MaxBatch = 64 << 20

// MaxItems bounds a project's item files: an annotation file with its
// images.
const MaxItems = 200 << 20

// Image reads an image contribution: an "image" file and an optional
// "meta" JSON object (labels and boxes); a plain form sends label
// checkboxes instead of meta.
func Image(w http.ResponseWriter, r *http.Request, d datanet.Datanet) (datanet.Submission, error) {
	r.Body = http.MaxBytesReader(w, r.Body, datanet.MaxImageBytes+1<<20)
	if err := r.ParseMultipartForm(datanet.MaxImageBytes + 1<<20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return datanet.Submission{}, problem.New(problem.TooLarge, "the upload is larger than %d MB", datanet.MaxImageBytes>>20)
		}
		return datanet.Submission{}, problem.New(problem.BadRequest, "cannot read the upload: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	f, _, err := r.FormFile("image")
	if err != nil {
		return datanet.Submission{}, &problem.Error{Kind: problem.Invalid, Message: "no image in the upload", Fields: map[string]string{"image": "attach a JPEG, PNG or GIF file as 'image'"}}
	}
	defer f.Close()
	img, err := io.ReadAll(f)
	if err != nil {
		return datanet.Submission{}, err
	}
	meta := r.FormValue("meta")
	if strings.TrimSpace(meta) == "" {
		labels := r.MultipartForm.Value["labels"]
		if labels == nil {
			labels = []string{}
		}
		b, err := json.Marshal(map[string]any{"labels": labels})
		if err != nil {
			return datanet.Submission{}, err
		}
		meta = string(b)
	}
	if json.Valid([]byte(meta)) && !strings.HasPrefix(strings.TrimSpace(meta), "{") {
		return datanet.Submission{}, &problem.Error{Kind: problem.Invalid, Message: "meta must be a JSON object", Fields: map[string]string{"meta": "a JSON object with labels and boxes"}}
	}
	sub, err := d.ParseRecords(datanet.FormatJSON, strings.NewReader(meta))
	if err != nil {
		return datanet.Submission{}, err
	}
	sub.Image = img
	return sub, nil
}

// Items reads the item files of a project from a parsed multipart form:
// a "coco" file, a "labelstudio" export or "yolo" label files, with the
// "images", or an "items" file of JSON Lines texts. texts is whether the
// texts file is read: the API takes texts as a body of their own.
func Items(r *http.Request, texts bool) (work.Upload, error) {
	var u work.Upload
	var err error
	if u.COCO, err = file(r, "coco"); err != nil {
		return work.Upload{}, err
	}
	if u.LabelStudio, err = file(r, "labelstudio"); err != nil {
		return work.Upload{}, err
	}
	if texts {
		t, err := file(r, "items")
		if err != nil {
			return work.Upload{}, err
		}
		if t != nil {
			u.Texts = bytes.NewReader(t)
		}
	}
	if u.Images, err = files(r, "images"); err != nil {
		return work.Upload{}, err
	}
	if u.YOLO, err = files(r, "yolo"); err != nil {
		return work.Upload{}, err
	}
	return u, nil
}

// file reads one uploaded file, or nil when there is none.
func file(r *http.Request, name string) ([]byte, error) {
	f, _, err := r.FormFile(name)
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	return io.ReadAll(f)
}

// files reads a multiple file field by base name.
func files(r *http.Request, field string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, fh := range r.MultipartForm.File[field] {
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		out[path.Base(fh.Filename)] = b
	}
	return out, nil
}
