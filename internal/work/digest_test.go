package work_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
	"github.com/allmende/allmende/internal/work"
)

type sent struct{ to, subject, body string }

type fakeMailer struct {
	sent []sent
	fail bool
}

func (m *fakeMailer) Send(_ context.Context, to, subject, body string) error {
	if m.fail {
		return errors.New("550 <" + to + ">: mailbox unavailable")
	}
	m.sent = append(m.sent, sent{to, subject, body})
	return nil
}

// TestDigests: a member asks for the daily digest (refused while the
// cooperative has no e-mail); news since then is sent once a day to their
// address, nothing is sent without news or before a day has passed, a
// failed send is tried again, and turning it off stops it.
func TestDigests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		if err := e.s.SetDigest(ctx, e.ids["ada"], true); !problem.Is(err, problem.Conflict) {
			t.Fatalf("a digest without e-mail: %v", err)
		}
		m := &fakeMailer{}
		e.s.SetMailer(m)
		if n, _ := e.s.Notices(ctx, e.ids["ada"]); !n.DigestAvailable || n.Digest {
			t.Fatalf("before asking: %+v", n)
		}
		if err := e.s.SetDigest(ctx, e.ids["ada"], true); err != nil {
			t.Fatal(err)
		}
		if n, _ := e.s.Notices(ctx, e.ids["ada"]); !n.Digest {
			t.Fatal("the digest is not on")
		}
		e.advance(work.DigestEvery)
		if n, err := e.s.SendDigests(ctx); err != nil || n != 0 || len(m.sent) != 0 {
			t.Fatalf("without news: %d sent, %v", n, err)
		}
		e.advance(time.Second)
		p := e.project(t, work.Project{PayPerTask: 100, ReviewHours: 0, Redundancy: 1}, 2, nil, nil)
		e.work(t, "ada", p.Slug, 30*time.Second, "positive")
		if n, _ := e.s.SendDigests(ctx); n != 0 {
			t.Fatalf("sent %d digests before a day had passed", n)
		}
		e.advance(work.DigestEvery)
		m.fail = true
		if n, err := e.s.SendDigests(ctx); err == nil || n != 0 || strings.Contains(err.Error(), "ada@example.org") {
			t.Fatalf("a failed send: %d, %v (the error is logged: no address in it)", n, err)
		}
		m.fail = false
		if n, err := e.s.SendDigests(ctx); err != nil || n != 1 {
			t.Fatalf("after the failure: %d sent, %v", n, err)
		}
		got := m.sent[0]
		if got.to != "ada@example.org" || !strings.Contains(got.body, "New work: Sentiment is open.") || !strings.Contains(got.body, "1 task in Sentiment paid: 1.") {
			t.Fatalf("digest %+v", got)
		}
		if strings.Contains(got.body, "rita") || strings.Contains(got.body, "m-") {
			t.Fatalf("the digest names members: %s", got.body)
		}
		e.advance(work.DigestEvery)
		if n, _ := e.s.SendDigests(ctx); n != 0 {
			t.Fatalf("the same news sent again: %d", n)
		}
		if err := e.s.SetDigest(ctx, e.ids["ada"], false); err != nil {
			t.Fatal(err)
		}
		e.work(t, "ada", p.Slug, 30*time.Second, "positive")
		e.advance(work.DigestEvery)
		if n, _ := e.s.SendDigests(ctx); n != 0 || len(m.sent) != 1 {
			t.Fatalf("sent after turning it off: %d", n)
		}
	})
}
