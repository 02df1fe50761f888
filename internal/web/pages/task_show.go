package pages

import (
	"encoding/json"
	"net/http"

	"github.com/allmende/allmende/internal/coop"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
)

func taskID(r *http.Request) (int64, error) { return request.Number(r, "id", "no such task") }

func (p *Pages) taskShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return p.showTask(w, r, http.StatusOK, form{})
}

// showTask is the task's page; an answer or an appeal that is refused
// shows its problem there, field by field.
func (p *Pages) showTask(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	id, err := taskID(r)
	if err != nil {
		return err
	}
	t, err := p.Work.Task(r.Context(), sess.Member.ID, id)
	if err != nil {
		return err
	}
	floor, err := p.Params.Get(r.Context(), nil, coop.PayFloor)
	if err != nil {
		return err
	}
	initial := "{}"
	if t.Answer != nil {
		initial = string(*t.Answer)
	} else if len(t.Item.Pre) > 0 {
		initial = string(t.Item.Pre)
	}
	var fail *problem.Error
	if f.Message != "" || len(f.Errors) > 0 {
		fail = &problem.Error{Message: f.Message, Fields: f.Errors}
	}
	labels, err := json.Marshal(t.Project.Labels)
	if err != nil {
		return err
	}
	return p.render(w, r, status, "task.html", t.Project.Name, map[string]any{
		"T": t, "Floor": floor, "Initial": initial, "Problem": fail,
		"Labels": string(labels), "Mode": string(t.Project.TaskType),
	})
}
