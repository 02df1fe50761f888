package work

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Mailer sends one plain-text message (internal/mail's SMTP is one).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SetMailer lets members ask for their news by e-mail; without it (the
// cooperative configured no SMTP server) nobody can, and nothing is sent.
// It is set once, before the server serves.
func (s *Service) SetMailer(m Mailer) { s.mailer = m }

// SetCurrency is how the digest writes amounts, as pages do; without it,
// points.DefaultCurrency. It is set once, before the server serves.
func (s *Service) SetCurrency(c points.Currency) { s.currency = c }

// DigestEvery is how often a member who asked for it gets their news by
// e-mail, if there is any.
const DigestEvery = 24 * time.Hour

// maxDigests bounds one run of SendDigests; the next run sends the rest.
const maxDigests = 500

// SetDigest turns a member's daily e-mail digest on or off. Turning it on
// needs the cooperative's SMTP server; the first digest covers what
// happens from now on.
func (s *Service) SetDigest(ctx context.Context, memberID int64, on bool) error {
	if on && s.mailer == nil {
		return problem.New(problem.Conflict, "the cooperative has not set up e-mail, so there is no digest to send; your news is on the dashboard")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO notice_marks (member_id, digest, digest_sent_at) VALUES ($1, $2, $3)
			ON CONFLICT (member_id) DO UPDATE SET digest = excluded.digest, digest_sent_at = excluded.digest_sent_at`, memberID, on, s.now().UnixMilli())
		return err
	})
}

// SendDigests e-mails their news to the members who asked for it and
// whose last digest is DigestEvery old, and returns how many were sent. A
// member with no news gets no mail. A digest is marked sent only once the
// server took it, so a failed one is tried again on the next run; the
// addresses are never logged. It is a chore: it acts for nobody.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	if s.mailer == nil {
		return 0, nil
	}
	now := s.now()
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT n.member_id, m.email, n.digest_sent_at FROM notice_marks n JOIN members m ON m.id = n.member_id
		WHERE n.digest AND n.digest_sent_at <= $1 ORDER BY n.digest_sent_at LIMIT $2`, now.Add(-DigestEvery).UnixMilli(), maxDigests)
	if err != nil {
		return 0, fmt.Errorf("digests: %w", err)
	}
	type due struct {
		id    int64
		email string
		since int64
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.email, &d.since); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, d := range list {
		n, err := s.noticesSince(ctx, d.id, store.Time(d.since))
		if err != nil {
			return sent, err
		}
		if len(n.List) > 0 && d.email != "" {
			if err := s.mailer.Send(ctx, d.email, "Your news from the cooperative", digestBody(n, cmp.Or(s.currency, points.DefaultCurrency))); err != nil {
				// A server's refusal often quotes the address; the error is
				// logged, the address must not be.
				errs = append(errs, fmt.Errorf("digest for member %d: %s", d.id, strings.ReplaceAll(err.Error(), d.email, "<address>")))
				continue
			}
			sent++
		}
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE notice_marks SET digest_sent_at = $2 WHERE member_id = $1 AND digest`, d.id, now.UnixMilli())
			return err
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, errors.Join(errs...)
}

// digestBody writes a member's news as the dashboard says it, amounts in
// the cooperative's currency c.
func digestBody(n Notices, c points.Currency) string {
	var b strings.Builder
	fmt.Fprintf(&b, "What changed since %s:\n\n", n.Since.Format("2 Jan 2006"))
	for _, x := range n.List {
		b.WriteString("- ")
		switch x.Kind {
		case "work":
			b.WriteString("New work: " + x.Project + " is open.")
		case "payment":
			what := "1 task"
			if x.Tasks != 1 {
				what = fmt.Sprintf("%d tasks", x.Tasks)
			}
			fmt.Fprintf(&b, "%s in %s paid: %s.", what, x.Project, c.Format(x.Amount))
		case "income":
			b.WriteString(incomeWords(x, c) + ".")
		default:
			switch x.Action {
			case "reject":
				b.WriteString("A task of yours in " + x.Project + " was rejected, with a reason you can read and appeal.")
			case "hold":
				b.WriteString("A task of yours in " + x.Project + " was rejected by the requester; the rejection is held until a steward looks at the work.")
			case "uphold":
				b.WriteString("A steward upheld the rejection of your task in " + x.Project + ".")
			case "overturn":
				b.WriteString("A steward overturned the rejection of your task in " + x.Project + ": it is paid.")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\nSign in and open your dashboard or My tasks to see each one. You asked for this digest; turn it off on your dashboard.\n")
	return b.String()
}
