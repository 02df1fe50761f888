package web_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
)

// The person behind a pseudonym in these tests: a name and an address
// that appear nowhere else, so that finding them in a page is a leak.
const (
	hedwigName  = "Hedwig Quartermain"
	hedwigEmail = "hedwig.quartermain@example.org"
)

// withHedwig signs up Hedwig with an invitation from ada (so ada knows
// whom she gave the code to) and has her work on rita's project, propose
// something and contribute a record: her pseudonym is then on many pages.
func withHedwig(t *testing.T, f *fixture) {
	t.Helper()
	ctx := t.Context()
	inv, err := f.app.Members.Invite(ctx, mustMember(t, f, "ada"), member.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.app.Members.SignUp(ctx, member.SignUp{Code: inv.Code, Email: hedwigEmail, Name: hedwigName, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	f.ids["hedwig"] = h.PublicID
	f.tokens["hedwig"] = f.signIn(hedwigEmail)
	withRequester(t, f)
	withDatanets(t, f)
	closes := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	for _, step := range []struct{ as, path, ct, body string }{
		{"rita", "/api/v1/projects", "application/json", `{"slug":"sentiment","name":"Sentiment","client":"Shop Co","purpose":"rank reviews","instructions":"Pick one.",
			"task_type":"text_classification","labels":["positive","negative"],"pay_per_task":10,"est_seconds":20,"budget":5000,"review_hours":0,"redundancy":1}`},
		{"rita", "/api/v1/projects/sentiment/items", "application/x-ndjson", "{\"text\":\"Great shoes\"}\n"},
		{"stella", "/api/v1/projects/sentiment/approve", "application/json", ``},
		{"hedwig", "/api/v1/proposals", "application/json", `{"title":"Weekly call","text":"Should we meet weekly?","mode":"member","quorum":0.5,"closes_at":"` + closes + `",
			"options":[{"label":"yes"},{"label":"no","status_quo":true}]}`},
		{"hedwig", "/api/v1/datanets/tenancy/consent", "application/json", `{"action":"grant"}`},
		{"hedwig", "/api/v1/datanets/tenancy/contributions", "application/json", qaRecord},
	} {
		resp := f.do(step.as, "POST", step.path, step.ct, step.body, nil)
		if body := readBody(t, resp); resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", step.as, step.path, resp.StatusCode, body)
		}
	}
	resp := f.do("hedwig", "POST", "/api/v1/projects/sentiment/next", "application/json", "", nil)
	var task struct{ ID int64 }
	if body := readBody(t, resp); resp.StatusCode != 201 || json.Unmarshal([]byte(body), &task) != nil {
		t.Fatalf("next: %d %s", resp.StatusCode, body)
	}
	resp = f.do("hedwig", "POST", "/api/v1/tasks/"+strconv.FormatInt(task.ID, 10)+"/submit", "application/json", `{"label":"positive"}`, nil)
	if body := readBody(t, resp); resp.StatusCode != 200 {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
}

// TestPseudonymsStayPseudonymous: only Hedwig herself and the stewards may
// link her pseudonym to her name and address — in the API, on pages and in
// exports. Everyone else, including the member who invited her and the
// requester she worked for, sees the pseudonym, and the display name she
// may choose to make public.
func TestPseudonymsStayPseudonymous(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect store.Dialect) {
		f := newFixture(t, dialect)
		withHedwig(t, f)
		private := []string{hedwigName, "Quartermain", hedwigEmail, `"role"`}
		runScenarios(t, f, []scenario{
			{name: "another member reads her", as: "ada", method: "GET", path: "/api/v1/members/{hedwig}",
				status: 200, contains: []string{`"id": "{hedwig}"`, `"joined_at"`}, notContains: private},
			{name: "the requester she worked for reads her", as: "rita", method: "GET", path: "/api/v1/members/{hedwig}",
				status: 200, contains: []string{`"id": "{hedwig}"`}, notContains: private},
			{name: "she reads herself", as: "hedwig", method: "GET", path: "/api/v1/members/{hedwig}",
				status: 200, contains: []string{hedwigName, hedwigEmail, `"role": "member"`}},
			{name: "she reads herself as me", as: "hedwig", method: "GET", path: "/api/v1/members/me",
				status: 200, contains: []string{hedwigName, hedwigEmail}},
			{name: "a steward reads her", as: "stella", method: "GET", path: "/api/v1/members/{hedwig}",
				status: 200, contains: []string{hedwigName, hedwigEmail, `"role": "member"`}},
			{name: "anonymous", method: "GET", path: "/api/v1/members/{hedwig}", status: 401, errCode: "unauthorized", notContains: private},
			{name: "a member lists members", as: "ada", method: "GET", path: "/api/v1/members", status: 403, errCode: "forbidden", notContains: private},
			{name: "a steward lists members", as: "stella", method: "GET", path: "/api/v1/members", status: 200, contains: []string{hedwigName, hedwigEmail}},
			{name: "the inviter's invitations do not say who joined", as: "ada", method: "GET", path: "/api/v1/members/me/invitations",
				status: 200, contains: []string{`"status": "used"`}, notContains: []string{"{hedwig}", "used_by"}},
			{name: "the project's results", as: "rita", method: "GET", path: "/api/v1/projects/sentiment/results", status: 200, notContains: private},
			{name: "the raw Label Studio export names the worker by pseudonym", as: "rita", method: "GET", path: "/api/v1/projects/sentiment/export?format=labelstudio&raw=true",
				status: 200, contains: []string{"{hedwig}"}, notContains: private},
			{name: "the CSV export names the worker by pseudonym", as: "rita", method: "GET", path: "/api/v1/projects/sentiment/export?format=csv",
				status: 200, contains: []string{"{hedwig}"}, notContains: private},
			{name: "the proposal names its author by pseudonym", as: "ada", method: "GET", path: "/api/v1/proposals/1",
				status: 200, contains: []string{`"created_by": "{hedwig}"`}, notContains: private},

			// The display name is her choice, and hers alone.
			{name: "another member cannot choose it for her", as: "ada", method: "PATCH", path: "/api/v1/members/{hedwig}", body: `{"display_name":"Hedi"}`,
				status: 403, errCode: "forbidden"},
			{name: "nor can a steward", as: "stella", method: "PATCH", path: "/api/v1/members/{hedwig}", body: `{"display_name":"Hedi"}`,
				status: 403, errCode: "forbidden"},
			{name: "a name that poses as a pseudonym", as: "hedwig", method: "PATCH", path: "/api/v1/members/me", body: `{"display_name":"{ada}"}`,
				status: 422, errCode: "invalid", errField: "display_name"},
			{name: "too long", as: "hedwig", method: "PATCH", path: "/api/v1/members/me", body: `{"display_name":"` + strings.Repeat("h", 61) + `"}`,
				status: 422, errCode: "invalid", errField: "display_name"},
			{name: "she makes a display name public", as: "hedwig", method: "PATCH", path: "/api/v1/members/me", body: `{"display_name":"  Hedi Q  "}`,
				status: 200, contains: []string{`"display_name": "Hedi Q"`, hedwigName}},
			{name: "other members see it, and still not her name", as: "ada", method: "GET", path: "/api/v1/members/{hedwig}",
				status: 200, contains: []string{`"display_name": "Hedi Q"`}, notContains: private},
			{name: "she withdraws it", as: "hedwig", method: "PATCH", path: "/api/v1/members/me", body: `{"display_name":""}`,
				status: 200, notContains: []string{"display_name"}},
			{name: "gone for others", as: "ada", method: "GET", path: "/api/v1/members/{hedwig}",
				status: 200, notContains: append([]string{"Hedi Q", "display_name"}, private...)},
		})

		// Pages: nothing another member, the requester or an anonymous
		// visitor opens carries her name or address.
		pages := map[string][]string{
			"ada":  {"/dashboard", "/work", "/datanets", "/datanets/tenancy", "/proposals", "/proposals/1", "/audit", "/invitations", "/models", "/automations", "/contributions", "/settings"},
			"rita": {"/dashboard", "/projects", "/projects/sentiment"},
			"":     {"/", "/datanets", "/datanets/tenancy", "/audit", "/automations"},
		}
		for as, paths := range pages {
			for _, p := range paths {
				resp := f.do(as, "GET", p, "", "", nil)
				body := readBody(t, resp)
				if resp.StatusCode != 200 {
					t.Errorf("%q GET %s: status %d", as, p, resp.StatusCode)
				}
				for _, s := range []string{"Quartermain", hedwigEmail} {
					if strings.Contains(body, s) {
						t.Errorf("%q GET %s shows %q", as, p, s)
					}
				}
				if as == "ada" && p == "/invitations" && strings.Contains(body, f.ids["hedwig"]) {
					t.Errorf("ada's invitations page links the code she gave to Hedwig's pseudonym")
				}
			}
		}
		// Where the stewards run the cooperative, and on her own pages,
		// the name is there.
		for _, c := range []struct{ as, path string }{{"stella", "/members"}, {"hedwig", "/dashboard"}} {
			resp := f.do(c.as, "GET", c.path, "", "", nil)
			if body := readBody(t, resp); !strings.Contains(body, hedwigName) {
				t.Errorf("%s GET %s: %d, lacks her name", c.as, c.path, resp.StatusCode)
			}
		}
	})
}

// TestDisplayNameSettingsPage: the member chooses and withdraws their
// display name on the settings page, and the dashboard says how others
// see them.
func TestDisplayNameSettingsPage(t *testing.T) {
	f := newFixture(t, store.SQLite)
	form := "application/x-www-form-urlencoded"
	resp := f.do("ada", "POST", "/settings/display-name", form, "display_name=Ada+L.", nil)
	if body := readBody(t, resp); resp.StatusCode != 303 {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	if body := readBody(t, f.do("ada", "GET", "/dashboard", "", "", nil)); !strings.Contains(body, "Other members see you as “Ada L.”") {
		t.Fatalf("dashboard does not show the display name: %s", body)
	}
	if body := readBody(t, f.do("bob", "GET", "/api/v1/members/"+f.ids["ada"], "", "", nil)); !strings.Contains(body, `"display_name": "Ada L."`) {
		t.Fatalf("bob does not see it: %s", body)
	}
	resp = f.do("ada", "POST", "/settings/display-name", form, "display_name="+f.ids["bob"], nil)
	if body := readBody(t, resp); resp.StatusCode != 422 || !strings.Contains(body, "must not look like a pseudonym") {
		t.Fatalf("a pseudonym as display name: %d %s", resp.StatusCode, body)
	}
	resp = f.do("ada", "POST", "/settings/display-name", form, "display_name=Ada+L.&withdraw=1", nil)
	if body := readBody(t, resp); resp.StatusCode != 303 {
		t.Fatalf("withdraw: %d %s", resp.StatusCode, body)
	}
	if body := readBody(t, f.do("ada", "GET", "/dashboard", "", "", nil)); !strings.Contains(body, "Other members see only your pseudonym") {
		t.Fatalf("dashboard after withdrawing: %s", body)
	}
}

// TestBrowserDisplayName: from the dashboard a member follows the link to
// the settings, makes a display name public, sees a mistake explained, and
// withdraws the name again.
func TestBrowserDisplayName(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := browsertest.New(t)
	signInBrowser(t, f, ctx, "ada", "/dashboard")
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#settings-link"), chromedp.Click("#settings-link"),
		chromedp.WaitVisible("#display-name-input"),
		chromedp.SendKeys("#display-name-input", f.ids["bob"]),
		chromedp.Click("#save-display-name"),
		chromedp.WaitVisible(".field-error"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Text(".field-error")); !strings.Contains(msg, "pseudonym") {
		t.Fatalf("the mistake is not explained: %q", msg)
	}
	err = chromedp.Do(ctx,
		chromedp.Clear("#display-name-input"),
		chromedp.SendKeys("#display-name-input", "Ada L."),
		chromedp.Click("#save-display-name"),
		chromedp.WaitVisible("#withdraw-display-name"),
		chromedp.Navigate(f.srv.URL+"/dashboard"),
		chromedp.WaitVisible("#pseudonym"),
	)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "display-name")
	if hint, _ := chromedp.Run(ctx, chromedp.Text(".hint")); !strings.Contains(hint, "Other members see you as “Ada L.”") {
		t.Fatalf("dashboard: %q", hint)
	}
	err = chromedp.Do(ctx,
		chromedp.Click("#settings-link"),
		chromedp.WaitVisible("#withdraw-display-name"),
		chromedp.Click("#withdraw-display-name"),
		chromedp.WaitNotPresent("#withdraw-display-name"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if m := mustMember(t, f, "ada"); m.DisplayName != "" {
		t.Fatalf("display name after withdrawing: %q", m.DisplayName)
	}
}
