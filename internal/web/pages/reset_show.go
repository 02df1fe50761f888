package pages

import "net/http"

// resetPage is the form a reset link opens: a new password, twice. A link
// that no longer works gets the error page saying so.
func (p *Pages) resetPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := p.Members.ResetFor(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	return p.showReset(w, r, http.StatusOK, form{})
}

func (p *Pages) showReset(w http.ResponseWriter, r *http.Request, status int, f form) error {
	// The token stays out of the page's links and of what a referrer
	// header could carry away.
	w.Header().Set("Referrer-Policy", "no-referrer")
	return p.render(w, r, status, "reset.html", "Choose a new password", map[string]any{"Form": f, "Token": r.PathValue("token")})
}
