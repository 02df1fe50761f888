package web_test

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/privacy"
	"github.com/allmende/allmende/internal/store"
)

// surveyNotes are text records with an age, a region and a job, the kind
// of fields that identify a person together.
var surveyNotes = []struct{ text, age, region, job string }{
	{"The night bus from the depot is always late after ten in the evening.", "24", "north", "nurse"},
	{"Our street lights have been broken since the storm in early March.", "29", "north", "baker"},
	{"The library should open on Sundays for students who work in the week.", "33", "south", "student"},
	{"Bike lanes on the ring road end without warning at the big crossing.", "41", "south", "nurse"},
	{"Rents near the river doubled in five years while wages stood still.", "47", "east", "driver"},
	{"The market square needs shade trees before the next summer heat wave.", "55", "east", "baker"},
	{"Recycling pickup skipped our block twice this month without notice.", "62", "west", "retired"},
}

// surveyErased is the record its contributor erases before any export.
const surveyErased = 3

// withSurvey creates the text datanet "survey" with the fields age,
// region and job; ada contributes the first four notes and bob the rest,
// and ada erases one of hers.
func withSurvey(t *testing.T, f *fixture) {
	t.Helper()
	stella := mustMember(t, f, "stella")
	if _, err := f.app.Datanets.Create(t.Context(), stella, datanet.Datanet{Slug: "survey", Name: "City survey", Domain: "civic life", Client: "Town council",
		Purpose: "what residents want fixed", Licence: "CC BY 4.0", RecordKind: datanet.KindText, Fields: []string{"age", "region", "job"}}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct {
		name     string
		from, to int
	}{{"ada", 0, 4}, {"bob", 4, len(surveyNotes)}} {
		if resp := f.do(who.name, "POST", "/api/v1/datanets/survey/consent", "application/json", `{"action":"grant"}`, nil); resp.StatusCode != 200 {
			t.Fatalf("consent: %d %s", resp.StatusCode, readBody(t, resp))
		}
		var lines strings.Builder
		for _, n := range surveyNotes[who.from:who.to] {
			js, _ := json.Marshal(map[string]any{"text": n.text, "fields": map[string]string{"age": n.age, "region": n.region, "job": n.job}})
			lines.Write(js)
			lines.WriteByte('\n')
		}
		resp := f.do(who.name, "POST", "/api/v1/datanets/survey/contributions", "application/x-ndjson", lines.String(), nil)
		body := readBody(t, resp)
		var res datanet.Result
		if err := json.Unmarshal([]byte(body), &res); err != nil || resp.StatusCode != 201 || res.Accepted != who.to-who.from {
			t.Fatalf("%s contributes: %d %s", who.name, resp.StatusCode, body)
		}
		if who.name == "ada" {
			id := res.Outcomes[surveyErased].Contribution
			if resp := f.do("ada", "DELETE", "/api/v1/contributions/"+id, "", "", nil); resp.StatusCode/100 != 2 {
				t.Fatalf("erase: %d %s", resp.StatusCode, readBody(t, resp))
			}
		}
	}
}

// A steward previews a k-anonymous export of a datanet through the API and
// downloads it as CSV and JSON Lines: every combination of the chosen
// quasi-identifiers is shared by k rows, the erased record is not there,
// nor any record id; members may not export; bad k, fields and formats
// are refused naming the field.
func TestKAnonymousExportThroughTheAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withDatanets(t, f)
		withSurvey(t, f)
		erased := surveyNotes[surveyErased].text
		base := "/api/v1/datanets/survey/k-anonymous"
		runScenarios(t, f, []scenario{
			{name: "anonymous", method: "GET", path: base + "?k=2&quasi=age", status: 401, errCode: "unauthorized"},
			{name: "members export nothing", as: "ada", method: "GET", path: base + "?k=2&quasi=age", status: 403, errCode: "forbidden"},
			{name: "members download nothing", as: "ada", method: "GET", path: base + "/export?k=2&quasi=age&format=csv", status: 403, errCode: "forbidden"},
			{name: "k of 1", as: "stella", method: "GET", path: base + "?k=1&quasi=age", status: 422, errCode: "invalid", errField: "k", contains: []string{"at least 2"}},
			{name: "k not a number", as: "stella", method: "GET", path: base + "?k=two&quasi=age", status: 422, errCode: "invalid", errField: "k"},
			{name: "no k", as: "stella", method: "GET", path: base + "?quasi=age", status: 422, errCode: "invalid", errField: "k"},
			{name: "k above the records", as: "stella", method: "GET", path: base + "?k=7&quasi=age", status: 422, errCode: "invalid", errField: "k", contains: []string{"at most 6"}},
			{name: "unknown field", as: "stella", method: "GET", path: base + "?k=2&quasi=age,postcode", status: 422, errCode: "invalid", errField: "quasi",
				contains: []string{`\"postcode\" is not a field of survey`}},
			{name: "no fields", as: "stella", method: "GET", path: base + "?k=2", status: 422, errCode: "invalid", errField: "quasi"},
			{name: "a field twice", as: "stella", method: "GET", path: base + "?k=2&quasi=age&quasi=age", status: 422, errCode: "invalid", errField: "quasi"},
			{name: "image datanet", as: "stella", method: "GET", path: "/api/v1/datanets/photos/k-anonymous?k=2&quasi=x", status: 422, errCode: "invalid", errField: "datanet"},
			{name: "unknown datanet", as: "stella", method: "GET", path: "/api/v1/datanets/nope/k-anonymous?k=2&quasi=age", status: 404, errCode: "not_found"},
			{name: "unknown format", as: "stella", method: "GET", path: base + "/export?k=2&quasi=age&format=xlsx", status: 422, errCode: "invalid", errField: "format"},
			{name: "preview", as: "stella", method: "GET", path: base + "?k=3&quasi=age&quasi=region", status: 200,
				contains:    []string{`"records": 6`, `"exported": 6`, `"suppressed": 0`, `"quasi_identifiers": [`, `"field": "age"`, `"numeric": true`, `"generalised": [`, `"sample": [`},
				notContains: []string{erased, `"id"`, `"c-`}},
		})

		// The preview's numbers agree with its rows.
		resp := f.do("stella", "GET", base+"?k=3&quasi=age,region,job", "", "", nil)
		var preview struct {
			Records, Exported, Groups int
			Fields                    []struct {
				Field       string
				Generalised int
			}
			Sample []struct {
				Values      map[string]string
				Generalised []string
			}
		}
		if body := readBody(t, resp); resp.StatusCode != 200 || json.Unmarshal([]byte(body), &preview) != nil {
			t.Fatalf("preview: %d %s", resp.StatusCode, body)
		}
		if preview.Groups != 2 || len(preview.Sample) != 6 || len(preview.Fields) != 3 || preview.Fields[0].Generalised != 6 {
			t.Fatalf("preview %+v: want 6 rows in 2 groups of 3, every age a range", preview)
		}
		for _, row := range preview.Sample {
			if len(row.Values) != 4 || !strings.HasPrefix(row.Values["age"], "[") || len(row.Generalised) == 0 {
				t.Fatalf("sample row %+v", row)
			}
		}

		// The downloads.
		quasi := []string{"age", "region", "job"}
		resp = f.do("stella", "GET", base+"/export?k=3&quasi=age&quasi=region&quasi=job&format=csv", "", "", nil)
		body := readBody(t, resp)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			resp.Header.Get("Content-Disposition") != `attachment; filename="survey-k3-anonymous.csv"` {
			t.Fatalf("csv: %d %v %s", resp.StatusCode, resp.Header, body)
		}
		table, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(table) != 7 || strings.Join(table[0], ",") != "text,age,region,job" {
			t.Fatalf("csv table %v %v", table, err)
		}
		var rows []map[string]string
		for _, rec := range table[1:] {
			rows = append(rows, map[string]string{"text": rec[0], "age": rec[1], "region": rec[2], "job": rec[3]})
		}
		if !privacy.IsKAnonymous(rows, quasi, 3) || strings.Contains(body, erased) {
			t.Fatalf("the CSV is not 3-anonymous or has the erased record: %s", body)
		}
		resp = f.do("stella", "GET", base+"/export?k=3&quasi=age,region,job&format=jsonl", "", "", nil)
		body = readBody(t, resp)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("jsonl: %d %s", resp.StatusCode, body)
		}
		rows = nil
		for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
			var row map[string]string
			if err := json.Unmarshal([]byte(line), &row); err != nil || len(row) != 4 {
				t.Fatalf("line %q: %v", line, err)
			}
			rows = append(rows, row)
		}
		if len(rows) != 6 || !privacy.IsKAnonymous(rows, quasi, 3) || strings.Contains(body, erased) {
			t.Fatalf("the JSON Lines are not 3-anonymous or have the erased record: %s", body)
		}
	})
}
