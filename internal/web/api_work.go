package web

import (
	"bytes"
	"io"
	"mime"
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/work"
)

func (s *Server) apiWork(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	offers, floor, next, err := s.offers(r, sess, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listJSON{"pay_floor_per_hour": floor, "projects": offers}.next(next))
}

func (s *Server) apiBrowsing(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Work.Browsing(r.Context(), sess.Member.ID); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiProjectCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !work.MayRequest(sess.Member) {
		s.apiError(w, r, problem.New(problem.Forbidden, "only requesters create projects"))
		return
	}
	var p work.Project
	if err := decodeJSON(w, r, &p); err != nil {
		s.apiError(w, r, err)
		return
	}
	created, err := s.Work.Create(r.Context(), sess.Member, p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	created.Requester = sess.Member.PublicID
	writeJSON(w, http.StatusCreated, created)
}

func (s *Server) apiProject(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	p, err := s.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// apiProjectItems adds items: JSON Lines of texts, or multipart with a
// "coco" file, a "labelstudio" export or "yolo" label files, and "images".
func (s *Server) apiProjectItems(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	p, err := s.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if p.Status != "draft" {
		s.apiError(w, r, problem.New(problem.Conflict, "items are added while the project is a draft"))
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	added := 0
	var warnings []string
	switch mt {
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(w, r.Body, 200<<20)
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			s.apiError(w, r, problem.New(problem.BadRequest, "cannot read the upload: %v", err))
			return
		}
		defer r.MultipartForm.RemoveAll()
		coco, labelStudio, images, _, err := uploadedItems(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		switch {
		case coco != nil:
			added, warnings, err = s.Work.ImportCOCO(r.Context(), p, bytes.NewReader(coco), images)
		case labelStudio != nil:
			added, warnings, err = s.Work.ImportLabelStudio(r.Context(), p, bytes.NewReader(labelStudio), images)
		default:
			var yolo map[string][]byte
			if yolo, err = readFiles(r, "yolo"); err == nil && len(yolo) > 0 {
				added, warnings, err = s.Work.ImportYOLO(r.Context(), p, yolo, images)
			} else if err == nil {
				err = &problem.Error{Kind: problem.Invalid, Message: "no annotation file", Fields: map[string]string{"coco": "attach a COCO file as 'coco' (or a Label Studio export as 'labelstudio', or YOLO label files as 'yolo') and the images as 'images'"}}
			}
		}
		if err != nil {
			s.apiError(w, r, err)
			return
		}
	case "application/x-ndjson", "application/jsonl":
		items, err := work.ParseItems(p, http.MaxBytesReader(w, r.Body, 64<<20))
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		if err := s.Work.AddItems(r.Context(), p.ID, items); err != nil {
			s.apiError(w, r, err)
			return
		}
		added = len(items)
	default:
		s.apiError(w, r, problem.New(problem.Unsupported, "send items as application/x-ndjson, or an annotation file (COCO, Label Studio or YOLO) and images as multipart/form-data"))
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"added": added, "warnings": warnings})
}

func (s *Server) apiProjectApprove(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Work.Approve(r.Context(), sess.Member, r.PathValue("slug")); err != nil {
		s.apiError(w, r, err)
		return
	}
	p, err := s.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiNext(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	a, err := s.Work.Next(r.Context(), sess.Member.ID, r.PathValue("slug"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	t, err := s.Work.Task(r.Context(), sess.Member.ID, a.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

func (s *Server) apiResults(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	p, err := s.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	res, err := s.Work.Results(r.Context(), p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiTask(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	t, err := s.Work.Task(r.Context(), sess.Member.ID, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) apiHeartbeat(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Work.Heartbeat(r.Context(), sess.Member.ID, id); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiSubmit takes the answer JSON as the body.
func (s *Server) apiSubmit(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		s.apiError(w, r, problem.New(problem.Unsupported, "send the answer as application/json"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		s.apiError(w, r, problem.New(problem.TooLarge, "the answer is larger than 1 MB"))
		return
	}
	t, err := s.Work.Submit(r.Context(), sess.Member.ID, id, body)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

type reviewRequest struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
	Uphold *bool  `json:"uphold"`
	Note   string `json:"note"`
}

func (s *Server) apiReject(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var req reviewRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	out, err := s.Work.Reject(r.Context(), sess.Member, id, req.Kind, req.Reason)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": out})
}

func (s *Server) apiAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var req reviewRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Work.Appeal(r.Context(), sess.Member, id, req.Text); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "appealed"})
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var req reviewRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	if req.Uphold == nil {
		s.apiError(w, r, &problem.Error{Kind: problem.Invalid, Message: "say whether the rejection stands", Fields: map[string]string{"uphold": "true or false"}})
		return
	}
	if err := s.Work.Decide(r.Context(), sess.Member, id, *req.Uphold, req.Note); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"upheld": *req.Uphold})
}

func (s *Server) apiEarnings(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's earnings"); err != nil {
		s.apiError(w, r, err)
		return
	}
	e, err := s.Work.Earnings(r.Context(), sess.Member.ID, 30)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}
