package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/problem"
)

func (s *Server) modelsPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, next, err := s.Models.List(r.Context(), page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "models.html", "Models", map[string]any{"Models": list, "MayBuild": model.MayBuild(sess.Member), "Pager": pagerFor(r, next)})
}

func (s *Server) modelPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	m, err := s.Models.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	top, err := s.Models.TopContributors(r.Context(), m.ID, 10)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "model.html", m.Name, map[string]any{"M": m, "Top": top, "Base": requestBase(r)})
}

func (s *Server) modelNewForm(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !model.MayBuild(sess.Member) {
		s.pageError(w, r, problem.New(problem.Forbidden, "requesters and stewards register models"))
		return
	}
	s.render(w, r, http.StatusOK, "model_new.html", "New model", form{Values: map[string]string{"kind": "retrieval", "price_per_call": "10"}})
}

func (s *Server) modelCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !model.MayBuild(sess.Member) {
		s.pageError(w, r, problem.New(problem.Forbidden, "requesters and stewards register models"))
		return
	}
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	v := map[string]string{}
	for _, k := range []string{"id", "name", "kind", "upstream_url", "upstream_model", "upstream_key", "price_per_call", "price_per_1k_tokens", "datanets"} {
		v[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	bad := map[string]string{}
	price := func(k string) int64 {
		n, err := strconv.ParseInt(v[k], 10, 64)
		if err != nil && v[k] != "" {
			bad[k] = "a whole number of points"
		}
		return n
	}
	perCall, per1k := price("price_per_call"), price("price_per_1k_tokens")
	if len(bad) > 0 {
		v["upstream_key"] = ""
		s.render(w, r, http.StatusUnprocessableEntity, "model_new.html", "New model", form{Values: v, Errors: bad, Message: "Some fields are not valid."})
		return
	}
	m := model.Model{Slug: v["id"], Name: v["name"], Kind: model.Kind(v["kind"]), UpstreamURL: v["upstream_url"], UpstreamModel: v["upstream_model"],
		UpstreamKey: v["upstream_key"], PricePerCall: perCall, PricePer1kTokens: per1k, Datanets: splitList(v["datanets"])}
	v["upstream_key"] = "" // never echo a secret back into a page
	created, err := s.Models.Create(r.Context(), sess.Member, m)
	if err != nil {
		if p, ok := problem.As(err); ok {
			s.render(w, r, statusOf[p.Kind], "model_new.html", "New model", form{Values: v, Errors: p.Fields, Message: p.Message})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/models/"+created.Slug, http.StatusSeeOther)
}

func (s *Server) keysPage(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	s.showKeys(w, r, sess, http.StatusOK, s.takeNewKey(w, r, sess), "")
}

func (s *Server) showKeys(w http.ResponseWriter, r *http.Request, sess *member.Session, status int, secret, message string) {
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	keys, next, err := s.Models.Keys(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, status, "keys.html", "API keys", map[string]any{"Keys": keys, "Secret": secret, "Message": message, "Base": requestBase(r), "Pager": pagerFor(r, next)})
}

func (s *Server) keyCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	secret, _, err := s.Models.CreateKey(r.Context(), sess.Member.ID, r.PostForm.Get("name"))
	if err != nil {
		if p, ok := problem.As(err); ok {
			s.showKeys(w, r, sess, statusOf[p.Kind], "", p.Error())
			return
		}
		s.pageError(w, r, err)
		return
	}
	// The server keeps only the key's hash, so the secret reaches the
	// page after the redirect in a sealed cookie that lives a minute and
	// is read once: reloading the page neither shows it again nor makes
	// a second key.
	http.SetCookie(w, &http.Cookie{Name: newKeyCookie, Value: s.Vault.SealSecret(secret, "new-key:"+sess.Member.PublicID), Path: "/keys",
		MaxAge: 60, HttpOnly: true, Secure: s.SecureCookies || r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/keys", http.StatusSeeOther)
}

const newKeyCookie = "allmende_new_key"

// takeNewKey returns the key just created, once, and clears its cookie.
func (s *Server) takeNewKey(w http.ResponseWriter, r *http.Request, sess *member.Session) string {
	c, err := r.Cookie(newKeyCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: newKeyCookie, Path: "/keys", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies || r.TLS != nil, SameSite: http.SameSiteStrictMode})
	secret, err := s.Vault.OpenSecret(c.Value, "new-key:"+sess.Member.PublicID)
	if err != nil {
		return "" // another member's, or tampered with: show nothing
	}
	return secret
}

func (s *Server) keyRevoke(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.Models.RevokeKey(r.Context(), sess.Member.ID, id); err != nil {
		if p, ok := problem.As(err); ok {
			s.showKeys(w, r, sess, statusOf[p.Kind], "", p.Message)
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/keys", http.StatusSeeOther)
}

// myData is "where my data went": each record that models used, how often,
// and what it earned.
func (s *Server) myData(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	page, err := pageOf(r, pageLimit)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list, next, err := s.Models.WhereMyDataWent(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mydata.html", "Where my data went", map[string]any{"Records": list, "Pager": pagerFor(r, next)})
}

// deposit records a client's payment (stewards).
func (s *Server) deposit(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := parseForm(w, r); err != nil {
		s.pageError(w, r, problem.New(problem.BadRequest, "cannot read the form"))
		return
	}
	amount, err := strconv.ParseInt(r.PostForm.Get("amount"), 10, 64)
	if err != nil {
		s.showMembers(w, r, http.StatusUnprocessableEntity, form{Message: "the deposit is a whole number of points"})
		return
	}
	if _, err := s.Models.Deposit(r.Context(), sess.Member, r.PathValue("id"), amount); err != nil {
		if p, ok := problem.As(err); ok {
			s.showMembers(w, r, statusOf[p.Kind], form{Message: p.Error()})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/members", http.StatusSeeOther)
}
