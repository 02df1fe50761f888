package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
)

func (a *API) events(mux route.Mux) {
	mux.Handle("GET /api/v1/members/{id}/events", a.member(a.eventList))
	mux.Handle("GET /api/v1/events/{event}/receipt", a.member(a.eventReceipt))
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

// eventList lists a member's own events. Events are the member's history;
// their public halves are in the log for everyone, but which pseudonym is
// whose is private, so nobody sees another member's list.
func (a *API) eventList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's events"); err != nil {
		return err
	}
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Ledger.ForMember(r.Context(), sess.Member.ID, page)
	if err != nil {
		return err
	}
	out := make([]eventJSON, len(list))
	for i, rec := range list {
		out[i] = toEventJSON(rec)
	}
	response.JSON(w, http.StatusOK, response.List{"events": out}.Next(next))
	return nil
}

// eventReceipt returns the member's receipt for one of their events or an
// event that paid them (ledger.Receipt decides which they may have): the
// JSON receipt by default, or the bare C2SP tlog-proof with
// ?format=tlog-proof. Either downloads as a file.
func (a *API) eventReceipt(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if a.TLog == nil {
		return problem.New(problem.NotFound, "this server has no transparency log")
	}
	id := r.PathValue("event")
	rec, err := a.Ledger.Receipt(r.Context(), a.TLog, sess.Member.ID, id)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="allmende-receipt-%s.json"`, id))
		response.JSON(w, http.StatusOK, rec)
	case "tlog-proof":
		response.Download(w, "text/plain; charset=utf-8", "allmende-receipt-"+id+".tlog-proof", []byte(rec.TlogProof))
	default:
		return &problem.Error{Kind: problem.Invalid, Message: "unknown receipt format", Fields: map[string]string{"format": "json or tlog-proof"}}
	}
	return nil
}
