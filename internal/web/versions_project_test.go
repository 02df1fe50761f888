package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

// withTicketsProject has stella request the text-classification project
// slug, with the labelled messages as items, and ada and bob answer every
// item with label(topic) (their answers paid). It returns the items' ids
// by text.
func withTicketsProject(t testing.TB, f *fixture, slug string, label func(topic string) string) map[string]int64 {
	t.Helper()
	ctx := t.Context()
	p, err := f.app.Work.Create(ctx, mustMember(t, f, "stella"), work.Project{Slug: slug, Name: "Tenant tickets " + slug, Client: "Tenants' Union", Purpose: "routing",
		TaskType: work.TextClassification, Labels: []string{"heating", "deposit", "noise"}, Instructions: "Pick the topic.", Redundancy: 2, PayPerTask: 10, EstSeconds: 20})
	if err != nil {
		t.Fatal(err)
	}
	var items []work.NewItem
	topic := map[string]string{}
	for tp, texts := range labelled {
		for _, text := range texts {
			items = append(items, work.NewItem{Item: work.Item{Text: text}})
			topic[text] = tp
		}
	}
	if err := f.app.Work.AddItems(ctx, p.ID, items); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	err = f.app.DB.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, text FROM items WHERE project_id = $1`, p.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var text string
			if err := rows.Scan(&id, &text); err != nil {
				rows.Close()
				return err
			}
			ids[text] = id
		}
		rows.Close()
		for text, id := range ids {
			answer, _ := json.Marshal(map[string]string{"label": label(topic[text])})
			for _, who := range []string{"ada", "bob"} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO assignments (project_id, item_id, worker_id, kind, status, assigned_at, seen_at, submitted_at, answer)
					VALUES ($1, $2, (SELECT id FROM members WHERE public_id = $3), 'task', 'paid', 0, 0, 0, $4)`, p.ID, id, f.ids[who], string(answer)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestModelVersionFromProjectAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withLabelledData(t, f)
		withTicketsProject(t, f, "tickets", func(topic string) string { return topic })
		withTicketsProject(t, f, "mono", func(string) string { return "noise" })
		if _, err := f.app.Work.Create(t.Context(), mustMember(t, f, "stella"), work.Project{Slug: "photos", Name: "Photos", Client: "x", Purpose: "y",
			TaskType: work.ImageClassification, Labels: []string{"cat", "dog"}, Instructions: "Pick.", Redundancy: 2, PayPerTask: 10, EstSeconds: 20}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.Work.Create(t.Context(), mustMember(t, f, "stella"), work.Project{Slug: "unanswered", Name: "Unanswered", Client: "x", Purpose: "y",
			TaskType: work.TextClassification, Labels: []string{"a", "b"}, Instructions: "Pick.", Redundancy: 2, PayPerTask: 10, EstSeconds: 20}); err != nil {
			t.Fatal(err)
		}
		const path = "/api/v1/models/router/versions"
		runScenarios(t, f, []scenario{
			{name: "members do not train others' models", as: "ada", method: "POST", path: path, body: `{"project":"tickets"}`, status: 403, errCode: "forbidden"},
			{name: "no such project", as: "stella", method: "POST", path: path, body: `{"project":"nope"}`, status: 422, errCode: "invalid", errField: "project"},
			{name: "not text classification", as: "stella", method: "POST", path: path, body: `{"project":"photos"}`, status: 422, errCode: "invalid", errField: "project",
				contains: []string{"image_classification"}},
			{name: "no decided labels", as: "stella", method: "POST", path: path, body: `{"project":"unanswered"}`, status: 422, errCode: "invalid", errField: "project",
				contains: []string{"no item of unanswered has a decided label"}},
			{name: "a single label", as: "stella", method: "POST", path: path, body: `{"project":"mono"}`, status: 422, errCode: "invalid", errField: "project",
				contains: []string{`the label \"noise\"`}},
			{name: "two sources", as: "stella", method: "POST", path: path, body: `{"project":"tickets","datanets":["topics"]}`, status: 422, errCode: "invalid", errField: "datanets"},
			{name: "train on the project", as: "stella", method: "POST", path: path, body: `{"project":"tickets","kind":"knn","k":3,"held_out":0}`, status: 202,
				contains: []string{`"project": "tickets"`, `"datanets": []`, `"label_field": "inferred label"`}},
		})
		v := waitVersion(t, f, path+"/1")
		if v["status"] != "ready" || v["records"] != float64(18) || len(v["commitment"].(string)) != 64 {
			t.Fatalf("the version trained on the project: %v", v)
		}
		clientKey(t, f, "bob")
		runScenarios(t, f, []scenario{
			{name: "publish", as: "stella", method: "POST", path: path + "/1/publish", status: 200, contains: []string{`"published": true`}},
			{name: "deposit", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 201},
		})
		resp := f.do("bob-key", "POST", "/v1/chat/completions", "application/json", `{"model":"router","messages":[{"role":"user","content":"my deposit was kept by the landlord"}]}`, nil)
		body := readBody(t, resp)
		var out struct {
			Choices []struct{ Message struct{ Content string } }
			Att     struct {
				EventID string `json:"event_id"`
				Records []struct {
					ID     string
					Amount int64
				}
				Shares struct{ Contributors int64 }
			} `json:"allmende_attribution"`
		}
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &out) != nil || out.Choices[0].Message.Content != "deposit" || len(out.Att.Records) == 0 {
			t.Fatalf("chat: %d %s", resp.StatusCode, body)
		}
		for _, r := range out.Att.Records {
			if !strings.HasPrefix(r.ID, "item-") {
				t.Fatalf("paid %s, not an item", r.ID)
			}
		}
		// The items' share went to ada and bob, who both gave every
		// label: 35 of the 50 points, half each.
		amounts := map[string]int64{}
		rows, err := f.app.DB.Read().QueryContext(t.Context(), `SELECT account, amount FROM postings WHERE event_id = $1`, out.Att.EventID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a string
			var n int64
			if err := rows.Scan(&a, &n); err != nil {
				t.Fatal(err)
			}
			amounts[a] += n
		}
		rows.Close()
		// Bob is the client too: the 50 points of the call are his.
		ada, bob := amounts[reward.MemberAccount(f.ids["ada"])], amounts[reward.MemberAccount(f.ids["bob"])]+50
		if out.Att.Shares.Contributors != 35 || ada+bob != 35 || ada-bob > 1 || bob-ada > 1 {
			t.Fatalf("postings %v, contributors' share %d: want ada and bob 35 between them, equally", amounts, out.Att.Shares.Contributors)
		}
		// The requester erases the item that influenced the answer most:
		// a worker cannot, and the next answer neither names nor pays it.
		top := strings.TrimPrefix(out.Att.Records[0].ID, "item-")
		runScenarios(t, f, []scenario{
			{name: "workers do not erase items", as: "ada", method: "DELETE", path: "/api/v1/projects/tickets/items/" + top, status: 404, errCode: "not_found"},
			{name: "not an item id", as: "stella", method: "DELETE", path: "/api/v1/projects/tickets/items/x1", status: 404, errCode: "not_found"},
			{name: "erase the item", as: "stella", method: "DELETE", path: "/api/v1/projects/tickets/items/" + top, status: 204},
		})
		resp = f.do("bob-key", "POST", "/v1/chat/completions", "application/json", `{"model":"router","messages":[{"role":"user","content":"my deposit was kept by the landlord"}]}`, nil)
		body = readBody(t, resp)
		if resp.StatusCode != 200 || strings.Contains(body, `"item-`+top+`"`) {
			t.Fatalf("after erasing item %s: %d %s", top, resp.StatusCode, body)
		}
	})
}
