package web_test

import (
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/mail"
	"github.com/allmende/allmende/internal/mail/mailtest"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

// TestNewsDigestByEmail: without e-mail configured the dashboard offers no
// digest and asking for one is refused; with the cooperative's SMTP
// server (a listener in the test) a member asks for it on the dashboard,
// and the digest of their news reaches the server, addressed to them.
func TestNewsDigestByEmail(t *testing.T) {
	f := newFixture(t, store.SQLite)
	withRequester(t, f)
	runScenarios(t, f, []scenario{
		{name: "no digest offered", as: "ada", method: "GET", path: "/dashboard", status: 200, contains: []string{`id="notifications"`}, notContains: []string{`id="digest-form"`}},
		{name: "nor taken", as: "ada", method: "POST", path: "/notifications/digest", contentType: "application/x-www-form-urlencoded", body: "digest=on", status: 409},
	})
	sink := mailtest.Start(t)
	f.app.Work.SetMailer(mail.SMTP{Addr: sink.Addr, From: "coop@example.org"})
	runScenarios(t, f, []scenario{
		{name: "offered", as: "ada", method: "GET", path: "/dashboard", status: 200, contains: []string{`id="digest-on"`}},
		{name: "asked for", as: "ada", method: "POST", path: "/notifications/digest", contentType: "application/x-www-form-urlencoded", body: "digest=on", status: 303},
		{name: "on", as: "ada", method: "GET", path: "/dashboard", status: 200, contains: []string{`id="digest-off"`}},
	})
	// A day later, a project has opened: the chore sends the news.
	var adaID int64
	if err := f.app.DB.Read().QueryRowContext(t.Context(), `SELECT id FROM members WHERE public_id = $1`, f.ids["ada"]).Scan(&adaID); err != nil {
		t.Fatal(err)
	}
	runScenarios(t, f, []scenario{
		{name: "create", as: "rita", method: "POST", path: "/api/v1/projects", status: 201, body: `{"slug":"better","name":"Which answer is better","client":"Chat Co",
			"purpose":"train a helpful assistant","instructions":"Pick the answer that is correct and polite.","task_type":"pairwise","pay_per_task":30,"est_seconds":40,"budget":500}`},
		{name: "approve", as: "stella", method: "POST", path: "/api/v1/projects/better/approve", status: 200},
	})
	err := f.app.DB.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(t.Context(), `UPDATE notice_marks SET digest_sent_at = digest_sent_at - $2 WHERE member_id = $1`, adaID, work.DigestEvery.Milliseconds()+1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.app.Work.SendDigests(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("digests: %d, %v", n, err)
	}
	msgs := sink.Messages()
	if len(msgs) != 1 || msgs[0].To != "ada@example.org" || !strings.Contains(msgs[0].Data, "New work: Which answer is better is open.") {
		t.Fatalf("the server got %+v", msgs)
	}
}
