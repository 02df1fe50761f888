package datanet_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestCheckedContributionsAreCheckedNotRedacted covers the server's half of
// redaction on the member's machine: text that arrives redacted is stored
// as it came, findings the member confirmed keeping stay, and anything
// else the detector finds is refused with its type, never stored.
func TestCheckedContributionsAreCheckedNotRedacted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		notes := e.datanet(t, "notes")
		parse := func(line string) datanet.Submission {
			t.Helper()
			sub, err := notes.ParseRecords(datanet.FormatJSONL, strings.NewReader(line))
			if err != nil {
				t.Fatal(err)
			}
			return sub
		}
		redacted := gardenText + " Write to <EMAIL_ADDRESS>. Best regards, Paris Hilton"
		start := len([]rune(redacted)) - len("Paris Hilton")
		kept := `[{"field":"text","start":` + strconv.Itoa(start) + `,"end":` + strconv.Itoa(start+12) + `,"type":"PERSON"}]`

		for _, tc := range []struct {
			name, line, field, want string
		}{
			{"raw e-mail", `{"text":"` + gardenText + ` Write to ada@example.org."}`, "text", "personal data: EMAIL_ADDRESS at characters"},
			{"name not confirmed", `{"text":"` + redacted + `"}`, "text", "PERSON at characters " + strconv.Itoa(start) + "–" + strconv.Itoa(start+12)},
			{"kept elsewhere", `{"text":"` + redacted + `","kept":[{"field":"text","start":0,"end":12,"type":"PERSON"}]}`, "text", "data: PERSON"},
			{"kept as another type", `{"text":"` + redacted + `","kept":[{"field":"text","start":` + strconv.Itoa(start) + `,"end":` + strconv.Itoa(start+12) + `,"type":"LOCATION"}]}`, "text", "data: PERSON"},
			{"raw phone in a field", `{"text":"` + gardenText + `","fields":{"region":"Tel. +49 30 1234567"}}`, "fields.region", "data: PHONE_NUMBER"},
			{"kept names no text", `{"text":"` + redacted + `","kept":[{"field":"title","start":0,"end":1,"type":"PERSON"}]}`, "kept[0].field", `"title" is not a text`},
			{"kept of no type", `{"text":"` + redacted + `","kept":[{"field":"text","start":0,"end":1,"type":"NAME"}]}`, "kept[0].type", `"NAME" is not a type`},
		} {
			res, err := e.svc.Contribute(ctx, e.ada, "notes", parse(tc.line), datanet.IntakeOptions{Checked: true})
			if !errors.Is(err, datanet.ErrBatchRejected) && len(res.Outcomes) == 0 {
				// A bad kept list is a parse error of the record.
				t.Fatalf("%s: %+v %v", tc.name, res, err)
			}
			if res.Stored || len(res.Outcomes) != 1 || res.Outcomes[0].Error == nil {
				t.Fatalf("%s: not refused: %+v %v", tc.name, res, err)
			}
			if got := res.Outcomes[0].Error; got.Field != tc.field || !strings.Contains(got.Message, tc.want) {
				t.Errorf("%s: error %+v, want field %s saying %q", tc.name, got, tc.field, tc.want)
			}
		}
		if n := len(exported(t, e.svc, "notes")); n != 0 {
			t.Fatalf("refused records were stored: %d", n)
		}

		res, err := e.svc.Contribute(ctx, e.ada, "notes", parse(`{"text":"`+redacted+`","kept":`+kept+`}`), datanet.IntakeOptions{Checked: true})
		if err != nil || res.Accepted != 1 {
			t.Fatalf("confirmed record refused: %+v %v", res, err)
		}
		o := res.Outcomes[0]
		if o.Record.Text != redacted {
			t.Errorf("a checked text was changed: %q", o.Record.Text)
		}
		if len(o.Redactions) != 1 || o.Redactions[0].Type != "EMAIL_ADDRESS" || string([]rune(redacted)[o.Redactions[0].Start:o.Redactions[0].End]) != "<EMAIL_ADDRESS>" {
			t.Errorf("redactions should be the placeholder the member's machine put in: %+v", o.Redactions)
		}
		ex := exported(t, e.svc, "notes")
		if len(ex) != 1 || ex[0].Record.Text != redacted {
			t.Fatalf("stored record: %+v", ex)
		}

		// Unchecked, the same pipeline still redacts what arrives.
		res, err = e.svc.Contribute(ctx, e.bob, "notes", parse(`{"text":"Mulch and compost, then ask bob@example.org."}`), datanet.IntakeOptions{})
		if err != nil || res.Accepted != 1 || strings.Contains(res.Outcomes[0].Record.Text, "bob@") {
			t.Fatalf("unchecked contribution: %+v %v", res, err)
		}
	})
}
