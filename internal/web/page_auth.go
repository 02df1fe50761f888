package web

import (
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// homeDatanets is how many of the newest datanets the home page shows.
const homeDatanets = 12

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	members, err := s.Members.Count(ctx)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	datanets, _, err := s.Datanets.List(ctx, datanet.Filter{}, store.Page{Limit: homeDatanets})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	allDatanets, err := s.Datanets.Total(ctx)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	_, projects, err := s.Work.Open(ctx, 0)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home.html", "A cooperative for data work", map[string]any{
		"Members": members, "Datanets": datanets, "DatanetCount": allDatanets, "ProjectCount": projects,
	})
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	if currentSession(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin.html", "Sign in", form{Values: map[string]string{"next": r.URL.Query().Get("next")}})
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	f := form{Values: map[string]string{"email": email, "next": r.PostForm.Get("next")}}
	if err := s.signins.allowSignIn(r, strings.ToLower(email)); err != nil {
		p, _ := problem.As(err)
		w.Header().Set("Retry-After", retryAfter(p.RetryAfter))
		f.Message = p.Message
		s.render(w, r, http.StatusTooManyRequests, "signin.html", "Sign in", f)
		return
	}
	sess, err := s.Members.SignIn(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		if p, ok := problem.As(err); ok && p.Kind == problem.Unauthorized {
			f.Message = p.Message
			s.render(w, r, http.StatusUnauthorized, "signin.html", "Sign in", f)
			return
		}
		s.pageError(w, r, err)
		return
	}
	s.setSessionCookie(w, r, sess)
	http.Redirect(w, r, safeNext(f.Values["next"]), http.StatusSeeOther)
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signup.html", "Join", form{Values: map[string]string{"code": r.URL.Query().Get("code")}})
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	su := member.SignUp{
		Code:     r.PostForm.Get("code"),
		Email:    strings.TrimSpace(r.PostForm.Get("email")),
		Name:     r.PostForm.Get("name"),
		Password: r.PostForm.Get("password"),
	}
	f := form{Values: map[string]string{"code": su.Code, "email": su.Email, "name": su.Name}}
	if err := s.signins.allowSignIn(r, ""); err != nil {
		p, _ := problem.As(err)
		f.Message = p.Message
		s.render(w, r, http.StatusTooManyRequests, "signup.html", "Join", f)
		return
	}
	m, err := s.Members.SignUp(r.Context(), su)
	if err != nil {
		if p, ok := problem.As(err); ok && (p.Kind == problem.Invalid || p.Kind == problem.Conflict) {
			f.Message, f.Errors = p.Message, p.Fields
			s.render(w, r, statusOf[p.Kind], "signup.html", "Join", f)
			return
		}
		s.pageError(w, r, err)
		return
	}
	sess, err := s.Members.OpenSession(r.Context(), m.ID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.setSessionCookie(w, r, sess)
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	if sess := currentSession(r); sess != nil {
		if err := s.Members.SignOut(r.Context(), sess.Token); err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
