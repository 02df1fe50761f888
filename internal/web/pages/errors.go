package pages

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/response"
)

// Error is the one function that writes a page's error, at the status
// the one table (response.Status) gives: a problem a handler returned
// with redo is shown on the page its form is on, with the form as the
// person filled it in; any other error gets the error page. The
// middleware's refusals come here too.
func (p *Pages) Error(w http.ResponseWriter, r *http.Request, err error) {
	pr, status := response.Problem(p.Log, r, err)
	response.RetryAfter(w, pr)
	var rd *redo
	if errors.As(err, &rd) && rd.takes() {
		err = rd.show(w, r, status, rd.filled())
		if err == nil {
			return
		}
		// The page itself could not be shown (what the form was about
		// is gone, say): its error gets the error page.
		pr, status = response.Problem(p.Log, r, err)
	}
	if err := p.render(w, r, status, "error.html", "Problem", map[string]any{"Status": status, "Heading": errorHeading(status), "Message": pr.Message}); err != nil {
		p.Log.Error("render the error page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// shower renders a page at a status with a form: the page's own handler
// shows it at 200 with an empty or default form, Error at a problem's
// status with the form a person sent.
type shower func(w http.ResponseWriter, r *http.Request, status int, f form) error

// redo is a problem to show on the page a form was sent from, rather than
// on the error page.
type redo struct {
	err  error
	show shower
	form form
	// summary puts the fields into the message, as problem.Error.Error
	// writes them, for pages that show no field errors of their own.
	summary bool
	// shows, when set, says which kinds of problem the page shows;
	// others get the error page.
	shows func(problem.Kind) bool
}

func (e *redo) Error() string { return e.err.Error() }
func (e *redo) Unwrap() error { return e.err }

// again returns err to be shown on the page show renders, with f as the
// person sent it; nil stays nil.
func again(err error, show shower, f form) error {
	if err == nil {
		return nil
	}
	return &redo{err: err, show: show, form: f}
}

// againSummary is again for a page that shows the message only: the
// fields go into it.
func againSummary(err error, show shower, f form) error {
	if err == nil {
		return nil
	}
	return &redo{err: err, show: show, form: f, summary: true}
}

// takes says whether the page takes the error: a problem (not a fault of
// the server's) of a kind it shows.
func (e *redo) takes() bool {
	pr, ok := problem.As(e.err)
	return ok && (e.shows == nil || e.shows(pr.Kind))
}

// oneOf shows the given kinds of problem only.
func oneOf(kinds ...problem.Kind) func(problem.Kind) bool {
	return func(k problem.Kind) bool { return slices.Contains(kinds, k) }
}

// found shows every problem but a missing thing, which has no page to
// show it on.
func found(k problem.Kind) bool { return k != problem.NotFound }

// filled is the form with the problem's message and fields; fields the
// form already found wrong stay.
func (e *redo) filled() form {
	pr, _ := problem.As(e.err)
	f := e.form
	f.Message = pr.Message
	if e.summary {
		f.Message = summary(pr)
	}
	if len(pr.Fields) > 0 {
		errs := make(map[string]string, len(f.Errors)+len(pr.Fields))
		for k, v := range f.Errors {
			errs[k] = v
		}
		for k, v := range pr.Fields {
			errs[k] = v
		}
		f.Errors = errs
	}
	return f
}

// summary is the problem as problem.Error.Error writes it, except that a
// message ending its sentence loses the full stop before the fields: the
// pages read "Some fields are not valid; unit: …", not "valid.; unit: …".
func summary(pr *problem.Error) string {
	if len(pr.Fields) == 0 {
		return pr.Message
	}
	short := *pr
	short.Message = strings.TrimSuffix(pr.Message, ".")
	return short.Error()
}

// errorHeading is the error page's heading: a sentence saying what
// happened, the status only beside it.
func errorHeading(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "The request could not be read"
	case http.StatusUnauthorized:
		return "Please sign in first"
	case http.StatusPaymentRequired:
		return "Your balance does not cover this"
	case http.StatusForbidden:
		return "You are not allowed to do this"
	case http.StatusNotFound:
		return "There is nothing here"
	case http.StatusConflict:
		return "This cannot be done in the state it is in"
	case http.StatusRequestEntityTooLarge:
		return "What you sent is too large"
	case http.StatusUnsupportedMediaType:
		return "This kind of file is not accepted"
	case http.StatusUnprocessableEntity:
		return "Something you entered is not right"
	case http.StatusTooManyRequests:
		return "Too many attempts: please wait a moment"
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return "A service this needs did not answer properly"
	case http.StatusServiceUnavailable:
		return "This is not available right now: please try again"
	case 499:
		return "The request was cancelled"
	}
	if status >= 500 {
		return "Something went wrong on our side"
	}
	return "This did not work"
}
