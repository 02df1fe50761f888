package action_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/behavior"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestEraseAllRecordings checks that erasing all of a member's data takes
// every recording — its sealed content and key, its title, the member's
// appeal and the reasons that quote the title — and withdraws what was
// published from them, leaving other members' recordings alone.
func TestEraseAllRecordings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		ada, bob := e.members["ada"], e.members["bob"]
		const secret = "Quokkastrasse 7"
		bot, err := e.s.Upload(ctx, ada, parcelFlow(t, behavior.SynthBot(behavior.BotCDP, behavior.SynthNewTask(3), 3), true), "")
		if err != nil || bot.Status != action.Rejected {
			t.Fatalf("upload: %+v %v", bot, err)
		}
		if _, err := e.s.Appeal(ctx, ada, bot.ID, "I did this myself at "+secret+", with a stylus."); err != nil {
			t.Fatal(err)
		}
		plain, err := e.s.Upload(ctx, ada, []byte(`{"title":"Parcel at `+secret+`","steps":[{"type":"navigate","url":"https://example.org/"}]}`), "")
		if err != nil || plain.Status != action.Review {
			t.Fatalf("upload: %+v %v", plain, err)
		}
		rec, err := e.s.Upload(ctx, ada, parcelFlow(t, human(5), true), "")
		if err != nil || rec.Status != action.Verified {
			t.Fatalf("upload: %+v %v", rec, err)
		}
		auto, err := e.s.Publish(ctx, ada, rec.ID, action.Publication{Slug: "track-parcel", Title: "Track a parcel", Description: "Looks up a parcel.", PricePerRun: 100})
		if err != nil {
			t.Fatal(err)
		}
		bobs, err := e.s.Upload(ctx, bob, parcelFlow(t, behavior.SynthHuman(people[1], behavior.SynthNewTask(6), 6), true), "")
		if err != nil {
			t.Fatal(err)
		}

		n, err := e.s.EraseAll(ctx, ada)
		if err != nil || n != 3 {
			t.Fatalf("EraseAll = %d, %v; want 3", n, err)
		}
		rows, err := db.Read().QueryContext(ctx, `SELECT public_id, status, title, appeal, reasons, content IS NULL, key_id IS NULL FROM recordings WHERE member_id = $1`, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, status, title, appeal, reasons string
			var noContent, noKey bool
			if err := rows.Scan(&id, &status, &title, &appeal, &reasons, &noContent, &noKey); err != nil {
				t.Fatal(err)
			}
			if status != "erased" || title != "" || appeal != "" || strings.Contains(reasons, secret) || !noContent || !noKey {
				t.Fatalf("%s after EraseAll: status %s, title %q, appeal %q, reasons %s, content gone %v, key gone %v", id, status, title, appeal, reasons, noContent, noKey)
			}
		}
		rows.Close()
		var status string
		db.Read().QueryRowContext(ctx, `SELECT status FROM automations WHERE slug = $1`, auto.Slug).Scan(&status)
		if status != "withdrawn" {
			t.Fatalf("the automation is %q", status)
		}
		if got, err := e.s.Get(ctx, bob, bobs.ID); err != nil || got.Status == action.Erased {
			t.Fatalf("bob's recording: %+v %v", got, err)
		}
		if n, err := e.s.EraseAll(ctx, ada); err != nil || n != 0 {
			t.Fatalf("again: %d, %v", n, err)
		}
	})
}

// failingCopy is a derived copy of records that cannot forget while fail
// is set.
type failingCopy struct{ fail bool }

func (c *failingCopy) Forget(context.Context, int64, []string) error {
	if c.fail {
		return errors.New("disk full")
	}
	return nil
}

// TestEraseRecordingWhoseIndexFails checks that a recording whose
// contribution an index failed to forget is erased all the same, that the
// member is told to repeat it, and that repeating succeeds.
func TestEraseRecordingWhoseIndexFails(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	ctx := t.Context()
	ada := e.members["ada"]
	e.fund(t, reward.Treasury, 1000)
	if _, err := e.d.Create(ctx, e.members["stella"], datanet.Datanet{Slug: "flows", Name: "Flows", Domain: "web work", Client: "Action model lab", Purpose: "train an action model",
		Licence: "CC BY-SA 4.0", RecordKind: datanet.KindRecording}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.ConsentAction(ctx, ada.ID, "flows", "grant"); err != nil {
		t.Fatal(err)
	}
	rec, err := e.s.Upload(ctx, ada, parcelFlow(t, human(6), true), "flows")
	if err != nil || rec.Contribution == "" {
		t.Fatalf("upload to a datanet: %+v %v", rec, err)
	}
	c := &failingCopy{fail: true}
	e.d.KeepCopy(c)
	if err := e.s.Erase(ctx, ada, rec.ID); !problem.Is(err, problem.Unavailable) {
		t.Fatalf("erase with a failing index: %v", err)
	}
	var status, title string
	e.db.Read().QueryRowContext(ctx, `SELECT status, title FROM recordings WHERE public_id = $1`, rec.ID).Scan(&status, &title)
	if status != "erased" || title != "" {
		t.Fatalf("the recording is %s, title %q", status, title)
	}
	c.fail = false
	if err := e.s.Erase(ctx, ada, rec.ID); err != nil {
		t.Fatalf("repeating: %v", err)
	}
}

// TestErasingAllMakesSamplesANewVersion: "erase all my data" blanks the
// samples of the member's automations and takes them out of the
// marketplace; the test run that listed them ran on the samples erased,
// so it vouches for nothing: the automation is a new version that cannot
// be listed again until new samples pass a new test run.
func TestErasingAllMakesSamplesANewVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e, _, chain := composedEnv(t, db)
		ctx := t.Context()
		carl := e.members["carl"]
		if _, err := e.s.EraseAll(ctx, carl); err != nil {
			t.Fatal(err)
		}
		var samples string
		if err := db.Read().QueryRowContext(ctx, `SELECT samples FROM automations WHERE slug = $1`, chain.Slug).Scan(&samples); err != nil || samples != "" {
			t.Fatalf("samples after erasure: %q %v", samples, err)
		}
		a, err := e.s.AutomationFor(ctx, carl, chain.Slug)
		if err != nil || a.Listed || a.Version != chain.Version+1 || a.TestedVersion != chain.Version {
			t.Fatalf("the chain after its composer's erasure: %+v %v", a, err)
		}
		if _, err := e.s.List(ctx, carl, chain.Slug); !problem.Is(err, problem.Conflict) {
			t.Fatalf("listed again without samples: %v", err)
		}
		// New samples, a new test run: back.
		if a = e.listed(t, carl, chain.Slug, map[string]string{"postcode": "20095"}); !a.Listed || a.Version != chain.Version+2 {
			t.Fatalf("listed with new samples: %+v", a)
		}
	})
}
