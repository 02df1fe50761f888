package datanet_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/privacy"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// kanonNotes are garden notes with an age and a region, different enough
// that none is a near duplicate of another.
var kanonNotes = []struct{ text, age, region string }{
	{"Tomatoes want six hours of sun and deep watering at the base each morning.", "23", "north"},
	{"Basil hates cold nights, so bring the pots inside below ten degrees.", "27", "north"},
	{"Chives come back every spring without care and keep aphids away from roses.", "31", "south"},
	{"Garlic planted in October gives fat bulbs by the middle of next July.", "38", "south"},
	{"Slugs avoid copper tape, crushed eggshells do very little against them.", "45", "east"},
	{"Compost needs as much brown cardboard as green kitchen waste to stay sweet.", "52", "east"},
	{"Raspberries fruit on last year's canes, so cut only the ones that bore.", "58", "west"},
	{"Leeks sown in March are ready for soup when the first frosts arrive.", "64", "west"},
}

func notesWithFields(t *testing.T, d datanet.Datanet, idx ...int) datanet.Submission {
	t.Helper()
	var b strings.Builder
	for _, i := range idx {
		n := kanonNotes[i]
		js, _ := json.Marshal(map[string]any{"text": n.text, "fields": map[string]string{"age": n.age, "region": n.region}})
		b.Write(js)
		b.WriteByte('\n')
	}
	sub, err := d.ParseRecords(datanet.FormatJSONL, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// A k-anonymous export is the datanet's accepted, consented records with
// the chosen quasi-identifiers generalised until every combination is
// shared by k rows; an erased record and a paused contributor's are not
// in it, the table has no record id, only requesters and stewards get it,
// and bad requests are refused naming the field.
func TestKAnonymousExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		notes := e.datanet(t, "notes")
		res, err := e.svc.Contribute(ctx, e.ada, "notes", notesWithFields(t, notes, 0, 1, 2, 3, 4, 5), datanet.IntakeOptions{})
		if err != nil || res.Accepted != 6 {
			t.Fatalf("ada contributes: %+v %v", res, err)
		}
		erased := res.Outcomes[2].Contribution // the chives
		if err := e.svc.Erase(ctx, e.ada, erased); err != nil {
			t.Fatal(err)
		}
		if res, err := e.svc.Contribute(ctx, e.bob, "notes", notesWithFields(t, notes, 6, 7), datanet.IntakeOptions{}); err != nil || res.Accepted != 2 {
			t.Fatalf("bob contributes: %+v %v", res, err)
		}
		if _, err := e.svc.ConsentAction(ctx, e.bob, "notes", "pause"); err != nil {
			t.Fatal(err)
		}
		quasi := []string{"age", "region"}
		req, err := datanet.ParseKAnon(notes, " 2 ", []string{"age, region"})
		if err != nil || req.K != 2 || !slices.Equal(req.Quasi, quasi) {
			t.Fatalf("parse: %+v %v", req, err)
		}
		if _, err := e.svc.KAnonymous(ctx, member.Member{ID: e.bob, Role: member.RoleMember}, "notes", req); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a contributor exported: %v", err)
		}
		an, err := e.svc.KAnonymous(ctx, requester(e.bob), "notes", req)
		if err != nil {
			t.Fatal(err)
		}
		if an.Records != 5 || an.Exported != 5 || an.Suppressed != 0 || an.Groups < 2 {
			t.Fatalf("records %d, exported %d, suppressed %d, groups %d; want 5 of ada's records (one erased, bob paused) in 2 or more groups",
				an.Records, an.Exported, an.Suppressed, an.Groups)
		}
		if !slices.Equal(an.Columns, []string{"text", "age", "region"}) {
			t.Fatalf("columns %v: the record id must not be one", an.Columns)
		}
		if !privacy.IsKAnonymous(an.Rows, quasi, 2) {
			t.Fatalf("not 2-anonymous: %v", an.Rows)
		}
		texts := map[string]bool{}
		for _, row := range an.Rows {
			texts[row["text"]] = true
		}
		for i, n := range kanonNotes {
			if want := i < 6 && i != 2; texts[n.text] != want {
				t.Errorf("%q in the export: %v, want %v", n.text, texts[n.text], want)
			}
		}
		// Five ages of five rows: every one became a range, and the
		// summary counts them.
		if len(an.Fields) != 2 || an.Fields[0].Field != "age" || !an.Fields[0].Numeric || an.Fields[0].Generalised != 5 || an.Fields[1].Numeric {
			t.Fatalf("fields %+v", an.Fields)
		}
		sample := an.Sample(3)
		if len(sample) != 3 || !slices.Contains(sample[0].Generalised, "age") || !strings.HasPrefix(sample[0].Values["age"], "[") {
			t.Fatalf("sample %+v", sample)
		}

		var csvOut, jsonOut bytes.Buffer
		if err := an.Write(&csvOut, "csv"); err != nil {
			t.Fatal(err)
		}
		table, err := csv.NewReader(&csvOut).ReadAll()
		if err != nil || len(table) != 6 || !slices.Equal(table[0], an.Columns) {
			t.Fatalf("csv %v %v", table, err)
		}
		if err := an.Write(&jsonOut, "jsonl"); err != nil {
			t.Fatal(err)
		}
		var fromJSON []map[string]string
		for _, line := range strings.Split(strings.TrimSpace(jsonOut.String()), "\n") {
			var row map[string]string
			if err := json.Unmarshal([]byte(line), &row); err != nil || len(row) != 3 {
				t.Fatalf("line %s: %v", line, err)
			}
			fromJSON = append(fromJSON, row)
		}
		if !privacy.IsKAnonymous(fromJSON, quasi, 2) || len(fromJSON) != 5 {
			t.Fatalf("jsonl rows %v", fromJSON)
		}
		if err := an.Write(&jsonOut, "parquet"); !hasField(err, "format") {
			t.Fatalf("unknown format: %v", err)
		}

		// k larger than the records: refused naming k, with the count.
		if _, err := e.svc.KAnonymous(ctx, requester(e.ada), "notes", datanet.KAnonRequest{K: 6, Quasi: quasi}); !hasField(err, "k") || !strings.Contains(err.Error(), "at most 5") {
			t.Fatalf("k above the records: %v", err)
		}
		// Built by hand, bypassing ParseKAnon: checked again.
		if _, err := e.svc.KAnonymous(ctx, requester(e.ada), "notes", datanet.KAnonRequest{K: 2, Quasi: []string{"postcode"}}); !hasField(err, "quasi") {
			t.Fatalf("unknown field: %v", err)
		}
		if _, err := e.svc.KAnonymous(ctx, requester(e.ada), "photos", datanet.KAnonRequest{K: 2, Quasi: quasi}); !hasField(err, "datanet") {
			t.Fatalf("an image datanet: %v", err)
		}
	})
}

func hasField(err error, field string) bool {
	p, ok := problem.As(err)
	return ok && p.Kind == problem.Invalid && p.Fields[field] != ""
}

func TestParseKAnonNamesTheField(t *testing.T) {
	notes := datanet.Datanet{Slug: "notes", RecordKind: datanet.KindText, Fields: []string{"age", "region"}}
	bare := datanet.Datanet{Slug: "bare", RecordKind: datanet.KindQA}
	photos := datanet.Datanet{Slug: "photos", RecordKind: datanet.KindImage, Fields: []string{"age"}}
	for _, c := range []struct {
		d     datanet.Datanet
		k     string
		quasi []string
		field string
		says  string
	}{
		{notes, "", []string{"age"}, "k", "required"},
		{notes, "two", []string{"age"}, "k", "whole number"},
		{notes, "1", []string{"age"}, "k", "at least 2"},
		{notes, "-3", []string{"age"}, "k", "at least 2"},
		{notes, "99999999999999999999", []string{"age"}, "k", "whole number"},
		{notes, "2", nil, "quasi", "at least one"},
		{notes, "2", []string{" , "}, "quasi", "at least one"},
		{notes, "2", []string{"age,postcode"}, "quasi", `"postcode" is not a field of notes; its fields are age, region`},
		{notes, "2", []string{"age", "age"}, "quasi", "twice"},
		{notes, "2", []string{"Age"}, "quasi", "not a field"},
		{bare, "2", []string{"age"}, "quasi", "no fields"},
		{bare, "2", nil, "quasi", "no fields"},
		{photos, "2", []string{"age"}, "datanet", "image records"},
	} {
		t.Run(fmt.Sprintf("%s/%s/%v", c.d.Slug, c.k, c.quasi), func(t *testing.T) {
			_, err := datanet.ParseKAnon(c.d, c.k, c.quasi)
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || !strings.Contains(p.Fields[c.field], c.says) {
				t.Fatalf("got %v, want %s: …%s…", err, c.field, c.says)
			}
		})
	}
}

// FuzzParseKAnon: whatever is sent, the request is either refused as
// invalid input naming k or quasi, or is one KAnonymous can run: k from 2,
// each quasi-identifier a field of the datanet, once.
func FuzzParseKAnon(f *testing.F) {
	d := datanet.Datanet{Slug: "notes", RecordKind: datanet.KindQA, Fields: []string{"age", "region", "zip_code"}}
	f.Add("2", "age,region", "")
	f.Add(" 5", "zip_code", "age")
	f.Add("0x10", "age,,age", "region")
	f.Add("1e3", "\u200bage", "régïon")
	f.Add("-0", ",", "\x00")
	f.Fuzz(func(t *testing.T, k, q1, q2 string) {
		req, err := datanet.ParseKAnon(d, k, []string{q1, q2})
		if err != nil {
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || (p.Fields["k"] == "" && p.Fields["quasi"] == "") {
				t.Fatalf("refused without naming k or quasi: %v", err)
			}
			return
		}
		if req.K < 2 || req.K > datanet.MaxKAnonRecords || len(req.Quasi) == 0 {
			t.Fatalf("accepted %+v", req)
		}
		for i, q := range req.Quasi {
			if !slices.Contains(d.Fields, q) || slices.Contains(req.Quasi[:i], q) {
				t.Fatalf("accepted quasi-identifiers %v", req.Quasi)
			}
		}
	})
}
