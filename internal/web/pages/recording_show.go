package pages

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/web/request"
)

func (p *Pages) recordingShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showRecording(w, r, http.StatusOK, form{})
}

// showRecording is a recording's page: its steps as a person reads them,
// and the forms to appeal, decide, publish and erase it, which show their
// problems here.
func (p *Pages) showRecording(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	info, rec, err := p.Actions.Open(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	if f.Values == nil {
		f.Values = map[string]string{"price_per_run": p.currency().Number(50), "title": info.Title}
	}
	// The learn form, shown again, leaves the publish form as it was.
	publish := f
	if f.Values["form"] == "learn" {
		publish = form{Values: map[string]string{"price_per_run": p.currency().Number(50), "title": info.Title}}
	}
	return p.render(w, r, status, "recording.html", info.Title, map[string]any{
		"R": info, "Steps": describeSteps(rec), "Params": rec.Parameters(), "Mine": info.RecordedBy(sess.Member), "Form": f, "PublishForm": publish,
	})
}

// recordingProblem shows a problem of a form on the recording's page,
// with its fields also in the message; a recording that is not there to
// this member gets the error page.
func (p *Pages) recordingProblem(err error) error {
	return &redo{err: err, show: p.showRecording, summary: true, shows: found}
}

// stepLine is one recorded step as a person reads it.
type stepLine struct {
	Index  int
	Type   string
	Target string
	Detail string
	Masked bool
}

// describeSteps writes a recording's steps for people: what was done, on
// what, and — for typing — the value only if it is a parameter.
func describeSteps(rec recording.Recording) []stepLine {
	var masked []int
	if rec.Allmende != nil {
		masked = rec.Allmende.Masked
	}
	out := make([]stepLine, len(rec.Steps))
	for i, st := range rec.Steps {
		l := stepLine{Index: i, Type: st.Type}
		if len(st.Selectors) > 0 {
			l.Target = strings.Join(st.Selectors[0], " » ")
		}
		switch st.Type {
		case "navigate":
			l.Detail = st.URL
		case "change":
			switch {
			case slices.Contains(masked, i):
				l.Detail, l.Masked = "a masked value", true
			case strings.Contains(st.Value, "{{"):
				l.Detail = st.Value
			default:
				l.Detail = fmt.Sprintf("%d characters", len([]rune(st.Value)))
			}
		case "keyDown", "keyUp":
			l.Detail = st.Key
		case "waitForExpression":
			l.Detail = st.Expression
		}
		out[i] = l
	}
	return out
}
