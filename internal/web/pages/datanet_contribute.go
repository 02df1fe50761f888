package pages

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// datanetContribute stores what the contribute form sends: one record
// typed in the form, a JSONL file, or an image. The page redacts on the
// member's machine and sends through the API (contribute.js); a form that
// reaches this handler is checked as that is (datanet.IntakeOptions
// Checked), so raw personal data posted here is refused, never stored.
func (p *Pages) datanetContribute(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	res, err := p.contribute(w, r, sess)
	if errors.Is(err, datanet.ErrBatchRejected) {
		err = res.Problem()
	}
	if err != nil {
		return again(inline(err), p.showDatanet, form{})
	}
	if res.Pending > 0 {
		http.Redirect(w, r, "/contributions?waiting="+strconv.Itoa(res.Pending), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/contributions?added="+strconv.Itoa(res.Accepted), http.StatusSeeOther)
	return nil
}

func (p *Pages) contribute(w http.ResponseWriter, r *http.Request, sess *member.Session) (datanet.Result, error) {
	d, err := p.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return datanet.Result{}, err
	}
	sub, err := contributionForm(w, r, d)
	if err != nil {
		return datanet.Result{}, err
	}
	return p.Datanets.Contribute(r.Context(), sess.Member.ID, d.Slug, sub, datanet.IntakeOptions{Partial: r.FormValue("partial") == "on", Checked: true})
}

// inline writes a problem's fields into its message, " records[3].text:
// must be a string.", for the datanet page, which shows one message.
func inline(err error) error {
	pr, ok := problem.As(err)
	if !ok || len(pr.Fields) == 0 {
		return err
	}
	msg := pr.Message
	for _, k := range slices.Sorted(maps.Keys(pr.Fields)) {
		msg += " " + k + ": " + pr.Fields[k] + "."
	}
	return &problem.Error{Kind: pr.Kind, Message: msg, RetryAfter: pr.RetryAfter}
}
