package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

// newKeyCookie carries a key just created to the keys page, once (see
// keyCreate).
const newKeyCookie = "allmende_new_key"

func (p *Pages) keysPage(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.renderKeys(w, r, http.StatusOK, p.takeNewKey(w, r, sess), form{})
}

func (p *Pages) showKeys(w http.ResponseWriter, r *http.Request, status int, f form) error {
	return p.renderKeys(w, r, status, "", f)
}

func (p *Pages) renderKeys(w http.ResponseWriter, r *http.Request, status int, secret string, f form) error {
	sess := request.Session(r)
	page, err := request.Page(r, request.PageLimit)
	if err != nil {
		return err
	}
	keys, next, err := p.Models.Keys(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	return p.render(w, r, status, "keys.html", "API keys", map[string]any{"Keys": keys, "Secret": secret, "Form": f, "Base": request.Base(r), "Pager": pagerFor(r, next)})
}

// takeNewKey returns the key just created, once, and clears its cookie.
func (p *Pages) takeNewKey(w http.ResponseWriter, r *http.Request, sess *member.Session) string {
	c, err := r.Cookie(newKeyCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: newKeyCookie, Path: "/keys", MaxAge: -1, HttpOnly: true, Secure: p.SecureCookies || r.TLS != nil, SameSite: http.SameSiteStrictMode})
	secret, err := p.Vault.OpenSecret(c.Value, "new-key:"+sess.Member.PublicID)
	if err != nil {
		return "" // another member's, or tampered with: show nothing
	}
	return secret
}
