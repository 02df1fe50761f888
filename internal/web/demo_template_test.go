package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/model"
	"github.com/allmende/allmende/internal/store"
)

// Seeding the demo cooperative — nine argon2 password hashes, images,
// records, a trained classifier, the market's recordings — and then the
// model call, the training and the automation demoServer adds, was done
// again by each of the fifteen tests that look at the demo (the days on
// both dialects, the page crawl, the live run page). As the fixture's
// cooperative is (fixture_template_test.go), it is now set up once per
// dialect and copied per test: the data folder, and on PostgreSQL the
// database by CREATE DATABASE … TEMPLATE.
//
// The demo is not timeless as the fixture is: its seeded proposal takes
// votes for demo.ProposalCloses after the seeding. A template is used only
// while it is younger than demoTemplateAge, and set up again after, so
// that every test starts on a demo whose proposal still takes votes for
// most of that time, as it did when each test seeded its own.
const demoTemplateAge = demo.ProposalCloses / 2

// demoTemplate is the demo cooperative as demoServerOn sets it up, closed,
// to be copied.
type demoTemplate struct {
	dir   string // the data folder
	db    string // on PostgreSQL, the template database's name
	run   string // the public id of Rita's queued run
	reset string // Grace's password reset page
	made  time.Time
}

var demoTemplates struct {
	mu sync.Mutex
	// building holds one lock per dialect, so that the two dialects'
	// templates are set up side by side.
	building map[store.Dialect]*sync.Mutex
	newest   map[store.Dialect]*demoTemplate
	all      []*demoTemplate // removed when the package's tests are done
}

// demoTemplateOf returns a template of dialect d younger than
// demoTemplateAge, set up if there is none.
func demoTemplateOf(d store.Dialect) (*demoTemplate, error) {
	demoTemplates.mu.Lock()
	if demoTemplates.building == nil {
		demoTemplates.building = map[store.Dialect]*sync.Mutex{}
		demoTemplates.newest = map[store.Dialect]*demoTemplate{}
	}
	lock := demoTemplates.building[d]
	if lock == nil {
		lock = &sync.Mutex{}
		demoTemplates.building[d] = lock
	}
	demoTemplates.mu.Unlock()

	lock.Lock()
	defer lock.Unlock()
	demoTemplates.mu.Lock()
	tmpl := demoTemplates.newest[d]
	demoTemplates.mu.Unlock()
	if tmpl != nil && time.Since(tmpl.made) < demoTemplateAge {
		return tmpl, nil
	}
	tmpl, err := buildDemoTemplate(d)
	if tmpl != nil {
		demoTemplates.mu.Lock()
		demoTemplates.all = append(demoTemplates.all, tmpl)
		if err == nil {
			demoTemplates.newest[d] = tmpl
		}
		demoTemplates.mu.Unlock()
	}
	return tmpl, err
}

// buildDemoTemplate seeds the demo cooperative on dialect d and does in it
// what demoServer promises: a paid call of the retrieval model, a trained
// classifier version, Ada's recording verified, published and run by Rita
// (the run left queued: no job runner), and a reset link for Grace.
func buildDemoTemplate(d store.Dialect) (tmpl *demoTemplate, err error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "allmende-demo-")
	if err != nil {
		return nil, err
	}
	tmpl = &demoTemplate{dir: dir, made: time.Now()}
	cfg := app.Config{DataDir: dir}
	if d == store.Postgres {
		if tmpl.db, err = templateDatabase(ctx, "allmende_demo_", &cfg); err != nil {
			return tmpl, err
		}
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return tmpl, err
	}
	defer func() { err = errors.Join(err, a.Close(), settle(dir)) }()
	if got := a.DB.Dialect(); got != d {
		return tmpl, fmt.Errorf("the demo cooperative runs on %s, want %s", got, d)
	}
	seeded, err := demo.Seed(ctx, a)
	if err != nil {
		return tmpl, err
	}
	srv := httptest.NewServer(a.Web)
	defer srv.Close()

	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/v1/chat/completions", strings.NewReader(
		`{"model":"`+demo.ModelSlug+`","messages":[{"role":"user","content":"Darf mein Vermieter die Kaution behalten?"}]}`))
	req.Header.Set("Authorization", "Bearer "+seeded.ClientKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return tmpl, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return tmpl, fmt.Errorf("the demo's model call: %d %s", resp.StatusCode, body)
	}
	rita, err := a.Members.ByEmail(ctx, "rita@example.org")
	if err != nil {
		return tmpl, err
	}
	v, err := a.Models.Train(ctx, rita, demo.RouterSlug, model.TrainRequest{LabelField: demo.LabelField})
	if err != nil {
		return tmpl, err
	}
	if err := a.Models.TrainVersion(ctx, v.ID, 1); err != nil { // the queue's job, run here
		return tmpl, err
	}
	ada, err := a.Members.ByEmail(ctx, "ada@example.org")
	if err != nil {
		return tmpl, err
	}
	rec := `{"title":"Track a parcel","steps":[{"type":"navigate","url":"https://example.org/"},{"type":"click","selectors":[["#track"]],"offsetX":3,"offsetY":4}]}`
	r, err := a.Actions.Upload(ctx, ada, []byte(rec), "")
	if err != nil {
		return tmpl, err
	}
	// The steward verifies it, Ada publishes it as an automation, and
	// Rita starts a run of it (left queued: no job runner here).
	stella, err := a.Members.ByEmail(ctx, "stella@example.org")
	if err != nil {
		return tmpl, err
	}
	if _, err := a.Actions.Decide(ctx, stella, r.ID, true, ""); err != nil {
		return tmpl, err
	}
	pub := action.Publication{Slug: "track-a-parcel", Title: "Track a parcel", Description: "Opens the tracker and looks a parcel up.", PricePerRun: 0}
	if _, err := a.Actions.Publish(ctx, ada, r.ID, pub); err != nil {
		return tmpl, err
	}
	// Its test run would need example.org: listed here as if it had passed.
	if err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE automations SET listed = 1, tested_version = version WHERE slug = $1`, pub.Slug)
		return err
	}); err != nil {
		return tmpl, err
	}
	run, err := a.Actions.StartRun(ctx, rita, pub.Slug, nil)
	if err != nil {
		return tmpl, err
	}
	tmpl.run = run.ID
	// A password reset link the steward issued for Grace: its page is
	// where a visitor sets a new password.
	grace, err := a.Members.ByEmail(ctx, "grace@example.org")
	if err != nil {
		return tmpl, err
	}
	reset, err := a.Members.IssueReset(ctx, stella, grace.PublicID)
	if err != nil {
		return tmpl, err
	}
	tmpl.reset = "/reset/" + reset.Token
	return tmpl, nil
}

// removeDemoTemplates removes the templates' folders and databases when
// the package's tests are done.
func removeDemoTemplates() {
	demoTemplates.mu.Lock()
	defer demoTemplates.mu.Unlock()
	for _, tmpl := range demoTemplates.all {
		_ = os.RemoveAll(tmpl.dir)
		if tmpl.db != "" {
			_ = execPostgres(context.Background(), "DROP DATABASE IF EXISTS "+tmpl.db+" WITH (FORCE)")
		}
	}
}
