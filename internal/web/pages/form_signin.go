package pages

import (
	"net/http"
	"net/url"
	"strings"
)

// signinForm reads the sign-in form: the e-mail address, the password,
// and where to go afterwards.
func signinForm(r *http.Request) (email, password string, f form) {
	email = strings.TrimSpace(r.PostForm.Get("email"))
	return email, r.PostForm.Get("password"), form{Values: map[string]string{"email": email, "next": r.PostForm.Get("next")}}
}

// safeNext accepts only a path on this site as a place to return to after
// signing in, so the sign-in page cannot be used to send people elsewhere.
func safeNext(next string) string {
	if len(next) < 1 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/dashboard"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/dashboard"
	}
	return next
}
