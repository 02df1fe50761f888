package datanet

import (
	"encoding/json"
	"net/url"

	"github.com/allmende/allmende/internal/privacy"
	"github.com/allmende/allmende/internal/recording"
)

// cleanRecording prepares a recording for a datanet: personal data in its
// title, typed values and addresses is redacted like any text, and the
// timing and pointer evidence is dropped — it judged that a person did the
// work, and as mouse and typing rhythm it could identify them; a dataset of
// how tasks are done does not need it. It returns the cleaned recording and
// how many of each kind of personal data were replaced.
func cleanRecording(raw json.RawMessage) (json.RawMessage, map[privacy.Type]int, error) {
	rec, err := recording.Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	found := map[privacy.Type]int{}
	redact := func(s string) string {
		red, spans := privacy.Redact(s, privacy.DefaultMinScore)
		for _, sp := range spans {
			found[sp.Type]++
		}
		return red
	}
	rec.Title = redact(rec.Title)
	for i := range rec.Steps {
		st := &rec.Steps[i]
		st.Value = redact(st.Value)
		if st.URL != "" {
			st.URL = redactURL(st.URL, redact)
		}
		for j := range st.AssertedEvents {
			if st.AssertedEvents[j].URL != "" {
				st.AssertedEvents[j].URL = redactURL(st.AssertedEvents[j].URL, redact)
			}
			st.AssertedEvents[j].Title = redact(st.AssertedEvents[j].Title)
		}
	}
	if rec.Allmende != nil {
		rec.Allmende.Events = nil
	}
	out, err := rec.MarshalJSON()
	return out, found, err
}

// redactURL redacts a URL's path, query values and fragment, where forms
// and apps put what people typed; the scheme and host stay readable. A URL
// with nothing to redact is kept byte for byte (parameter placeholders
// included).
func redactURL(raw string, redact func(string) string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redact(raw)
	}
	changed := false
	q := u.Query()
	for _, vs := range q {
		for i, v := range vs {
			if r := redact(v); r != v {
				vs[i], changed = r, true
			}
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	if r := redact(u.Fragment); r != u.Fragment {
		u.Fragment, changed = r, true
	}
	if r := redact(u.Path); r != u.Path {
		u.Path, u.RawPath, changed = r, "", true
	}
	if !changed {
		return raw
	}
	return u.String()
}
