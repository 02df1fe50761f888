package web

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/store"
)

// stepLine is one recorded step as a person reads it.
type stepLine struct {
	Index  int
	Type   string
	Target string
	Detail string
	Masked bool
}

// describeSteps writes a recording's steps for people: what was done, on
// what, and — for typing — the value only if it is a parameter.
func describeSteps(rec recording.Recording) []stepLine {
	var masked []int
	if rec.Allmende != nil {
		masked = rec.Allmende.Masked
	}
	out := make([]stepLine, len(rec.Steps))
	for i, st := range rec.Steps {
		l := stepLine{Index: i, Type: st.Type}
		if len(st.Selectors) > 0 {
			l.Target = strings.Join(st.Selectors[0], " » ")
		}
		switch st.Type {
		case "navigate":
			l.Detail = st.URL
		case "change":
			switch {
			case slices.Contains(masked, i):
				l.Detail, l.Masked = "a masked value", true
			case strings.Contains(st.Value, "{{"):
				l.Detail = st.Value
			default:
				l.Detail = fmt.Sprintf("%d characters", len([]rune(st.Value)))
			}
		case "keyDown", "keyUp":
			l.Detail = st.Key
		case "waitForExpression":
			l.Detail = st.Expression
		}
		out[i] = l
	}
	return out
}

func (s *Server) recordingsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showRecordings(w, r, sess, http.StatusOK, form{})
}

func (s *Server) showRecordings(w http.ResponseWriter, r *http.Request, sess *member.Session, status int, f form) {
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, next, err := s.Actions.Mine(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	// The upload form offers the open recording datanets (a handful).
	datanets, _, err := s.Datanets.List(r.Context(), datanet.Filter{Open: true, Kind: datanet.KindRecording}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, status, "recordings.html", "Recordings", map[string]any{"Recordings": list, "Datanets": datanets, "Form": f, "Base": requestBase(r), "Pager": pagerFor(r, next)})
}

// recordingUpload takes a recording file (a Chrome Recorder export, or the
// extension's) from the recordings page.
func (s *Server) recordingUpload(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	r.Body = http.MaxBytesReader(w, r.Body, action.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.showRecordings(w, r, sess, http.StatusRequestEntityTooLarge, form{Message: fmt.Sprintf("the file is not readable or larger than %d MB", action.MaxUpload>>20)})
		return
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		s.showRecordings(w, r, sess, http.StatusUnprocessableEntity, form{Message: "choose a recording file (JSON)"})
		return
	}
	defer file.Close()
	body, err := io.ReadAll(file)
	if err != nil {
		s.showRecordings(w, r, sess, http.StatusBadRequest, form{Message: "the file could not be read"})
		return
	}
	rec, err := s.Actions.Upload(r.Context(), sess.Member, body, r.FormValue("datanet"))
	if err != nil {
		if p, ok := problem.As(err); ok {
			s.showRecordings(w, r, sess, statusOf[p.Kind], form{Message: p.Message, Errors: p.Fields})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/recordings/"+rec.ID, http.StatusSeeOther)
}

func (s *Server) recordingPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showRecording(w, r, sess, http.StatusOK, form{})
}

func (s *Server) showRecording(w http.ResponseWriter, r *http.Request, sess *member.Session, status int, f form) {
	info, rec, err := s.Actions.Open(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if f.Values == nil {
		f.Values = map[string]string{"price_per_run": "50", "title": info.Title}
	}
	s.render(w, r, status, "recording.html", info.Title, map[string]any{
		"R": info, "Steps": describeSteps(rec), "Params": rec.Parameters(), "Mine": info.RecordedBy(sess.Member), "Form": f,
	})
}

func (s *Server) recordingAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	if _, err := s.Actions.Appeal(r.Context(), sess.Member, r.PathValue("id"), r.PostForm.Get("reason")); err != nil {
		s.recordingFormError(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/recordings/"+r.PathValue("id"), http.StatusSeeOther)
}

func (s *Server) recordingDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	verified := r.PostForm.Get("decision") == "verified"
	if _, err := s.Actions.Decide(r.Context(), sess.Member, r.PathValue("id"), verified, r.PostForm.Get("reason")); err != nil {
		s.recordingFormError(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
}

func (s *Server) recordingErase(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Actions.Erase(r.Context(), sess.Member, r.PathValue("id")); err != nil {
		s.recordingFormError(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/recordings", http.StatusSeeOther)
}

func (s *Server) recordingPublish(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	v := map[string]string{}
	for _, k := range []string{"id", "title", "description", "price_per_run"} {
		v[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	price, err := strconv.ParseInt(v["price_per_run"], 10, 64)
	if err != nil {
		s.showRecording(w, r, sess, http.StatusUnprocessableEntity, form{Values: v, Errors: map[string]string{"price_per_run": "a whole number of points"}})
		return
	}
	a, err := s.Actions.Publish(r.Context(), sess.Member, r.PathValue("id"), action.Publication{Slug: v["id"], Title: v["title"], Description: v["description"], PricePerRun: price})
	if err != nil {
		if p, ok := problem.As(err); ok {
			s.showRecording(w, r, sess, statusOf[p.Kind], form{Values: v, Errors: p.Fields, Message: p.Message})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/automations/"+a.Slug, http.StatusSeeOther)
}

func (s *Server) recordingFormError(w http.ResponseWriter, r *http.Request, sess *member.Session, err error) {
	if p, ok := problem.As(err); ok && p.Kind != problem.NotFound {
		s.showRecording(w, r, sess, statusOf[p.Kind], form{Message: p.Error(), Errors: p.Fields})
		return
	}
	s.pageError(w, r, err)
}

func (s *Server) automationsPage(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, next, err := s.Actions.Automations(r.Context(), page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "automations.html", "Automations", map[string]any{"Automations": list, "Pager": pagerFor(r, next)})
}

func (s *Server) automationPage(w http.ResponseWriter, r *http.Request) {
	s.showAutomation(w, r, http.StatusOK, form{})
}

func (s *Server) showAutomation(w http.ResponseWriter, r *http.Request, status int, f form) {
	a, err := s.Actions.Automation(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	data := map[string]any{"A": a, "Form": f}
	if sess := currentSession(r); sess != nil {
		page, err := pageOf(r, pageLimit)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		runs, next, err := s.Actions.MyRuns(r.Context(), sess.Member.ID, a.Slug, page)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		data["Runs"] = runs
		data["Pager"] = pagerFor(r, next)
	}
	if f.Values == nil {
		f.Values = map[string]string{}
		for _, p := range a.Parameters {
			f.Values[p.Name] = p.Default
		}
		data["Form"] = f
	}
	s.render(w, r, status, "automation.html", a.Title, data)
}

func (s *Server) automationRun(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	values := map[string]string{}
	for k, v := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "param_"); ok && len(v) > 0 {
			values[name] = v[0]
		}
	}
	run, err := s.Actions.StartRun(r.Context(), sess.Member, r.PathValue("slug"), values)
	if err != nil {
		if p, ok := problem.As(err); ok && p.Kind != problem.NotFound {
			s.showAutomation(w, r, statusOf[p.Kind], form{Values: values, Errors: p.Fields, Message: p.Message})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/runs/"+run.ID, http.StatusSeeOther)
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	run, err := s.Actions.GetRun(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "run.html", "Run of "+run.Title, map[string]any{"Run": run, "Waiting": run.Status == "queued" || run.Status == "running"})
}
