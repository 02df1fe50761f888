package pages

import (
	"net/http"
	"slices"
	"strings"

	"github.com/allmende/allmende/extension"
)

var privacyModule = http.StripPrefix("/static/", http.FileServerFS(extension.Files()))

// staticFile serves the pages' style sheets and scripts, embedded in the
// binary. The redaction module and Go's loader for it are the extension's
// own copies (extension.PrivacyFiles): one copy in the tree, which
// cmd/privacywasm writes, so a page and the recorder always run the same
// detector.
func (p *Pages) staticFile(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if slices.Contains(extension.PrivacyFiles, strings.TrimPrefix(r.URL.Path, "/static/")) {
		privacyModule.ServeHTTP(w, r)
		return nil
	}
	p.files.ServeHTTP(w, r)
	return nil
}
