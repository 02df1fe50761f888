package web_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// TestErasureLeavesNothingOnDisk writes a record with a unique marker, uses
// it in everything that copies or indexes records — a retrieval (BM25)
// model call that answers with it, an upstream model whose answer is
// traced to it (span index), a model version trained on it and paying it,
// a near duplicate that it blocks, an export,
// a backup in the data folder — then erases it, once on its own and once
// with "erase all my data" (which also erases a recording whose title
// holds the marker). Afterwards the marker, in any letter case, is
// in no file under the data folder (the database, its WAL, the indexes,
// the backup unpacked) and in no text or binary column of the database,
// and model calls neither answer with the record nor pay for it.
func TestErasureLeavesNothingOnDisk(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		for _, all := range []bool{false, true} {
			name := map[bool]string{false: "erase one", true: "erase all"}[all]
			t.Run(name, func(t *testing.T) { testErasure(t, dialect, all) })
		}
	})
}

func testErasure(t *testing.T, dialect store.Dialect, eraseAll bool) {
	ctx := t.Context()
	f := newFixture(t, dialect)
	withModelData(t, f)
	clientKey(t, f, "bob")
	runScenarios(t, f, []scenario{
		{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":100000}`, status: 201},
	})
	marker := "ZEBRAQUOKKA" + strings.ToUpper(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return 'A' + (r - '0')
		}
		return r
	}, rand.Text()[:10]))
	answer := "Bring the form " + marker + " to the housing office, and they stamp it while you wait at the counter."
	record, _ := json.Marshal(map[string]any{"question": "Where do I register a sublet?", "answer": answer, "fields": map[string]string{"region": "Nord"}})

	// Contribute.
	resp := f.do("ada", "POST", "/api/v1/datanets/tenancy/contributions", "application/json", string(record), nil)
	body := readBody(t, resp)
	var res datanet.Result
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &res) != nil || res.Accepted != 1 {
		t.Fatalf("contribute: %d %s", resp.StatusCode, body)
	}
	id := res.Outcomes[0].Contribution

	// A near copy is refused.
	near, _ := json.Marshal(map[string]string{"question": "Where do I register a sublet?", "answer": strings.Replace(answer, "at the counter", "at the desk", 1)})
	resp = f.do("bob", "POST", "/api/v1/datanets/tenancy/contributions", "application/json", string(near), nil)
	body = readBody(t, resp)
	if resp.StatusCode != 422 || !strings.Contains(body, "near duplicate") {
		t.Fatalf("near copy: %d %s", resp.StatusCode, body)
	}

	// A retrieval (BM25) call answers with it and pays ada.
	ask := func(model, q string) (text string, records []string) {
		t.Helper()
		req, _ := json.Marshal(map[string]any{"model": model, "messages": []map[string]string{{"role": "user", "content": q}}})
		resp := f.do("bob-key", "POST", "/v1/chat/completions", "application/json", string(req), nil)
		body := readBody(t, resp)
		var out struct {
			Choices []struct{ Message struct{ Content string } }
			Att     struct {
				Records []struct{ ID string }
			} `json:"allmende_attribution"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &out) != nil || len(out.Choices) != 1 {
			t.Fatalf("call %s: %d %s", model, resp.StatusCode, body)
		}
		for _, r := range out.Att.Records {
			records = append(records, r.ID)
		}
		return out.Choices[0].Message.Content, records
	}
	balance := func() int64 {
		b, err := f.app.Reward.Balance(ctx, reward.MemberAccount(f.ids["ada"]))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := balance()
	text, recs := ask("tenancy-helper", "Which form is "+marker+"?")
	if !strings.Contains(text, marker) || !contains(recs, id) || balance() <= before {
		t.Fatalf("retrieval before erasure: %q, records %v", text, recs)
	}

	// An upstream model whose answer quotes the record is traced to it.
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":20,"total_tokens":25}}`,
			"You should bring the form "+marker+" to the housing office, as far as I know.")
	}))
	defer upstream.Close()
	runScenarios(t, f, []scenario{
		{name: "register upstream", as: "stella", method: "POST", path: "/api/v1/models", status: 201,
			body: `{"id":"llm","name":"LLM","kind":"openai","upstream_url":"` + upstream.URL + `/v1","upstream_model":"m","price_per_call":10,"datanets":["tenancy"]}`},
	})
	if _, recs := ask("llm", "Where do I register a sublet?"); !contains(recs, id) {
		t.Fatalf("the upstream answer was not traced to the record: %v", recs)
	}

	// A classifier trained on the datanet's regions (model versions keep
	// weights over hashed features, ids and labels, never text) is paid
	// for it.
	for i, q := range []string{"When is the rent due each month in Hamburg?", "Can I keep a cat in a rented flat in Munich?", "Who repairs a broken window in Kiel?"} {
		region := map[bool]string{true: "Nord", false: "Sued"}[i == 2]
		rec, _ := json.Marshal(map[string]any{"question": q, "answer": "Ask the tenants' union; the rules differ by lease.", "fields": map[string]string{"region": region}})
		if resp := f.do("bob", "POST", "/api/v1/datanets/tenancy/contributions", "application/json", string(rec), nil); resp.StatusCode != 201 {
			t.Fatalf("bob contributes: %d %s", resp.StatusCode, readBody(t, resp))
		}
	}
	runScenarios(t, f, []scenario{
		{name: "register the region router", as: "stella", method: "POST", path: "/api/v1/models", status: 201,
			body: `{"id":"regions","name":"Regions","kind":"retrieval","price_per_call":10,"datanets":["tenancy"]}`},
		{name: "train it", as: "stella", method: "POST", path: "/api/v1/models/regions/versions", status: 202, body: `{"label_field":"region","kind":"knn","k":1,"held_out":0}`},
	})
	if v := waitVersion(t, f, "/api/v1/models/regions/versions/1"); v["status"] != "ready" {
		t.Fatalf("the region router: %v", v)
	}
	runScenarios(t, f, []scenario{{name: "publish it", as: "stella", method: "POST", path: "/api/v1/models/regions/versions/1/publish", status: 200}})
	if label, recs := ask("regions", "Bring the form to the housing office, they stamp it while you wait"); label != "Nord" || !contains(recs, id) {
		t.Fatalf("the region router before erasure: %q, records %v", label, recs)
	}

	// An export holds it.
	exported := func() bool {
		found := false
		if _, err := f.app.Datanets.Export(ctx, "tenancy", func(e datanet.Exported) error {
			found = found || strings.Contains(e.Record.Answer, marker)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return found
	}
	if !exported() {
		t.Fatal("the export does not hold the record")
	}

	// A backup into the data folder (the embedded database only: a
	// PostgreSQL cooperative is backed up with pg_dump).
	dir := f.app.DataDir()
	backup := filepath.Join(dir, "backups", "before-erasure.tar.gz")
	if dialect == store.SQLite {
		if err := os.MkdirAll(filepath.Dir(backup), 0o750); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
	}

	// Erasing all data reaches the member's recordings too: one whose
	// title holds the marker, in plain text in the database.
	if eraseAll {
		rec := `{"title":"Register the sublet with form ` + marker + `","steps":[{"type":"navigate","url":"https://example.org/"}]}`
		resp := f.do("ada", "POST", "/api/v1/recordings", "application/json", rec, nil)
		if body := readBody(t, resp); resp.StatusCode != 201 {
			t.Fatalf("upload recording: %d %s", resp.StatusCode, body)
		}
		if where := markerInDatabase(t, f.app.DB, marker); where != "recordings.title" {
			t.Fatalf("the marker should be in recordings.title before erasure, found in %q", where)
		}
		// ... and the answers she gave to a project's tasks: a pairwise
		// reason is her own words.
		withRequester(t, f)
		runScenarios(t, f, []scenario{
			{name: "pairwise project", as: "rita", method: "POST", path: "/api/v1/projects", status: 201,
				body: `{"slug":"pw","name":"Pairs","client":"C","purpose":"P","instructions":"Pick the better.","task_type":"pairwise","pay_per_task":10,"est_seconds":20,"budget":500,"redundancy":1}`},
			{name: "pairs", as: "rita", method: "POST", path: "/api/v1/projects/pw/items", contentType: "application/x-ndjson", body: "{\"a\":\"Paris\",\"b\":\"Lyon\"}\n", status: 201},
			{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/pw/approve", status: 200},
		})
		next := f.do("ada", "POST", "/work/pw/next", "", "", nil)
		readBody(t, next)
		task := strings.TrimPrefix(next.Header.Get("Location"), "/tasks/")
		runScenarios(t, f, []scenario{
			{name: "answer with the marker", as: "ada", method: "POST", path: "/api/v1/tasks/" + task + "/submit", status: 200,
				body: `{"choice":"a","reason":"Paris, as form ` + marker + ` says."}`},
		})
		if where := markerInDatabase(t, f.app.DB, marker); where == "" {
			t.Fatal("the marker should be in the database before erasure")
		}
		// ... and a record of a curated datanet that a curator rejected
		// quoting it, and her appeal, which quotes it too: both are about
		// her record and go with it.
		runScenarios(t, f, []scenario{
			{name: "curated datanet", as: "stella", method: "POST", path: "/api/v1/datanets", status: 201,
				body: `{"slug":"curated","name":"Curated","domain":"law","client":"C","purpose":"P","licence":"CC BY 4.0","record_kind":"qa","curated":true}`},
			{name: "consent to it", as: "ada", method: "POST", path: "/api/v1/datanets/curated/consent", body: `{"action":"grant"}`, status: 200},
		})
		resp = f.do("ada", "POST", "/api/v1/datanets/curated/contributions", "application/json", `{"question":"Which form do I bring?","answer":"Bring the blue form to the office."}`, nil)
		got := readBody(t, resp)
		var waiting datanet.Result
		if resp.StatusCode != 201 || json.Unmarshal([]byte(got), &waiting) != nil || waiting.Pending != 1 {
			t.Fatalf("curated contribution: %d %s", resp.StatusCode, got)
		}
		f.ids["curated-record"] = waiting.Outcomes[0].Contribution
		runScenarios(t, f, []scenario{
			{name: "reject quoting the marker", as: "stella", method: "POST", path: "/api/v1/contributions/{curated-record}/decision", status: 200,
				body: `{"accept":false,"reason":"The form is ` + marker + `, not the blue one."}`},
			{name: "appeal quoting the marker", as: "ada", method: "POST", path: "/api/v1/contributions/{curated-record}/appeal", status: 200,
				body: `{"text":"` + marker + ` is the blue form."}`},
		})
		var quoted int
		if err := f.app.DB.Read().QueryRowContext(ctx, `SELECT count(*) FROM curations WHERE reason LIKE $1 AND appeal LIKE $1`, "%"+marker+"%").Scan(&quoted); err != nil || quoted != 1 {
			t.Fatalf("the curator's reason and the appeal should quote the marker before erasure: %d, %v", quoted, err)
		}
		// ... and what she wrote in the marketplace: her review of a run
		// of bob's automation, and her answer to bob's review of hers.
		marketText(t, f, marker)
	}

	// The marker is on disk now (in the span index): the check below can
	// fail.
	if where := findMarker(t, dir, marker); where == "" {
		t.Fatal("the marker is nowhere under the data folder before erasure: this test tests nothing")
	}

	// Erase.
	if eraseAll {
		runScenarios(t, f, []scenario{{name: "erase all", as: "ada", method: "DELETE", path: "/api/v1/members/{ada}/contributions", status: 200, contains: []string{`"erased": 3`}}})
	} else {
		runScenarios(t, f, []scenario{{name: "erase", as: "ada", method: "DELETE", path: "/api/v1/contributions/" + id, status: 204}})
	}

	if where := findMarker(t, dir, marker); where != "" {
		t.Fatalf("after erasure the marker is still in %s", where)
	}
	if where := markerInDatabase(t, f.app.DB, marker); where != "" {
		t.Fatalf("after erasure the marker is still in the database: %s", where)
	}
	if exported() {
		t.Fatal("the export still holds the erased record")
	}

	// Model calls neither answer with it nor pay for it.
	before = balance()
	text, recs = ask("tenancy-helper", "Which form is "+marker+"?")
	if strings.Contains(strings.ToLower(text), strings.ToLower(marker)) || contains(recs, id) {
		t.Fatalf("retrieval after erasure: %q, records %v", text, recs)
	}
	if _, recs := ask("llm", "Where do I register a sublet?"); contains(recs, id) {
		t.Fatalf("the upstream answer is still traced to the erased record: %v", recs)
	}
	if _, recs := ask("regions", "Bring the form to the housing office, they stamp it while you wait"); contains(recs, id) {
		t.Fatalf("the region router still names the erased record: %v", recs)
	}
	if balance() != before {
		t.Fatalf("ada was paid %d for an erased record", balance()-before)
	}
	if where := findMarker(t, dir, marker); where != "" {
		t.Fatalf("after more calls the marker is back in %s", where)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// findMarker returns the first file under dir whose bytes hold the marker
// in any letter case (a search index lower-cases its words), looking into
// gzipped tar files (backups) entry by entry; or "".
func findMarker(t *testing.T, dir, marker string) string {
	t.Helper()
	needle := []byte(strings.ToLower(marker))
	found := ""
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while we walked (a temporary file)
		}
		if err != nil || d.IsDir() || found != "" {
			return err
		}
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if bytes.Contains(bytes.ToLower(data), needle) {
			found = p
			return nil
		}
		if strings.HasSuffix(p, ".tar.gz") {
			if entry := markerInBackup(t, data, needle); entry != "" {
				found = p + ":" + entry
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func markerInBackup(t *testing.T, data, needle []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			t.Fatalf("backup: %v", err)
		}
		entry, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("backup: %v", err)
		}
		if bytes.Contains(bytes.ToLower(entry), needle) {
			return hdr.Name
		}
	}
}

// markerInDatabase looks for the marker in every text and binary column
// of every table, and names the first column that holds it.
func markerInDatabase(t *testing.T, db *store.DB, marker string) string {
	t.Helper()
	ctx := t.Context()
	type column struct{ table, name, typ string }
	var cols []column
	var rows *sql.Rows
	var err error
	if db.Dialect() == store.Postgres {
		rows, err = db.Read().QueryContext(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type IN ('text', 'bytea', 'character varying', 'json', 'jsonb')`)
	} else {
		rows, err = db.Read().QueryContext(ctx, `SELECT m.name, p.name, p.type FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND (p.type IN ('TEXT', 'BLOB') OR p.type = '')`)
	}
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.table, &c.name, &c.typ); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 20 {
		t.Fatalf("found only %d text columns: the query is wrong", len(cols))
	}
	for _, c := range cols {
		expr := fmt.Sprintf(`lower(CAST(%q AS TEXT))`, c.name)
		if c.typ == "bytea" {
			expr = fmt.Sprintf(`lower(encode(%q, 'escape'))`, c.name)
		}
		var n int
		q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE %s LIKE $1`, c.table, expr)
		if err := db.Read().QueryRowContext(ctx, q, "%"+strings.ToLower(marker)+"%").Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n > 0 {
			return c.table + "." + c.name
		}
	}
	return ""
}
