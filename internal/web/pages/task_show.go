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

// showTask is the task's page. To its worker, an open task is the form to
// answer it (or give it back); to its worker, its project's requester and
// stewards, a task done is its case: the work drawn, where it stands,
// the reasons given, and the one thing each may do next (appeal, reject,
// decide). A refused answer, appeal, rejection or ruling shows its problem
// here, field by field.
func (p *Pages) showTask(w http.ResponseWriter, r *http.Request, status int, f form) error {
	sess := request.Session(r)
	id, err := taskID(r)
	if err != nil {
		return err
	}
	c, err := p.Work.Case(r.Context(), sess.Member, id)
	if err != nil {
		return err
	}
	t := c.Task
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
		"T": t, "C": c, "Work": viewWork(c), "Floor": floor, "Initial": initial, "Problem": fail, "Form": f,
		"Labels": string(labels), "Mode": string(t.Project.TaskType),
	})
}
