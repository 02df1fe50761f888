package web

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/work"
)

func (s *Server) projectsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	list, err := s.Work.Projects(r.Context(), sess.Member)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "projects.html", "Projects", map[string]any{"Projects": list})
}

func (s *Server) projectNewForm(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !work.MayRequest(sess.Member) {
		s.pageError(w, r, problem.New(problem.Forbidden, "only requesters create projects"))
		return
	}
	s.render(w, r, http.StatusOK, "project_new.html", "New project", form{Values: map[string]string{
		"redundancy": "3", "est_seconds": "60", "gold_rate": "0.1", "review_hours": "72", "min_gold_accuracy": "0.7", "max_reject_share": "0.1"}})
}

// projectCreate creates a project from the form and its items: a COCO or
// Label Studio file or YOLO label files with their images for image
// projects, a JSON Lines file for text ones.
func (s *Server) projectCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !work.MayRequest(sess.Member) {
		s.pageError(w, r, problem.New(problem.Forbidden, "only requesters create projects"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 200<<20)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form: %v", err))
		return
	}
	defer r.MultipartForm.RemoveAll()
	v := map[string]string{}
	for _, k := range []string{"slug", "name", "client", "purpose", "instructions", "task_type", "labels", "redundancy", "pay_per_task", "est_seconds", "budget",
		"gold_rate", "min_gold_accuracy", "qualification_items", "qualification_min", "review_hours", "max_reject_share"} {
		v[k] = strings.TrimSpace(r.FormValue(k))
	}
	f := form{Values: v, Errors: map[string]string{}}
	num := func(k string) int64 {
		if v[k] == "" {
			return 0
		}
		n, err := strconv.ParseInt(v[k], 10, 64)
		if err != nil {
			f.Errors[k] = "a whole number"
		}
		return n
	}
	frac := func(k string) float64 {
		if v[k] == "" {
			return 0
		}
		x, err := strconv.ParseFloat(v[k], 64)
		if err != nil {
			f.Errors[k] = "a number such as 0.1"
		}
		return x
	}
	p := work.Project{Slug: v["slug"], Name: v["name"], Client: v["client"], Purpose: v["purpose"], Instructions: v["instructions"],
		TaskType: work.TaskType(v["task_type"]), Labels: splitList(v["labels"]), Redundancy: int(num("redundancy")),
		PayPerTask: num("pay_per_task") * 1, EstSeconds: int(num("est_seconds")), Budget: num("budget"),
		GoldRate: frac("gold_rate"), MinGoldAccuracy: frac("min_gold_accuracy"), QualificationItems: int(num("qualification_items")),
		QualificationMin: frac("qualification_min"), ReviewHours: int(num("review_hours")), MaxRejectShare: frac("max_reject_share")}
	fail := func(err error) {
		if pr, ok := problem.As(err); ok {
			f.Message = pr.Message
			for k, m := range pr.Fields {
				f.Errors[k] = m
			}
			s.render(w, r, statusOf[pr.Kind], "project_new.html", "New project", f)
			return
		}
		s.pageError(w, r, err)
	}
	if len(f.Errors) > 0 {
		fail(&problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid."})
		return
	}
	coco, labelStudio, images, items, err := uploadedItems(r)
	if err != nil {
		fail(err)
		return
	}
	yolo, err := readFiles(r, "yolo")
	if err != nil {
		fail(err)
		return
	}
	formats := 0
	for _, given := range []bool{coco != nil, labelStudio != nil, len(yolo) > 0} {
		if given {
			formats++
		}
	}
	switch {
	case formats == 0 && items == nil:
		fail(&problem.Error{Kind: problem.Invalid, Message: "add the items to annotate", Fields: map[string]string{"items": "a COCO or Label Studio file or YOLO label files with their images, or a JSON Lines file of texts"}})
		return
	case formats > 1:
		fail(&problem.Error{Kind: problem.Invalid, Message: "add the items to annotate", Fields: map[string]string{"items": "one kind of annotation file: COCO, Label Studio or YOLO"}})
		return
	}
	created, err := s.Work.Create(r.Context(), sess.Member, p)
	if err != nil {
		fail(err)
		return
	}
	switch {
	case coco != nil:
		_, _, err = s.Work.ImportCOCO(r.Context(), created, bytes.NewReader(coco), images)
	case labelStudio != nil:
		_, _, err = s.Work.ImportLabelStudio(r.Context(), created, bytes.NewReader(labelStudio), images)
	case len(yolo) > 0:
		_, _, err = s.Work.ImportYOLO(r.Context(), created, yolo, images)
	default:
		var list []work.NewItem
		if list, err = work.ParseItems(created, bytes.NewReader(items)); err == nil {
			err = s.Work.AddItems(r.Context(), created.ID, list)
		}
	}
	if err != nil {
		// Nothing of a failed attempt stays: the form can be sent again
		// with the same address.
		if derr := s.Work.DiscardDraft(r.Context(), created.ID); derr != nil {
			s.Log.Error("discard a draft project after a failed import", "project", created.Slug, "err", derr)
		}
		fail(importFailure(err))
		return
	}
	http.Redirect(w, r, "/projects/"+created.Slug, http.StatusSeeOther)
}

// uploadedItems reads the item files of the project form.
func uploadedItems(r *http.Request) (coco, labelStudio []byte, images map[string][]byte, items []byte, err error) {
	read := func(name string) ([]byte, error) {
		f, _, err := r.FormFile(name)
		if err != nil {
			return nil, nil
		}
		defer f.Close()
		return io.ReadAll(f)
	}
	if coco, err = read("coco"); err != nil {
		return nil, nil, nil, nil, err
	}
	if labelStudio, err = read("labelstudio"); err != nil {
		return nil, nil, nil, nil, err
	}
	if items, err = read("items"); err != nil {
		return nil, nil, nil, nil, err
	}
	if images, err = readFiles(r, "images"); err != nil {
		return nil, nil, nil, nil, err
	}
	return coco, labelStudio, images, items, nil
}

// readFiles reads a multiple file field by base name.
func readFiles(r *http.Request, field string) (map[string][]byte, error) {
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

// importFailure puts what is wrong with the uploaded files under the form's
// items field, where the form shows it: their problems name files and
// lines, not fields of the form.
func importFailure(err error) error {
	pr, ok := problem.As(err)
	if !ok || len(pr.Fields) == 0 {
		return err
	}
	var list []string
	for _, k := range slices.Sorted(maps.Keys(pr.Fields)) {
		list = append(list, k+": "+pr.Fields[k])
	}
	return &problem.Error{Kind: pr.Kind, Message: pr.Message, Fields: map[string]string{"items": strings.Join(list, "; ")}}
}

func (s *Server) projectPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showProject(w, r, sess, http.StatusOK, "")
}

func (s *Server) showProject(w http.ResponseWriter, r *http.Request, sess *member.Session, status int, message string) {
	p, err := s.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	ctx := r.Context()
	escrow, err := s.Reward.Balance(ctx, reward.EscrowAccount(p.ID))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	res, err := s.Work.Results(ctx, p)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	subs, next, err := s.Work.SubmissionsPage(ctx, p.ID, page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, status, "project.html", p.Name, map[string]any{"P": p, "Escrow": escrow, "Results": res, "Submissions": subs, "Message": message, "Pager": pagerFor(r, next)})
}

func (s *Server) projectApprove(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Work.Approve(r.Context(), sess.Member, r.PathValue("slug")); err != nil {
		if pr, ok := problem.As(err); ok {
			s.showProject(w, r, sess, statusOf[pr.Kind], pr.Message)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/projects/"+r.PathValue("slug"), http.StatusSeeOther)
}

func (s *Server) taskReject(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	_, err = s.Work.Reject(r.Context(), sess.Member, id, r.PostForm.Get("kind"), r.PostForm.Get("reason"))
	back := "/projects/" + r.PostForm.Get("project")
	if err != nil {
		if pr, ok := problem.As(err); ok {
			r.SetPathValue("slug", r.PostForm.Get("project"))
			s.showProject(w, r, sess, statusOf[pr.Kind], pr.Error())
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// exportProject downloads a project's results.
func (s *Server) exportProject(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	p, err := s.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var buf bytes.Buffer
	mt, name, err := s.Work.Export(r.Context(), p, r.URL.Query().Get("format"), r.URL.Query().Get("raw") == "true", &buf)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", mt)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	_, _ = w.Write(buf.Bytes())
}
