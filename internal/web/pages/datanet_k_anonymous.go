package pages

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// datanetKAnonymous previews a k-anonymous export of a datanet: what was
// generalised per quasi-identifier, the records suppressed, a few rows,
// and the links that download the same table. Without a k and fields it
// shows the form alone.
func (p *Pages) datanetKAnonymous(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	q := r.URL.Query()
	if !q.Has("k") && !q.Has("quasi") {
		// Asked first only to show no form to someone the domain would
		// refuse: the export itself decides again.
		if !datanet.MayExport(sess.Member) {
			return problem.New(problem.Forbidden, "requesters and stewards export datanets")
		}
		return p.showKAnonymous(w, r, http.StatusOK, form{Values: map[string]string{"k": "5"}})
	}
	d, err := p.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	req, f, err := kanonForm(r, d)
	if err != nil {
		return again(err, p.showKAnonymous, f)
	}
	an, err := p.Datanets.KAnonymous(r.Context(), sess.Member, d.Slug, req)
	if err != nil {
		return again(err, p.showKAnonymous, f)
	}
	return p.renderKAnonymous(w, r, http.StatusOK, d, f, &an)
}

// showKAnonymous is the page with its form only, as a person filled it
// in, and the problem with it if there is one.
func (p *Pages) showKAnonymous(w http.ResponseWriter, r *http.Request, status int, f form) error {
	d, err := p.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return p.renderKAnonymous(w, r, status, d, f, nil)
}

func (p *Pages) renderKAnonymous(w http.ResponseWriter, r *http.Request, status int, d datanet.Datanet, f form, an *datanet.KAnonymous) error {
	data := map[string]any{"D": d, "Form": f, "Message": f.Message}
	if an != nil {
		data["A"], data["Rows"] = an, kanonRows(*an)
		for _, format := range datanet.KAnonFormats {
			v := url.Values{"k": {strconv.Itoa(an.K)}, "quasi": an.Quasi, "format": {format}}
			data["Download_"+format] = "/datanets/" + d.Slug + "/k-anonymous/export?" + v.Encode()
		}
	}
	return p.render(w, r, status, "datanet_k_anonymous.html", "k-anonymous export of "+d.Name, data)
}

// kanonCell is a value of the preview's table: Quasi for a
// quasi-identifier's column, Generalised when the export changed it.
type kanonCell struct {
	Column, Value      string
	Quasi, Generalised bool
}

// kanonRows are the preview's rows, cell by cell in the table's columns.
func kanonRows(an datanet.KAnonymous) [][]kanonCell {
	var rows [][]kanonCell
	for _, s := range an.Sample(10) {
		row := make([]kanonCell, len(an.Columns))
		for i, c := range an.Columns {
			row[i] = kanonCell{Column: c, Value: s.Values[c], Quasi: slices.Contains(an.Quasi, c), Generalised: slices.Contains(s.Generalised, c)}
		}
		rows = append(rows, row)
	}
	return rows
}
