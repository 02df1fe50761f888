package pages

import (
	"net/http"
	"strconv"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// datanetVersionsDiff shows what a version added, changed and erased
// since the version before it.
func (p *Pages) datanetVersionsDiff(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		return problem.New(problem.NotFound, "no such version")
	}
	d, err := p.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	diff, err := p.Datanets.Diff(r.Context(), sess.Member, d.Slug, n)
	if err != nil {
		return err
	}
	v, err := p.Datanets.VersionOf(r.Context(), d.Slug, n)
	if err != nil {
		return err
	}
	parts := []diffPart{
		{"added", "Added", "accepted since, and in this version", diff.Added},
		{"changed", "Changed", "marked as a gold record, or no longer", diff.Changed},
		{"erased", "Erased", "erased by their contributors since", diff.Erased},
		{"left", "Left out", "still held, but their contributors paused consent", diff.Left},
	}
	return p.render(w, r, http.StatusOK, "datanet_version_diff.html", d.Name+", version "+strconv.Itoa(n), map[string]any{"D": d, "Diff": diff, "V": v, "Parts": parts})
}

// diffPart is one part of a version diff as its page shows it.
type diffPart struct {
	ID, Title, Hint string
	P               datanet.DiffPart
}
