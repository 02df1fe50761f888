package pages

import "net/http"

// staticFile serves the pages' style sheets and scripts, embedded in the
// binary.
func (p *Pages) staticFile(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	p.files.ServeHTTP(w, r)
	return nil
}
