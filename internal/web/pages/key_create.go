package pages

import (
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) keyCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := request.Form(w, r); err != nil {
		return err
	}
	name := r.PostForm.Get("name")
	secret, _, err := p.Models.CreateKey(r.Context(), sess.Member.ID, name)
	if err != nil {
		return again(err, p.showKeys, form{Values: map[string]string{"name": name}})
	}
	// The server keeps only the key's hash, so the secret reaches the
	// page after the redirect in a sealed cookie that lives a minute and
	// is read once: reloading the page neither shows it again nor makes
	// a second key.
	http.SetCookie(w, &http.Cookie{Name: newKeyCookie, Value: p.Vault.SealSecret(secret, "new-key:"+sess.Member.PublicID), Path: "/keys",
		MaxAge: 60, HttpOnly: true, Secure: p.SecureCookies || r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/keys", http.StatusSeeOther)
	return nil
}
