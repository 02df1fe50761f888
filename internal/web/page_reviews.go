package web

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

func (s *Server) reviewsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showReviews(w, r, sess, http.StatusOK, "")
}

func (s *Server) showReviews(w http.ResponseWriter, r *http.Request, sess *member.Session, status int, message string) {
	pending, err := s.Work.ToDecide(r.Context(), sess.Member)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	floor, err := s.Params.Get(r.Context(), nil, coop.PayFloor)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	recordings, err := s.Actions.AwaitingReview(r.Context(), sess.Member)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, status, "reviews.html", "Reviews", map[string]any{"Pending": pending, "Message": message, "Floor": floor, "Recordings": recordings})
}

func (s *Server) taskDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, err := taskID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	if err := s.Work.Decide(r.Context(), sess.Member, id, r.PostForm.Get("decision") == "uphold", r.PostForm.Get("note")); err != nil {
		if pr, ok := problem.As(err); ok {
			s.showReviews(w, r, sess, statusOf[pr.Kind], pr.Error())
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
}

// payFloorUpdate lets stewards set the pay floor until governance does.
func (s *Server) payFloorUpdate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	v, err := strconv.ParseInt(r.PostForm.Get("pay_floor"), 10, 64)
	if err != nil {
		s.showReviews(w, r, sess, http.StatusUnprocessableEntity, "The pay floor is a whole number of points per hour.")
		return
	}
	if err := s.Work.SetPayFloor(r.Context(), sess.Member, v); err != nil {
		if pr, ok := problem.As(err); ok {
			s.showReviews(w, r, sess, statusOf[pr.Kind], pr.Message)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
}
