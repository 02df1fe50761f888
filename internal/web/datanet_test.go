package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/shareddata"
	"github.com/allmende/allmende/internal/store"
)

// withDatanets adds a Q&A datanet "tenancy" and an image datanet "photos",
// created by the steward.
func withDatanets(t testing.TB, f *fixture) {
	t.Helper()
	stella := mustMember(t, f, "stella")
	for _, d := range []datanet.Datanet{
		{Slug: "tenancy", Name: "Tenancy Q&A", Domain: "legal aid", Client: "Tenants' Union", Purpose: "a plain-language assistant", Licence: "CC BY-SA 4.0", RecordKind: datanet.KindQA, Fields: []string{"region"}},
		{Slug: "photos", Name: "Battery photos", Domain: "toys", Client: "Robot Co", Purpose: "find batteries", Licence: "CC BY 4.0", RecordKind: datanet.KindImage, Labels: []string{"battery"}},
	} {
		if _, err := f.app.Datanets.Create(t.Context(), stella, d); err != nil {
			t.Fatal(err)
		}
	}
}

const qaRecord = `{"question":"Can my landlord keep my deposit?","answer":"Only for damage beyond normal wear, and he must account for it. Mail me at ada@example.org."}`

func TestContributionsAPI(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withDatanets(t, f)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(bytes.Repeat([]byte(" "), 80<<20)) // 80 MB of spaces: a gzip bomb
		zw.Close()
		runScenarios(t, f, []scenario{
			{name: "public list", method: "GET", path: "/api/v1/datanets", status: 200, contains: []string{`"tenancy"`, `"client": "Tenants' Union"`}},
			{name: "contributing needs consent", as: "ada", method: "POST", path: "/api/v1/datanets/tenancy/contributions", body: qaRecord, status: 403, errCode: "forbidden"},
			{name: "members cannot create datanets", as: "ada", method: "POST", path: "/api/v1/datanets", body: `{"slug":"x"}`, status: 403, errCode: "forbidden"},
			{name: "unknown consent action", as: "ada", method: "POST", path: "/api/v1/datanets/tenancy/consent", body: `{"action":"maybe"}`, status: 422, errCode: "invalid", errField: "action"},
			{name: "consent", as: "ada", method: "POST", path: "/api/v1/datanets/tenancy/consent", body: `{"action":"grant"}`, status: 200, contains: []string{`"status": "granted"`, `"terms_version": 1`}},
			{name: "consent bob", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/consent", body: `{"action":"grant"}`, status: 200},
			{name: "dry run redacts and stores nothing", as: "ada", method: "POST", path: "/api/v1/datanets/tenancy/contributions?dry_run=true", body: qaRecord,
				status: 200, contains: []string{`"dry_run": true`, "\\u003cEMAIL_ADDRESS\\u003e", `"type": "EMAIL_ADDRESS"`, `"dna": "dna:`}, notContains: []string{"ada@example.org"}},
			{name: "contribute", as: "ada", method: "POST", path: "/api/v1/datanets/tenancy/contributions", body: qaRecord, status: 201, contains: []string{`"stored": true`, `"accepted": 1`, `"contribution": "c-`}},
			{name: "another member's copy is a duplicate", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", body: qaRecord,
				status: 422, errCode: "invalid", errField: "records[0]", contains: []string{"exact duplicate"}, notContains: []string{"ada"}},
			{name: "JSONL with one bad line names it", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", contentType: "application/x-ndjson",
				body:   "{\"question\":\"Who pays for repairs?\",\"answer\":\"The landlord pays for most repairs that are not caused by the tenant.\"}\n{\"question\":\"Noise at night?\",\"answer\":5}\n",
				status: 422, errCode: "invalid", errField: "records[1].answer", contains: []string{"line 2"}},
			{name: "partial stores the good one", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions?partial=true", contentType: "application/x-ndjson",
				body:   "{\"question\":\"Who pays for repairs?\",\"answer\":\"The landlord pays for most repairs that are not caused by the tenant.\"}\n{\"question\":\"Noise at night?\",\"answer\":5}\n",
				status: 201, contains: []string{`"accepted": 1`, `"status": "invalid"`}},
			{name: "unknown field", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", body: `{"question":"q?","answer":"a","city":"Berlin"}`, status: 422, errCode: "invalid", errField: "records[0].city"},
			{name: "undeclared extra field", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", body: `{"question":"q?","answer":"a","fields":{"age":"40"}}`, status: 422, errCode: "invalid", errField: "records[0].fields.age"},
			{name: "field too long", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", body: `{"question":"` + strings.Repeat("why ", 600) + `","answer":"a"}`, status: 422, errCode: "invalid", errField: "records[0].question"},
			{name: "invalid UTF-8", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", contentType: "application/x-ndjson", body: "{\"question\":\"\xff\xfe\",\"answer\":\"a\"}\n", status: 422, errCode: "invalid", contains: []string{"UTF-8"}},
			{name: "wrong content type", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", contentType: "text/csv", body: "a,b", status: 415, errCode: "unsupported"},
			{name: "gzip bomb", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", contentType: "application/x-ndjson",
				header: http.Header{"Content-Encoding": {"gzip"}}, body: gz.String(), status: 413, errCode: "too_large"},
			{name: "unknown datanet", as: "bob", method: "POST", path: "/api/v1/datanets/nope/contributions", body: qaRecord, status: 404, errCode: "not_found"},
			{name: "own history", as: "bob", method: "GET", path: "/api/v1/members/me/contributions", status: 200, contains: []string{`"status": "accepted"`}},
			{name: "another member's history", as: "ada", method: "GET", path: "/api/v1/members/{bob}/contributions", status: 403, errCode: "forbidden"},
			{name: "erasing another member's data", as: "ada", method: "DELETE", path: "/api/v1/members/{bob}/contributions", status: 403, errCode: "forbidden"},
			{name: "members cannot close a datanet", as: "ada", method: "PATCH", path: "/api/v1/datanets/tenancy", body: `{"open":false}`, status: 403, errCode: "forbidden"},
		})
		// Erasing one of ada's contributions as bob fails; as ada it works.
		var hist struct{ Contributions []datanet.Contribution }
		resp := f.do("ada", "GET", "/api/v1/members/me/contributions", "", "", nil)
		json.Unmarshal([]byte(readBody(t, resp)), &hist)
		if len(hist.Contributions) != 1 || hist.Contributions[0].DNA == "" {
			t.Fatalf("ada's history: %+v", hist)
		}
		id := hist.Contributions[0].ID
		runScenarios(t, f, []scenario{
			{name: "bob erases ada's record", as: "bob", method: "DELETE", path: "/api/v1/contributions/" + id, status: 404, errCode: "not_found"},
			{name: "ada erases it", as: "ada", method: "DELETE", path: "/api/v1/contributions/" + id, status: 204},
			{name: "now bob may contribute the same", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", body: qaRecord, status: 201},
			{name: "steward closes the datanet", as: "stella", method: "PATCH", path: "/api/v1/datanets/tenancy", body: `{"open":false}`, status: 200, contains: []string{`"open": false`}},
			{name: "closed datanets take nothing", as: "bob", method: "POST", path: "/api/v1/datanets/tenancy/contributions", body: `{"question":"Q?","answer":"A fresh answer about heating costs."}`, status: 409, errCode: "conflict"},
		})
	})
}

func TestImageUploadAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withDatanets(t, f)
	img, err := os.ReadFile(shareddata.Path(t, "coco/lego-battery/images/IMG20231010093426.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	upload := func(name string, data []byte, meta string) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("image", name)
		fw.Write(data)
		mw.WriteField("meta", meta)
		mw.Close()
		resp := f.do("ada", "POST", "/api/v1/datanets/photos/contributions", mw.FormDataContentType(), body.String(), nil)
		return resp.StatusCode, readBody(t, resp)
	}
	f.do("ada", "POST", "/api/v1/datanets/photos/consent", "application/json", `{"action":"grant"}`, nil).Body.Close()
	if code, body := upload("battery.jpg", img, `{"labels":["battery"]}`); code != 201 {
		t.Fatalf("image upload: %d %s", code, body)
	}
	if code, body := upload("again.jpg", img, `{}`); code != 422 || !strings.Contains(body, "duplicate") {
		t.Fatalf("same image again: %d %s", code, body)
	}
	if code, body := upload("fake.jpg", []byte("PK\x03\x04 a zip file, not an image"), `{}`); code != 422 || !strings.Contains(body, "not a JPEG, PNG or GIF") {
		t.Fatalf("non-image: %d %s", code, body)
	}
	if code, body := upload("x.jpg", img, `[1]`); code != 422 {
		t.Fatalf("meta not an object: %d %s", code, body)
	}
}

// TestBrowserContribute goes the way a member does: agree to the terms,
// type a record with an e-mail address in it, preview it (redacted), store
// it, find it in the history with its fingerprint, and erase it.
func TestBrowserContribute(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withDatanets(t, f)
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "ada", "/datanets/tenancy")
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#grant"),
		chromedp.Click("#grant"),
		chromedp.WaitVisible("#contribute-form"),
		chromedp.SendKeys("#question", "Can my landlord enter my flat without notice?"),
		chromedp.SendKeys("#answer", "No, except in an emergency. Write to me at ada@example.org if yours does."),
		chromedp.SendKeys("#field_region", "Berlin"),
	)
	if err != nil {
		t.Fatal(err)
	}
	disabled, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("submit-button").disabled`))
	if !disabled {
		t.Fatal("Contribute is enabled before a preview")
	}
	err = chromedp.Do(ctx,
		chromedp.Click("#preview-button"),
		chromedp.WaitVisible("#check-button"),
		chromedp.Click("#check-button"),
		chromedp.WaitVisible("#preview-summary"),
	)
	if err != nil {
		t.Fatal(err)
	}
	preview, _ := chromedp.Run(ctx, chromedp.Text("#preview"))
	toSend, _ := chromedp.Run(ctx, chromedp.Text("#redaction-answer pre.redacted"))
	if !strings.Contains(toSend, "<EMAIL_ADDRESS>") || strings.Contains(toSend, "ada@example.org") || !strings.Contains(preview, "dna:") {
		t.Fatalf("preview = %q, to be sent %q", preview, toSend)
	}
	browsertest.Screenshot(t, ctx, "contribute-preview")
	err = chromedp.Do(ctx,
		chromedp.WaitEnabled("#submit-button"),
		chromedp.Click("#submit-button"),
		chromedp.WaitVisible("#contribution-list"),
	)
	if err != nil {
		t.Fatal(err)
	}
	added, _ := chromedp.Run(ctx, chromedp.Text("#added"))
	if !strings.HasPrefix(added, "1 record") {
		t.Fatalf("after contributing: %q", added)
	}
	row, _ := chromedp.Run(ctx, chromedp.Text("#contribution-list tbody tr"))
	if !strings.Contains(row, "accepted") || !strings.Contains(row, "dna:") || !strings.Contains(row, "EMAIL_ADDRESS") {
		t.Fatalf("history row = %q", row)
	}
	browsertest.Screenshot(t, ctx, "contributions")
	// Erase it; the confirm dialog is accepted.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.confirm = () => true; true`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click("button.erase"),
		chromedp.WaitVisible("tr.status-erased"),
	)
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.app.Datanets.Count(t.Context(), 1)
	if err != nil || n != 0 {
		t.Fatalf("records after erasing in the browser: %d %v", n, err)
	}
}

func signInBrowser(t *testing.T, f *fixture, ctx context.Context, name, next string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/signin?next="+next),
		chromedp.WaitVisible("#signin-form"),
		chromedp.SendKeys("#email", name+"@example.org"),
		chromedp.SendKeys("#password", password),
		chromedp.Submit("#signin-form"),
		chromedp.WaitNotPresent("#signin-form"),
	)
	if err != nil {
		t.Fatal(fmt.Errorf("sign in %s: %w", name, err))
	}
}

// TestBrowserCreateDatanetAndUploadImage: a steward creates an image
// datanet through the form (after a mistake the form explains), agrees to
// its terms, previews a photo and stores it.
func TestBrowserCreateDatanetAndUploadImage(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "stella", "/datanets/new")
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#datanet-form"),
		chromedp.SendKeys("#name", "Battery photos"),
		chromedp.SendKeys("#slug", "Battery Photos"), // not a valid slug
		chromedp.SendKeys("#domain", "toy robotics"),
		chromedp.SendKeys("#client", "Brickworks Robotics"),
		chromedp.SendKeys("#purpose", "Teach a robot arm to find the battery box."),
		chromedp.SendKeys("#licence", "CC BY 4.0"),
		chromedp.SetValue("#record_kind", "image"),
		chromedp.SendKeys("#labels", "battery, cable"),
		chromedp.Submit("#datanet-form"),
		chromedp.WaitVisible(".field-error"),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := chromedp.Run(ctx, chromedp.Text(".field-error"))
	if !strings.Contains(msg, "lowercase") {
		t.Fatalf("slug error = %q", msg)
	}
	err = chromedp.Do(ctx,
		chromedp.Clear("#slug"),
		chromedp.SendKeys("#slug", "battery-photos"),
		chromedp.Submit("#datanet-form"),
		chromedp.WaitVisible("#grant"),
		chromedp.Click("#grant"),
		chromedp.WaitVisible("#image"),
	)
	if err != nil {
		t.Fatal(err)
	}
	client, _ := chromedp.Run(ctx, chromedp.Text("#client"))
	if client != "Brickworks Robotics" {
		t.Fatalf("datanet page shows client %q", client)
	}
	photo, err := filepath.Abs(shareddata.Path(t, "coco/lego-battery/images/IMG20231010093436.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles("#image", []string{photo}),
		chromedp.Click(`input[name=labels][value=battery]`),
		chromedp.Click("#preview-button"),
		chromedp.WaitVisible("#preview-summary"),
		chromedp.WaitEnabled("#submit-button"),
	)
	if err != nil {
		t.Fatal(err)
	}
	preview, _ := chromedp.Run(ctx, chromedp.Text("#preview"))
	if !strings.Contains(preview, "Will be accepted") || !strings.Contains(preview, "labels: battery") {
		t.Fatalf("image preview = %q", preview)
	}
	err = chromedp.Do(ctx,
		chromedp.Click("#submit-button"),
		chromedp.WaitVisible("#added"),
	)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.app.Datanets.BySlug(t.Context(), "battery-photos")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := f.app.Datanets.Stats(t.Context(), d.ID); st.Records != 1 {
		t.Fatalf("records after the upload: %d", st.Records)
	}
}
