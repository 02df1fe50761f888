package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/tlog"
)

// logHandler serves the transparency log under /log/. Without a log (tests
// of other parts) it answers 404.
func (s *Server) logHandler() http.Handler {
	if s.TLog == nil {
		return http.NotFoundHandler()
	}
	return http.StripPrefix("/log", s.TLog.Handler())
}

// eventJSON is one of a member's ledger events.
type eventJSON struct {
	ID        string           `json:"id"`
	Type      string           `json:"type"`
	Scope     string           `json:"scope,omitempty"`
	Postings  []ledger.Posting `json:"postings,omitempty"`
	CreatedAt time.Time        `json:"created_at"`
	LogIndex  *uint64          `json:"log_index"`
	Erased    bool             `json:"erased,omitempty"`
	Receipt   string           `json:"receipt,omitempty"`
}

func toEventJSON(r ledger.Recorded) eventJSON {
	e := eventJSON{ID: r.EventID, Type: string(r.Type), Scope: r.Entry.Scope, Postings: r.Entry.Postings, CreatedAt: r.CreatedAt, Erased: r.Erased}
	if r.Logged {
		idx := r.LogIndex
		e.LogIndex = &idx
		e.Receipt = "/api/v1/events/" + r.EventID + "/receipt"
	}
	return e
}

// apiEvents lists a member's own events. Events are the member's history;
// their public halves are in the log for everyone, but which pseudonym is
// whose is private, so nobody sees another member's list.
func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's events"); err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Ledger.ForMember(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]eventJSON, len(list))
	for i, rec := range list {
		out[i] = toEventJSON(rec)
	}
	writeJSON(w, http.StatusOK, listJSON{"events": out}.next(next))
}

// apiReceipt returns the receipt of one of the member's events: the JSON
// receipt by default, or the bare C2SP tlog-proof with ?format=tlog-proof.
// Either downloads as a file.
func (s *Server) apiReceipt(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if s.TLog == nil {
		s.apiError(w, r, problem.New(problem.NotFound, "this server has no transparency log"))
		return
	}
	id := r.PathValue("event")
	rec, err := s.Ledger.Receipt(r.Context(), s.TLog, sess.Member.ID, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="allmende-receipt-%s.json"`, id))
		writeJSON(w, http.StatusOK, rec)
	case "tlog-proof":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="allmende-receipt-%s.tlog-proof"`, id))
		_, _ = w.Write([]byte(rec.TlogProof))
	default:
		s.apiError(w, r, &problem.Error{Kind: problem.Invalid, Message: "unknown receipt format", Fields: map[string]string{"format": "json or tlog-proof"}})
	}
}

// audit shows the log's state and how to check it; to a signed-in member
// also their own events with their log index and receipts.
func (s *Server) audit(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{}
	if s.TLog != nil {
		cp, err := s.TLog.Checkpoint(r.Context())
		if err != nil && !errors.Is(err, tlog.ErrNotCovered) {
			s.pageError(w, r, err)
			return
		}
		data["Checkpoint"] = cp
		data["Key"] = s.TLog.VerifierKey()
		data["Origin"] = s.TLog.Origin()
	}
	stats, err := s.Ledger.Stats(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	data["Stats"] = stats
	data["Base"] = requestBase(r)
	if sess := currentSession(r); sess != nil {
		page, err := pageOf(r, pageLimit)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		events, next, err := s.Ledger.ForMember(r.Context(), sess.Member.ID, page)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		rows := make([]eventJSON, len(events))
		for i, e := range events {
			rows[i] = toEventJSON(e)
		}
		data["Events"] = rows
		data["Pager"] = pagerFor(r, next)
	}
	s.render(w, r, http.StatusOK, "audit.html", "Audit", data)
}

// requestBase is the scheme and host the request came to, for the
// copy-and-paste commands on the audit page.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
