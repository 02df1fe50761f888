package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/replay"
	"github.com/allmende/allmende/internal/store"
)

// okReplayer stands in for Chromium where a test needs a run that works,
// not the replay itself: every step passes.
type okReplayer struct{}

func (okReplayer) Replay(_ context.Context, rec recording.Recording) (replay.Result, error) {
	res := replay.Result{OK: true, FailedStep: -1}
	for i, st := range rec.Steps {
		res.Steps = append(res.Steps, replay.StepResult{Index: i, Type: st.Type, Status: "ok"})
	}
	return res, nil
}

// payment is a row of the receipts list.
type payment struct {
	EventID  string  `json:"event_id"`
	Type     string  `json:"type"`
	Scope    string  `json:"scope"`
	Amount   int64   `json:"amount"`
	LogIndex *uint64 `json:"log_index"`
	Receipt  string  `json:"receipt"`
}

// paidEverywhere pays ada in every way the cooperative pays: for a task
// in rita's project, for her record in a call bob makes to stella's
// model, for her recording, and as the author of an automation bob runs.
// It returns the record the call paid and the call's split event.
func paidEverywhere(t *testing.T, f *fixture) (record, callSplit string) {
	t.Helper()
	withModelData(t, f)
	withRequester(t, f)
	fundTreasury(t, f, 10000)
	clientKey(t, f, "bob")
	project := `{"slug":"sentiment","name":"Sentiment","client":"Shop Co","purpose":"rank reviews","instructions":"Pick positive or negative.",
		"task_type":"text_classification","labels":["positive","negative"],"pay_per_task":10,"est_seconds":20,"budget":5000,"review_hours":0,"redundancy":2}`
	runScenarios(t, f, []scenario{
		{name: "deposit for bob", as: "stella", method: "POST", path: "/api/v1/members/{bob}/deposits", body: `{"amount":1000}`, status: 201},
		{name: "project", as: "rita", method: "POST", path: "/api/v1/projects", body: project, status: 201},
		{name: "items", as: "rita", method: "POST", path: "/api/v1/projects/sentiment/items", contentType: "application/x-ndjson", body: "{\"text\":\"Great shoes\"}\n", status: 201},
		{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/sentiment/approve", status: 200},
	})
	resp := f.do("ada", "POST", "/api/v1/projects/sentiment/next", "application/json", "", nil)
	var task struct{ ID int64 }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &task) != nil {
		t.Fatalf("next task: %d %s", resp.StatusCode, body)
	}
	runScenarios(t, f, []scenario{{name: "submit", as: "ada", method: "POST", path: "/api/v1/tasks/" + strconv.FormatInt(task.ID, 10) + "/submit", body: `{"label":"positive"}`, status: 200}})

	resp = f.do("bob-key", "POST", "/v1/chat/completions", "application/json", `{"model":"tenancy-helper","messages":[{"role":"user","content":"What notice period applies to tenants?"}]}`, nil)
	var call struct {
		Att struct {
			EventID string `json:"event_id"`
			Records []struct{ ID string }
		} `json:"allmende_attribution"`
	}
	if body := readBody(t, resp); resp.StatusCode != 200 || json.Unmarshal([]byte(body), &call) != nil || call.Att.EventID == "" || len(call.Att.Records) == 0 {
		t.Fatalf("call: %d %s", resp.StatusCode, body)
	}

	person := behavior.SynthPeople(5, 1)[0]
	resp = f.do("ada", "POST", "/api/v1/recordings", "application/json", parcelRecording(t, f.srv.URL, behavior.SynthHuman(person, behavior.SynthNewTask(7), 7)), nil)
	var rec struct{ ID, Status string }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil || rec.Status != "verified" {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	runScenarios(t, f, []scenario{{name: "publish", as: "ada", method: "POST", path: "/api/v1/recordings/" + rec.ID + "/publish", status: 201,
		body: `{"id":"track-parcel","title":"Track a parcel","description":"Looks up where a parcel is.","price_per_run":100}`}})
	f.app.Actions.Replayer = okReplayer{}
	listAutomation(t, f, "ada", "track-parcel", `{"number":"1Z999AA10123456784"}`)
	resp = f.do("bob", "POST", "/api/v1/automations/track-parcel/runs", "application/json", `{"params":{"number":"1Z999AA10123456784"}}`, nil)
	var run struct{ ID, Status string }
	if body := readBody(t, resp); resp.StatusCode != 202 || json.Unmarshal([]byte(body), &run) != nil {
		t.Fatalf("run: %d %s", resp.StatusCode, body)
	}
	for i := 0; run.Status != "ok"; i++ {
		if i == 300 {
			t.Fatalf("the run ended %q", run.Status)
		}
		time.Sleep(50 * time.Millisecond)
		json.Unmarshal([]byte(readBody(t, f.do("bob", "GET", "/api/v1/runs/"+run.ID, "", "", nil))), &run)
	}
	return call.Att.Records[0].ID, call.Att.EventID
}

// receiptsOf pages through a member's receipts list (two at a time, to
// page) until every payment in it is logged, and returns them.
func receiptsOf(t *testing.T, f *fixture, name string, want int) []payment {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var all []payment
		path := "/api/v1/members/me/receipts?limit=2"
		for path != "" {
			resp := f.do(name, "GET", path, "", "", nil)
			var page struct {
				Receipts []payment
				Next     string
			}
			if body := readBody(t, resp); resp.StatusCode != 200 || json.Unmarshal([]byte(body), &page) != nil {
				t.Fatalf("%s's receipts: %d %s", name, resp.StatusCode, body)
			}
			all = append(all, page.Receipts...)
			path = ""
			if page.Next != "" {
				path = "/api/v1/members/me/receipts?limit=2&before=" + page.Next
			}
		}
		logged := len(all) >= want
		for _, p := range all {
			logged = logged && p.LogIndex != nil && p.Receipt != ""
		}
		if logged {
			return all
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's receipts are not all logged: %+v", name, all)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// download fetches a receipt as name and verifies it offline with the
// log's key; it returns the receipt's text and what it proved.
func download(t *testing.T, f *fixture, name, url string) (string, *ledger.Verified) {
	t.Helper()
	resp := f.do(name, "GET", url, "", "", nil)
	body := readBody(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("%s downloading %s: %d %s", name, url, resp.StatusCode, body)
	}
	r, err := ledger.ParseReceipt([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(f.app.Log.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	ok, err := r.Verify(v)
	if err != nil {
		t.Fatalf("%s's receipt %s does not verify: %v\n%s", name, url, err, body)
	}
	return body, ok
}

func findPayment(list []payment, typ, scopePrefix string) (payment, bool) {
	i := slices.IndexFunc(list, func(p payment) bool { return p.Type == typ && strings.HasPrefix(p.Scope, scopePrefix) })
	if i < 0 {
		return payment{}, false
	}
	return list[i], true
}

// TestPaymentReceipts: ada is paid for a task, for her record in a model
// call, for a recording and as an automation's author; her receipts list
// has each payment, each receipt verifies offline and proves what she
// was paid, and for the two splits the public entry names neither her nor
// the builder. Bob, who paid, gets no receipt for her share; nobody lists
// another's receipts; and once she erases the record, its receipt still
// verifies and never held the record's text.
func TestPaymentReceipts(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		record, callSplit := paidEverywhere(t, f)
		ada := receiptsOf(t, f, "ada", 4)
		adaAccount := "member:" + f.ids["ada"]
		for _, want := range []struct {
			typ, scope string
			committed  bool
		}{
			{"task.paid", "project:", false},
			{"reward.split", "model:", true},
			{"reward.split", "automation:track-parcel", true},
			{"recording.paid", "", false},
		} {
			p, found := findPayment(ada, want.typ, want.scope)
			if !found {
				t.Fatalf("ada's receipts lack %s %s: %+v", want.typ, want.scope, ada)
			}
			body, ok := download(t, f, "ada", p.Receipt)
			if ok.Paid == nil || ok.Paid.Account != adaAccount || ok.Paid.Amount != p.Amount || ok.Paid.Committed != want.committed {
				t.Fatalf("ada's %s receipt proves %+v, the list says %d", want.typ, ok.Paid, p.Amount)
			}
			if want.committed && (strings.Contains(ok.Entry.Scope+fmt.Sprint(ok.Entry.Postings), f.ids["ada"]) || ok.Entry.Member != "") {
				t.Fatalf("the public entry of a split names ada: %+v", ok.Entry)
			}
			if strings.Contains(body, "ada@example.org") {
				t.Fatalf("a receipt holds ada's e-mail address: %s", body)
			}
		}
		if p, _ := findPayment(ada, "reward.split", "model:"); p.EventID != callSplit {
			t.Fatalf("the model split in ada's list is %s, the call's is %s", p.EventID, callSplit)
		}

		// The spreadsheet of every payment holds the same amounts, in money
		// and in points, and only ada's.
		resp := f.do("ada", "GET", "/receipts/export", "", "", nil)
		body := readBody(t, resp)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("receipts export: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		table, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(table) != len(ada)+1 || strings.Join(table[0], ",") != "time,payment,for,amount,currency,points,event,log_index" {
			t.Fatalf("receipts export: %v\n%s", err, body)
		}
		for _, p := range ada {
			var row []string
			for _, r := range table[1:] {
				if r[6] == p.EventID {
					row = r
				}
			}
			money := points.DefaultCurrency.Number(p.Amount)
			if row == nil || row[5] != strconv.FormatInt(p.Amount, 10) || row[3] != strings.ReplaceAll(money, ",", "") || row[4] != "EUR" || row[7] != strconv.FormatUint(*p.LogIndex, 10) {
				t.Fatalf("receipts export row for %+v: %q", p, row)
			}
		}
		if resp := f.do("bob", "GET", "/receipts/export", "", "", nil); strings.Contains(readBody(t, resp), ada[0].EventID) {
			t.Fatal("bob's receipts export holds ada's payment")
		}

		// The builder has a receipt for the same split; the payer, bob,
		// has none for anyone's share; nobody reads another's list.
		stella := receiptsOf(t, f, "stella", 1)
		builder, found := findPayment(stella, "reward.split", "model:")
		if !found || builder.EventID != callSplit {
			t.Fatalf("stella's receipts: %+v", stella)
		}
		if _, ok := download(t, f, "stella", builder.Receipt); ok.Paid.Account != "member:"+f.ids["stella"] {
			t.Fatalf("stella's receipt proves %+v", ok.Paid)
		}
		adaCall, _ := findPayment(ada, "reward.split", "model:")
		runScenarios(t, f, []scenario{
			{name: "the payer has no receipt for the split", as: "bob", method: "GET", path: adaCall.Receipt, status: 404, errCode: "not_found"},
			{name: "another member's receipts", as: "bob", method: "GET", path: "/api/v1/members/{ada}/receipts", status: 403, errCode: "forbidden"},
			{name: "not signed in", method: "GET", path: "/api/v1/members/{ada}/receipts", status: 401, errCode: "unauthorized"},
			{name: "a made-up cursor", as: "ada", method: "GET", path: "/api/v1/members/me/receipts?before=abc", status: 422, errCode: "invalid", errField: "before"},
			{name: "a receipt by tlog-proof", as: "ada", method: "GET", path: adaCall.Receipt + "?format=tlog-proof", status: 200, contains: []string{"c2sp.org/tlog-proof@v1\nextra "}},
			{name: "the record's calls link to the split's receipt", as: "ada", method: "GET", path: "/api/v1/members/me/record-earnings/" + record, status: 200,
				contains: []string{`"event_id": "` + callSplit + `"`, `"receipt": "/api/v1/events/` + callSplit + `/receipt"`, `"model_id": "tenancy-helper"`}},
			{name: "the receipts page", as: "ada", method: "GET", path: "/receipts", status: 200,
				contains: []string{`href="/api/v1/events/` + callSplit + `/receipt"`, "allmende receipt verify --key allmende-log.key"}},
			{name: "the record's page", as: "ada", method: "GET", path: "/my-data/" + record, status: 200, contains: []string{`href="/api/v1/events/` + callSplit + `/receipt"`}},
			{name: "another member's record's page", as: "bob", method: "GET", path: "/my-data/" + record, status: 404},
			{name: "bob cannot read ada's record's calls", as: "bob", method: "GET", path: "/api/v1/members/{ada}/record-earnings/" + record, status: 403, errCode: "forbidden"},
			{name: "nor as his own", as: "bob", method: "GET", path: "/api/v1/members/me/record-earnings/" + record, status: 404, errCode: "not_found"},
		})

		// Erasure: the record goes; the receipt still proves the payment
		// and holds neither the record's text nor its id, before or after.
		before, _ := download(t, f, "ada", adaCall.Receipt)
		runScenarios(t, f, []scenario{{name: "erase the record", as: "ada", method: "DELETE", path: "/api/v1/contributions/" + record, status: 204}})
		after, ok := download(t, f, "ada", adaCall.Receipt)
		for _, body := range []string{before, after} {
			for _, secret := range []string{"three months", "notice period", record} {
				if strings.Contains(body, secret) {
					t.Fatalf("the receipt holds %q: %s", secret, body)
				}
			}
		}
		if ok.Paid.Amount != adaCall.Amount {
			t.Fatalf("after the erasure the receipt proves %+v", ok.Paid)
		}
	})
}

// TestBrowserReceipts: ada opens her receipts, at a desktop's width and a
// phone's, and downloads the receipt of the model call that paid her,
// which verifies; from "where my data went" she follows her record to the
// calls that paid it and the same receipt. On the phone no list is wider
// than the screen.
func TestBrowserReceipts(t *testing.T) {
	f := newFixture(t, store.SQLite)
	record, callSplit := paidEverywhere(t, f)
	receiptsOf(t, f, "ada", 4)
	v, err := note.NewVerifier(f.app.Log.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.New(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
				t.Fatal(err)
			}
			signInBrowser(t, f, ctx, "ada", "/audit")
			wait, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			err := chromedp.Do(wait,
				chromedp.WaitVisible("#receipts-link"),
				chromedp.Click("#receipts-link"),
				chromedp.WaitVisible("#receipt-list"),
			)
			if err != nil {
				page, _ := chromedp.Run(ctx, chromedp.Text("main"))
				url, _ := chromedp.Run(ctx, chromedp.Location())
				t.Fatalf("from the audit page to the receipts: %v\n%s\n%s", err, url, page)
			}
			rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#receipt-list tbody tr").length`))
			if err != nil || rows < 4 {
				t.Fatalf("%d rows in the receipts list (%v)", rows, err)
			}
			fits := `document.documentElement.scrollWidth <= window.innerWidth`
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the receipts page is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, ctx, "receipts-"+size.name)
			// The download link of the model call's split, fetched as the
			// browser would when it is clicked.
			link := `document.querySelector("#receipt-list a.receipt[href*='` + callSplit + `']")`
			body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+link+`.href).then(r => r.text())`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			r, err := ledger.ParseReceipt([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			ok, err := r.Verify(v)
			if err != nil || ok.Paid == nil || !ok.Paid.Committed || ok.Paid.Account != "member:"+f.ids["ada"] {
				t.Fatalf("the downloaded receipt: %+v %v", ok, err)
			}

			err = chromedp.Do(ctx,
				chromedp.Navigate(f.srv.URL+"/my-data"),
				chromedp.WaitVisible("#record-earnings"),
				chromedp.Click(`#record-earnings a.record-calls[href="/my-data/`+record+`"]`),
				chromedp.WaitVisible("#record-calls"),
			)
			if err != nil {
				t.Fatal(err)
			}
			href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#record-calls a.receipt").getAttribute("href")`))
			if err != nil || href != "/api/v1/events/"+callSplit+"/receipt" {
				t.Fatalf("the record's call links to %q (%v), want the split's receipt", href, err)
			}
			if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fits)); !ok {
				t.Errorf("the record's page is wider than the %d px screen", size.width)
			}
			browsertest.Screenshot(t, ctx, "record-calls-"+size.name)
		})
	}
}
