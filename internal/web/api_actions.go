package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

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

// apiRecordingUpload takes a recording from the extension (with the
// member's API key) or any program (with a session token).
func (s *Server) apiRecordingUpload(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	body, err := readRecording(w, r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rec, err := s.Actions.Upload(r.Context(), sess.Member, body, r.URL.Query().Get("datanet"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rec)
}

func (s *Server) apiRecordings(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's recordings"); err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Actions.Mine(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listJSON{"recordings": list}.next(next))
}

func (s *Server) apiRecording(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	info, rec, err := s.Actions.Open(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	raw, err := rec.MarshalJSON()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"info": info, "recording": json.RawMessage(raw)})
}

func (s *Server) apiRecordingExport(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	_, rec, err := s.Actions.Open(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	raw, err := rec.Export()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("id")+`.json"`)
	w.Write(raw)
}

func (s *Server) apiRecordingAppeal(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	rec, err := s.Actions.Appeal(r.Context(), sess.Member, r.PathValue("id"), req.Reason)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (s *Server) apiRecordingDecide(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	var req struct {
		Verified *bool  `json:"verified"`
		Reason   string `json:"reason"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	if req.Verified == nil {
		s.apiError(w, r, &problem.Error{Kind: problem.Invalid, Message: "say whether the recording is verified", Fields: map[string]string{"verified": "true or false"}})
		return
	}
	rec, err := s.Actions.Decide(r.Context(), sess.Member, r.PathValue("id"), *req.Verified, req.Reason)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (s *Server) apiRecordingErase(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Actions.Erase(r.Context(), sess.Member, r.PathValue("id")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiPublish(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	var req action.Publication
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	a, err := s.Actions.Publish(r.Context(), sess.Member, r.PathValue("id"), req)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

func (s *Server) apiAutomations(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Actions.Automations(r.Context(), page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listJSON{"automations": list}.next(next))
}

func (s *Server) apiAutomation(w http.ResponseWriter, r *http.Request) {
	a, err := s.Actions.Automation(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) apiWithdraw(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Actions.Withdraw(r.Context(), sess.Member, r.PathValue("slug")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiRunStart(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	var req struct {
		Params map[string]string `json:"params"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	run, err := s.Actions.StartRun(r.Context(), sess.Member, r.PathValue("slug"), req.Params)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, run)
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	run, err := s.Actions.GetRun(r.Context(), sess.Member, r.PathValue("id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, run)
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's runs"); err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Actions.MyRuns(r.Context(), sess.Member.ID, r.URL.Query().Get("automation"), page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listJSON{"runs": list}.next(next))
}
