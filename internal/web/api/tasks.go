package api

import (
	"io"
	"mime"
	"net/http"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
	"github.com/allmende/allmende/internal/work"
)

func (a *API) tasks(mux route.Mux) {
	mux.Handle("GET /api/v1/tasks", a.member(a.tasksList))
	mux.Handle("GET /api/v1/tasks/{id}", a.member(a.taskShow))
	mux.Handle("POST /api/v1/tasks/{id}/return", a.member(a.taskReturn))
	mux.Handle("POST /api/v1/tasks/{id}/skip", a.member(a.taskSkip))
	mux.Handle("POST /api/v1/tasks/{id}/heartbeat", a.member(a.taskHeartbeat))
	mux.Handle("POST /api/v1/tasks/{id}/submit", a.member(a.taskSubmit))
	mux.Handle("POST /api/v1/tasks/{id}/reject", a.member(a.taskReject))
	mux.Handle("POST /api/v1/tasks/{id}/accept", a.member(a.taskAccept))
	mux.Handle("POST /api/v1/tasks/{id}/appeal", a.member(a.taskAppeal))
	mux.Handle("POST /api/v1/tasks/{id}/decide", a.member(a.taskDecide))
}

func taskID(r *http.Request) (int64, error) { return request.Number(r, "id", "no such task") }

func (a *API) taskShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	c, err := a.Work.Case(r.Context(), sess.Member, id)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, c)
	return nil
}

// tasksList is the caller's own tasks, newest first; ?state= one state.
func (a *API) tasksList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Work.MyTasks(r.Context(), sess.Member.ID, r.URL.Query().Get("state"), page)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, response.List{"tasks": list}.Next(next))
	return nil
}

func (a *API) taskReturn(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return a.giveBack(w, r, sess, work.Return)
}

func (a *API) taskSkip(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	return a.giveBack(w, r, sess, work.Skip)
}

// giveBack ends one of the caller's open tasks unpaid, its time recorded
// as unpaid time.
func (a *API) giveBack(w http.ResponseWriter, r *http.Request, sess *member.Session, how string) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	t, err := a.Work.GiveBack(r.Context(), sess.Member.ID, id, how)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, t)
	return nil
}

func (a *API) taskHeartbeat(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if err := a.Work.Heartbeat(r.Context(), sess.Member.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// taskSubmit takes the answer JSON as the body.
func (a *API) taskSubmit(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		return problem.New(problem.Unsupported, "send the answer as application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return problem.New(problem.TooLarge, "the answer is larger than 1 MB")
	}
	t, err := a.Work.Submit(r.Context(), sess.Member.ID, id, body)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, t)
	return nil
}

type reviewRequest struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
	Uphold *bool  `json:"uphold"`
	Note   string `json:"note"`
}

// review reads the task id and the body of a rejection, an appeal or a
// decision on one.
func review(w http.ResponseWriter, r *http.Request) (int64, reviewRequest, error) {
	var req reviewRequest
	id, err := taskID(r)
	if err != nil {
		return 0, req, err
	}
	return id, req, request.JSON(w, r, &req)
}

func (a *API) taskReject(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, req, err := review(w, r)
	if err != nil {
		return err
	}
	out, err := a.Work.Reject(r.Context(), sess.Member, id, req.Kind, req.Reason)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]string{"status": out})
	return nil
}

// taskAccept pays a submission now, before its review window closes.
func (a *API) taskAccept(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	if err := a.Work.Accept(r.Context(), sess.Member, id); err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]string{"status": "paid"})
	return nil
}

func (a *API) taskAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, req, err := review(w, r)
	if err != nil {
		return err
	}
	if err := a.Work.Appeal(r.Context(), sess.Member, id, req.Text); err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]string{"status": "appealed"})
	return nil
}

func (a *API) taskDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	id, req, err := review(w, r)
	if err != nil {
		return err
	}
	if req.Uphold == nil {
		return &problem.Error{Kind: problem.Invalid, Message: "say whether the rejection stands", Fields: map[string]string{"uphold": "true or false"}}
	}
	if err := a.Work.Decide(r.Context(), sess.Member, id, *req.Uphold, req.Note); err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]bool{"upheld": *req.Uphold})
	return nil
}
