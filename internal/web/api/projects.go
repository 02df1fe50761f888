package api

import (
	"maps"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
	"github.com/allmende/allmende/internal/web/upload"
	"github.com/allmende/allmende/internal/work"
)

func (a *API) projects(mux route.Mux) {
	mux.Handle("POST /api/v1/projects", a.member(a.projectCreate))
	mux.Handle("GET /api/v1/projects/{slug}", a.member(a.projectShow))
	mux.Handle("PATCH /api/v1/projects/{slug}", a.member(a.projectEdit))
	mux.Handle("POST /api/v1/projects/{slug}/examples", a.member(a.projectExamples))
	mux.Handle("DELETE /api/v1/projects/{slug}/examples/{id}", a.member(a.projectExampleRemove))
	mux.Handle("POST /api/v1/projects/{slug}/items", a.member(a.projectItems))
	mux.Handle("DELETE /api/v1/projects/{slug}/items/{id}", a.member(a.projectItemErase))
	mux.Handle("POST /api/v1/projects/{slug}/approve", a.member(a.projectApprove))
	mux.Handle("POST /api/v1/projects/{slug}/next", a.member(a.projectNext))
	mux.Handle("GET /api/v1/projects/{slug}/results", a.member(a.projectResults))
	mux.Handle("GET /api/v1/projects/{slug}/export", a.member(a.projectExport))
}

// projectRequest is a new project as a client sends it: the project, with
// its pay and budget as integers of points or as money (_text).
type projectRequest struct {
	work.Project
	PayPerTask     *int64  `json:"pay_per_task"`
	PayPerTaskText *string `json:"pay_per_task_text"`
	Budget         *int64  `json:"budget"`
	BudgetText     *string `json:"budget_text"`
}

// project reads the amounts of a projectRequest into its project.
func (a *API) project(req projectRequest) (work.Project, error) {
	p := req.Project
	pay, payErr := a.amountIn("pay_per_task", req.PayPerTask, req.PayPerTaskText, 1, points.MaxPrice)
	budget, budgetErr := a.amountIn("budget", req.Budget, req.BudgetText, 0, points.MaxBudget)
	p.PayPerTask, p.Budget = orZero(pay), orZero(budget)
	if payErr == nil && budgetErr == nil {
		return p, nil
	}
	// Every bad field in one answer: the amounts refused here, in the
	// client's unit, and whatever else the domain would refuse (checked
	// with an amount in range where one was refused).
	all := &problem.Error{Kind: problem.Invalid, Fields: map[string]string{}}
	var why []string
	for _, err := range []error{payErr, budgetErr} {
		if err == nil {
			continue
		}
		e, ok := problem.As(err)
		if !ok || e.Kind != problem.Invalid {
			return p, err
		}
		why = append(why, e.Message)
		maps.Copy(all.Fields, e.Fields)
	}
	probe := p
	if payErr != nil {
		probe.PayPerTask = 1
	}
	if e, ok := problem.As(work.Check(probe)); ok && e.Kind == problem.Invalid {
		for field, w := range e.Fields {
			if _, done := all.Fields[field]; !done && !strings.HasPrefix(field, "pay_per_task") && !strings.HasPrefix(field, "budget") {
				all.Fields[field] = w
				why = append(why, field+": "+w)
			}
		}
	}
	all.Message = strings.Join(why, "; ")
	return p, all
}

// projectJSON is a project with its amounts written as money too.
type projectJSON struct {
	work.Project
	PayPerTaskText string `json:"pay_per_task_text"`
	BudgetText     string `json:"budget_text"`
	HourlyRateText string `json:"hourly_rate_text"`
}

func (a *API) projectOut(p work.Project) projectJSON {
	return projectJSON{Project: p, PayPerTaskText: a.money(p.PayPerTask), BudgetText: a.money(p.Budget), HourlyRateText: a.money(p.HourlyRate())}
}

// projectCreate creates a draft project from a JSON body, or from a
// multipart body whose "project" field holds that JSON and whose files are
// its items, as the new-project page sends them: a "coco" file, a
// "labelstudio" export or "yolo" label files with their "images", or an
// "items" file of JSON Lines texts. An image project sent with a file and
// no labels takes the file's categories; labels that do not cover the
// file's are refused on the labels field, naming each (CreateWithItems).
func (a *API) projectCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	// Asked before the body is read; Create decides again.
	if !work.MayRequest(sess.Member) {
		return problem.New(problem.Forbidden, "only requesters create projects")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return a.projectCreateWithItems(w, r, sess)
	}
	var req projectRequest
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	p, err := a.project(req)
	if err != nil {
		return err
	}
	created, err := a.Work.Create(r.Context(), sess.Member, p)
	if err != nil {
		return err
	}
	created.Requester = sess.Member.PublicID
	response.JSON(w, http.StatusCreated, a.projectOut(created))
	return nil
}

// projectCreateWithItems is projectCreate's multipart body: the project
// and its items in one request, all or nothing.
func (a *API) projectCreateWithItems(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	r.Body = http.MaxBytesReader(w, r.Body, upload.MaxItems)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return problem.New(problem.BadRequest, "cannot read the upload: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	if r.FormValue("project") == "" {
		return &problem.Error{Kind: problem.Invalid, Message: "no project in the upload",
			Fields: map[string]string{"project": "the project as a JSON object in the 'project' field, as a JSON body would hold it"}}
	}
	var req projectRequest
	if err := request.JSONText(r.FormValue("project"), &req); err != nil {
		return err
	}
	p, err := a.project(req)
	if err != nil {
		return err
	}
	u, err := upload.Items(r, true)
	if err != nil {
		return err
	}
	given := 0
	for _, g := range []bool{u.COCO != nil, u.LabelStudio != nil, len(u.YOLO) > 0, u.Texts != nil} {
		if g {
			given++
		}
	}
	if given != 1 {
		return &problem.Error{Kind: problem.Invalid, Message: "send one kind of items file with the project",
			Fields: map[string]string{"items": "one of: a COCO file as 'coco', a Label Studio export as 'labelstudio' or YOLO label files as 'yolo' (each with the 'images'), or a JSON Lines file of texts as 'items'"}}
	}
	created, warnings, err := a.Work.CreateWithItems(r.Context(), sess.Member, p, u)
	if err != nil {
		return err
	}
	created.Requester = sess.Member.PublicID
	response.JSON(w, http.StatusCreated, map[string]any{"project": a.projectOut(created), "warnings": nonNil(warnings)})
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (a *API) projectShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	p, err := a.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.projectOut(p))
	return nil
}

// projectEdit changes a project's instructions, labels or pay; fields
// left out stay as they are (work.Service.Edit decides who may and what
// can change).
func (a *API) projectEdit(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var body struct {
		Instructions   *string  `json:"instructions"`
		Labels         []string `json:"labels"`
		PayPerTask     *int64   `json:"pay_per_task"`
		PayPerTaskText *string  `json:"pay_per_task_text"`
	}
	if err := request.JSON(w, r, &body); err != nil {
		return err
	}
	pay, err := a.amountIn("pay_per_task", body.PayPerTask, body.PayPerTaskText, 1, points.MaxPrice)
	if err != nil {
		return err
	}
	p, err := a.Work.Edit(r.Context(), sess.Member, r.PathValue("slug"), work.Changes{Instructions: body.Instructions, Labels: body.Labels, PayPerTask: pay})
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, a.projectOut(p))
	return nil
}

// projectExamples adds example images to a project's instructions:
// multipart, the images as "images".
func (a *API) projectExamples(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	r.Body = http.MaxBytesReader(w, r.Body, upload.MaxExamplesBody)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return problem.New(problem.BadRequest, "send the images as multipart/form-data, field 'images': %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	images, err := upload.Examples(r, "images")
	if err != nil {
		return err
	}
	if len(images) == 0 {
		return &problem.Error{Kind: problem.Invalid, Message: "no image", Fields: map[string]string{"images": "attach the example images as 'images'"}}
	}
	p, err := a.Work.Edit(r.Context(), sess.Member, r.PathValue("slug"), work.Changes{AddExamples: images})
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, a.projectOut(p))
	return nil
}

// projectExampleRemove removes one example image from a project's
// instructions.
func (a *API) projectExampleRemove(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return problem.New(problem.NotFound, "no such example image")
	}
	if _, err := a.Work.Edit(r.Context(), sess.Member, r.PathValue("slug"), work.Changes{RemoveExamples: []int64{id}}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// projectItemErase erases one item: its texts are deleted and no task,
// model or payment names it again (work.Service.EraseItem decides who may).
func (a *API) projectItemErase(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return problem.New(problem.NotFound, "no such item in %s", r.PathValue("slug"))
	}
	if err := a.Work.EraseItem(r.Context(), sess.Member, r.PathValue("slug"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// projectItems adds items: JSON Lines of texts, or multipart with a
// "coco" file, a "labelstudio" export or "yolo" label files, and "images".
func (a *API) projectItems(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	p, err := a.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	// Refused before a large upload is read; Import refuses it too.
	if p.Status != "draft" {
		return problem.New(problem.Conflict, "items are added while the project is a draft")
	}
	var u work.Upload
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(w, r.Body, upload.MaxItems)
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return problem.New(problem.BadRequest, "cannot read the upload: %v", err)
		}
		defer r.MultipartForm.RemoveAll()
		if u, err = upload.Items(r, false); err != nil {
			return err
		}
		if u.COCO == nil && u.LabelStudio == nil && len(u.YOLO) == 0 {
			return &problem.Error{Kind: problem.Invalid, Message: "no annotation file", Fields: map[string]string{"coco": "attach a COCO file as 'coco' (or a Label Studio export as 'labelstudio', or YOLO label files as 'yolo') and the images as 'images'"}}
		}
	case "application/x-ndjson", "application/jsonl":
		u.Texts = http.MaxBytesReader(w, r.Body, 64<<20)
	default:
		return problem.New(problem.Unsupported, "send items as application/x-ndjson, or an annotation file (COCO, Label Studio or YOLO) and images as multipart/form-data")
	}
	added, warnings, err := a.Work.Import(r.Context(), p, u)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, map[string]any{"added": added, "warnings": warnings})
	return nil
}

func (a *API) projectApprove(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := a.Work.Approve(r.Context(), sess.Member, r.PathValue("slug")); err != nil {
		return err
	}
	return a.projectShow(w, r, sess)
}

// projectNext gives the worker a task from the project.
func (a *API) projectNext(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	asg, err := a.Work.Next(r.Context(), sess.Member.ID, r.PathValue("slug"))
	if err != nil {
		return err
	}
	t, err := a.Work.Task(r.Context(), sess.Member.ID, asg.ID)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, t)
	return nil
}

func (a *API) projectResults(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	p, err := a.Work.Project(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	res, err := a.Work.Results(r.Context(), p)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, res)
	return nil
}

// projectExport downloads a project's results.
func (a *API) projectExport(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	mt, name, body, err := a.Work.ExportFor(r.Context(), sess.Member, r.PathValue("slug"), r.URL.Query().Get("format"), r.URL.Query().Get("raw") == "true")
	if err != nil {
		return err
	}
	response.Download(w, mt, name, body)
	return nil
}
