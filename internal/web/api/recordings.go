package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) recordings(mux route.Mux) {
	mux.Handle("POST /api/v1/recordings", a.memberOrKey(a.recordingCreate))
	mux.Handle("GET /api/v1/members/{id}/recordings", a.member(a.recordingList))
	mux.Handle("GET /api/v1/recordings/{id}", a.member(a.recordingShow))
	mux.Handle("GET /api/v1/recordings/{id}/export", a.member(a.recordingExport))
	mux.Handle("POST /api/v1/recordings/{id}/appeal", a.member(a.recordingAppeal))
	mux.Handle("POST /api/v1/recordings/{id}/decision", a.member(a.recordingDecide))
	mux.Handle("DELETE /api/v1/recordings/{id}", a.member(a.recordingErase))
	mux.Handle("POST /api/v1/recordings/{id}/publish", a.member(a.recordingPublish))
	mux.Handle("POST /api/v1/recordings/{id}/offer", a.member(a.recordingOffer))
}

// recordingOffer lets learned automations use the member's verified
// recording as a demonstration.
func (a *API) recordingOffer(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	rec, err := a.Actions.Offer(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, rec)
	return nil
}

// readRecording reads an uploaded recording body, refusing more than the
// format allows before reading it all.
func readRecording(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, action.MaxUpload))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, problem.New(problem.TooLarge, "a recording may be at most %d MB", action.MaxUpload>>20)
	}
	if err != nil {
		return nil, problem.New(problem.BadRequest, "cannot read the recording: %v", err)
	}
	return body, nil
}

// recordingCreate takes a recording from the extension (with the member's
// API key) or any program (with a session token).
func (a *API) recordingCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	body, err := readRecording(w, r)
	if err != nil {
		return err
	}
	rec, err := a.Actions.Upload(r.Context(), sess.Member, body, r.URL.Query().Get("datanet"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, rec)
	return nil
}

func (a *API) recordingList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's recordings"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Actions.Mine(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, response.List{"recordings": list}.Next(next))
	return nil
}

func (a *API) recordingShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	info, rec, err := a.Actions.Open(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	raw, err := rec.MarshalJSON()
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, map[string]any{"info": info, "recording": json.RawMessage(raw)})
	return nil
}

// recordingExport downloads a recording in Chrome's Recorder format.
func (a *API) recordingExport(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	_, rec, err := a.Actions.Open(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	raw, err := rec.Export()
	if err != nil {
		return err
	}
	response.Download(w, "application/json", r.PathValue("id")+".json", raw)
	return nil
}

func (a *API) recordingAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	rec, err := a.Actions.Appeal(r.Context(), sess.Member, r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, rec)
	return nil
}

func (a *API) recordingDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Verified *bool  `json:"verified"`
		Reason   string `json:"reason"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	if req.Verified == nil {
		return &problem.Error{Kind: problem.Invalid, Message: "say whether the recording is verified", Fields: map[string]string{"verified": "true or false"}}
	}
	rec, err := a.Actions.Decide(r.Context(), sess.Member, r.PathValue("id"), *req.Verified, req.Reason)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, rec)
	return nil
}

func (a *API) recordingErase(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := a.Actions.Erase(r.Context(), sess.Member, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) recordingPublish(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req publicationRequest
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	pub, err := a.publication(req)
	if err != nil {
		return err
	}
	auto, err := a.Actions.Publish(r.Context(), sess.Member, r.PathValue("id"), pub)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, a.automationOut(auto))
	return nil
}
