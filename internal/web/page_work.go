package web

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/work"
)

// offer is a project as the task list shows it: everything a worker needs
// to decide before accepting.
type offer struct {
	work.Project
	Minutes    float64 `json:"minutes"`
	PerHour    int64   `json:"per_hour"`
	FloorPerHr int64   `json:"floor_per_hour"`
	BelowFloor bool    `json:"below_floor"`
	Eligible   bool    `json:"eligible"`
	Reason     string  `json:"reason,omitempty"`
	Qualifying bool    `json:"qualifying,omitempty"`
	Measured   bool    `json:"measured"`
	EscrowLeft int64   `json:"escrow_left"`
}

// offers are a page of the approved projects (?before=&limit=, newest
// first) as the worker sees them, with the pay floor and the next page's
// cursor.
func (s *Server) offers(r *http.Request, sess *member.Session, def int) ([]offer, int64, string, error) {
	ctx := r.Context()
	floor, err := s.Params.Get(ctx, nil, coop.PayFloor)
	if err != nil {
		return nil, 0, "", err
	}
	page, err := pageOf(r, def)
	if err != nil {
		return nil, 0, "", err
	}
	list, next, err := s.Work.Approved(ctx, page)
	if err != nil {
		return nil, 0, "", err
	}
	out := make([]offer, 0, len(list))
	for _, p := range list {
		el, err := s.Work.Eligible(ctx, sess.Member.ID, p)
		if err != nil {
			return nil, 0, "", err
		}
		esc, err := s.Work.Escrow(ctx, p.ID)
		if err != nil {
			return nil, 0, "", err
		}
		out = append(out, offer{Project: p, Minutes: float64(p.Seconds()) / 60, PerHour: p.HourlyRate(), FloorPerHr: floor,
			BelowFloor: p.HourlyRate() < floor, Eligible: el.OK, Reason: el.Reason, Qualifying: el.Qualifying, Measured: p.MeasuredSeconds > 0, EscrowLeft: esc})
	}
	return out, floor, next, nil
}

func (s *Server) workPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showWork(w, r, sess, http.StatusOK, "")
}

func (s *Server) showWork(w http.ResponseWriter, r *http.Request, sess *member.Session, status int, message string) {
	offers, floor, next, err := s.offers(r, sess, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, status, "work.html", "Work", map[string]any{"Offers": offers, "Floor": floor, "Message": message, "Pager": pagerFor(r, next)})
}

// workNext gives the worker a task from a project and opens it.
func (s *Server) workNext(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	a, err := s.Work.Next(r.Context(), sess.Member.ID, r.PathValue("slug"))
	if err != nil {
		if p, ok := problem.As(err); ok {
			s.showWork(w, r, sess, statusOf[p.Kind], p.Message)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

func taskID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, problem.New(problem.NotFound, "no such task")
	}
	return id, nil
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showTask(w, r, sess, http.StatusOK, nil)
}

func (s *Server) showTask(w http.ResponseWriter, r *http.Request, sess *member.Session, status int, fail *problem.Error) {
	id, err := taskID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	t, err := s.Work.Task(r.Context(), sess.Member.ID, id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	floor, err := s.Params.Get(r.Context(), nil, coop.PayFloor)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	initial := "{}"
	if t.Answer != nil {
		initial = string(*t.Answer)
	} else if len(t.Item.Pre) > 0 {
		initial = string(t.Item.Pre)
	}
	s.render(w, r, status, "task.html", t.Project.Name, map[string]any{
		"T": t, "Floor": floor, "Initial": initial, "Problem": fail,
		"Labels": mustJSON(t.Project.Labels), "Mode": string(t.Project.TaskType),
	})
}

func (s *Server) taskSubmit(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	answer := r.PostForm.Get("answer")
	if answer == "" {
		// The plain forms (classification, pairwise) send fields.
		answer = mustJSON(map[string]string{"label": r.PostForm.Get("label"), "choice": r.PostForm.Get("choice"), "reason": r.PostForm.Get("reason")})
		answer = compactAnswer(answer)
	}
	t, err := s.Work.Submit(r.Context(), sess.Member.ID, id, []byte(answer))
	if err != nil {
		if p, ok := problem.As(err); ok {
			s.showTask(w, r, sess, statusOf[p.Kind], p)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(t.ID, 10)+"?done=1", http.StatusSeeOther)
}

// compactAnswer drops the empty fields of a form answer, so that a
// classification answer does not carry an empty "choice".
func compactAnswer(js string) string {
	var m map[string]string
	_ = jsonUnmarshal(js, &m)
	out := map[string]string{}
	for k, v := range m {
		if v != "" {
			out[k] = v
		}
	}
	return mustJSON(out)
}

func (s *Server) taskAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	if err := s.Work.Appeal(r.Context(), sess.Member, id, r.PostForm.Get("text")); err != nil {
		if p, ok := problem.As(err); ok {
			s.showTask(w, r, sess, statusOf[p.Kind], p)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
