package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

func (s *Server) datanetsPage(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, next, err := s.Datanets.List(r.Context(), datanet.Filter{}, page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	rows := make([]datanetJSON, 0, len(list))
	for _, d := range list {
		j, err := s.datanetJSON(r, d, nil)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		rows = append(rows, j)
	}
	mayCreate := false
	if sess := currentSession(r); sess != nil {
		mayCreate = datanet.MayCreate(sess.Member)
	}
	s.render(w, r, http.StatusOK, "datanets.html", "Datanets", map[string]any{"Datanets": rows, "MayCreate": mayCreate, "Pager": pagerFor(r, next)})
}

func (s *Server) datanetNewForm(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !datanet.MayCreate(sess.Member) {
		s.pageError(w, r, problem.New(problem.Forbidden, "only stewards and requesters create datanets"))
		return
	}
	s.render(w, r, http.StatusOK, "datanet_new.html", "New datanet", form{Values: map[string]string{"near_duplicate": "0.8"}})
}

func (s *Server) datanetCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !datanet.MayCreate(sess.Member) {
		s.pageError(w, r, problem.New(problem.Forbidden, "only stewards and requesters create datanets"))
		return
	}
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	v := map[string]string{}
	for _, k := range []string{"slug", "name", "domain", "client", "purpose", "licence", "reward_rules", "record_kind", "fields", "labels", "near_duplicate"} {
		v[k] = r.PostForm.Get(k)
	}
	d := datanet.Datanet{Slug: v["slug"], Name: v["name"], Domain: v["domain"], Client: v["client"], Purpose: v["purpose"], Licence: v["licence"],
		RewardRules: v["reward_rules"], RecordKind: datanet.RecordKind(v["record_kind"]), Fields: splitList(v["fields"]), Labels: splitList(v["labels"])}
	f := form{Values: v}
	if nd := strings.TrimSpace(v["near_duplicate"]); nd != "" {
		x, err := strconv.ParseFloat(nd, 64)
		if err != nil {
			f.Errors = map[string]string{"near_duplicate": "a number between 0.5 and 1"}
			f.Message = "Some fields are not valid."
			s.render(w, r, http.StatusUnprocessableEntity, "datanet_new.html", "New datanet", f)
			return
		}
		d.NearDuplicate = x
	}
	created, err := s.Datanets.Create(r.Context(), sess.Member, d)
	if err != nil {
		if p, ok := problem.As(err); ok {
			f.Message, f.Errors = p.Message, p.Fields
			s.render(w, r, statusOf[p.Kind], "datanet_new.html", "New datanet", f)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/datanets/"+created.Slug, http.StatusSeeOther)
}

// splitList reads a comma- or newline-separated list from a form field.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) datanetPage(w http.ResponseWriter, r *http.Request) {
	s.showDatanet(w, r, http.StatusOK, "")
}

func (s *Server) showDatanet(w http.ResponseWriter, r *http.Request, status int, message string) {
	d, err := s.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	sess := currentSession(r)
	j, err := s.datanetJSON(r, d, sess)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	mayManage := sess != nil && datanet.MayCreate(sess.Member)
	s.render(w, r, status, "datanet.html", d.Name, map[string]any{"D": j, "Message": message, "MayManage": mayManage})
}

func (s *Server) datanetConsent(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	if _, err := s.Datanets.ConsentAction(r.Context(), sess.Member.ID, r.PathValue("slug"), r.PostForm.Get("action")); err != nil {
		if p, ok := problem.As(err); ok {
			s.showDatanet(w, r, statusOf[p.Kind], p.Message)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/datanets/"+r.PathValue("slug"), http.StatusSeeOther)
}

func (s *Server) datanetOpen(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	if _, err := s.Datanets.SetOpen(r.Context(), sess.Member, r.PathValue("slug"), r.PostForm.Get("open") == "true"); err != nil {
		if p, ok := problem.As(err); ok {
			s.showDatanet(w, r, statusOf[p.Kind], p.Message)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/datanets/"+r.PathValue("slug"), http.StatusSeeOther)
}

// datanetContribute stores what the contribute form sends: one record
// typed in the form, a JSONL file, or an image. The form's preview (done
// in the page through the API's dry run) has already shown the member what
// will be redacted; the same pipeline runs again here.
func (s *Server) datanetContribute(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	sub, err := s.formSubmission(w, r)
	if err != nil {
		s.contributeFailed(w, r, err)
		return
	}
	res, err := s.Datanets.Contribute(r.Context(), sess.Member.ID, r.PathValue("slug"), sub, datanet.IntakeOptions{Partial: r.FormValue("partial") == "on"})
	if errors.Is(err, datanet.ErrBatchRejected) {
		err = batchProblem(res)
	}
	if err != nil {
		s.contributeFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/contributions?added="+strconv.Itoa(res.Accepted), http.StatusSeeOther)
}

func (s *Server) contributeFailed(w http.ResponseWriter, r *http.Request, err error) {
	p, ok := problem.As(err)
	if !ok {
		s.pageError(w, r, err)
		return
	}
	msg := p.Message
	for k, v := range p.Fields {
		msg += " " + k + ": " + v + "."
	}
	s.showDatanet(w, r, statusOf[p.Kind], msg)
}

// formSubmission reads the contribute form: multipart with either typed
// fields (text, question, answer), a JSONL file ("records"), or an image.
func (s *Server) formSubmission(w http.ResponseWriter, r *http.Request) (datanet.Submission, error) {
	d, err := s.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return datanet.Submission{}, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBatchBody)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return datanet.Submission{}, problem.New(problem.BadRequest, "cannot read the form: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	if f, _, err := r.FormFile("records"); err == nil {
		defer f.Close()
		return d.ParseRecords(datanet.FormatJSONL, f)
	}
	if d.RecordKind == datanet.KindImage {
		_, params, _ := mimeParams(r)
		return readImageSubmission(w, r, d, params)
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
	return d.ParseRecords(datanet.FormatJSON, strings.NewReader(mustJSON(rec)))
}
