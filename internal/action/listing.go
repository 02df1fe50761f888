package action

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// A listing is an automation in the marketplace. Members pay to run what
// is listed, so it is listed only once it has shown it works: a test run
// in the server's sandbox (the same guarded Chromium as real runs) on its
// author's sample values succeeded for its current version. A test run is
// free, started by the author, and left out of the listing's figures.

// MaxSamples bounds how many sample values an automation keeps, and
// MaxSampleLen one value (in bytes): they are parameters, not documents.
const (
	MaxSamples   = 50
	MaxSampleLen = 2000
)

// FiguresWindow is how far back a listing's figures look.
const FiguresWindow = 30 * 24 * time.Hour

// Figures are what a listing shows of its real (not test) runs in the
// last FiguresWindow and of its reviews.
type Figures struct {
	// Runs counts the finished real runs in the window; SuccessRate is
	// the share of them that succeeded, in percent (0 without runs).
	Runs        int `json:"runs_30d"`
	SuccessRate int `json:"success_rate_30d"`
	// MedianMillis is the median time a successful run took, from its
	// start in the browser to its end (0 without one).
	MedianMillis int64 `json:"median_run_ms"`
	// Reviews counts the reviews; RatingTenths is their mean rating in
	// tenths (1–5 stars → 10–50; 0 without reviews).
	Reviews      int `json:"reviews"`
	RatingTenths int `json:"rating_tenths"`
}

// checkSamples checks an author's sample values as outside input.
func checkSamples(samples map[string]string) problem.Fields {
	f := problem.Fields{}
	if len(samples) > MaxSamples {
		f.Add("samples", "at most %d values", MaxSamples)
		return f
	}
	for name, v := range samples {
		if name == "" || len(name) > 100 {
			f.Add("samples", "a parameter name of 1 to 100 characters")
		}
		if len(v) > MaxSampleLen {
			f.Add("samples."+name, "at most %d bytes", MaxSampleLen)
		}
		f.Text("samples."+name, v)
	}
	return f
}

// sealSamples seals sample values with the server key: they are what the
// author typed, kept only for test runs and never shown to others.
func (s *Service) sealSamples(slug string, samples map[string]string) string {
	if len(samples) == 0 {
		return ""
	}
	js, _ := json.Marshal(samples)
	return s.vault.SealSecret(string(js), "samples:"+slug)
}

// Samples returns an automation's sample values to its author.
func (s *Service) Samples(ctx context.Context, author member.Member, slug string) (map[string]string, error) {
	a, err := s.ownAutomation(ctx, author, slug)
	if err != nil {
		return nil, err
	}
	return s.openSamples(a)
}

func (s *Service) openSamples(a Automation) (map[string]string, error) {
	out := map[string]string{}
	if a.samples == "" {
		return out, nil
	}
	plain, err := s.vault.OpenSecret(a.samples, "samples:"+a.Slug)
	if err != nil {
		return nil, fmt.Errorf("the samples of %s cannot be opened: %w", a.Slug, err)
	}
	if err := json.Unmarshal([]byte(plain), &out); err != nil {
		return nil, fmt.Errorf("the samples of %s: %w", a.Slug, err)
	}
	return out, nil
}

// ownAutomation is one of the author's published automations (listed or
// not); a steward's too, as Withdraw allows.
func (s *Service) ownAutomation(ctx context.Context, m member.Member, slug string) (Automation, error) {
	a, err := s.AutomationFor(ctx, m, slug)
	if err != nil {
		return Automation{}, err
	}
	if a.authorID != m.ID {
		return Automation{}, problem.New(problem.Forbidden, "only the author of %s does this", slug)
	}
	return a, nil
}

// SetSamples replaces an automation's sample values. They are what the
// test run checks, so they make a new version: a listed automation leaves
// the marketplace until a test run of the new version succeeds.
func (s *Service) SetSamples(ctx context.Context, author member.Member, slug string, samples map[string]string) (Automation, error) {
	if err := checkSamples(samples).Err(); err != nil {
		return Automation{}, err
	}
	a, err := s.ownAutomation(ctx, author, slug)
	if err != nil {
		return Automation{}, err
	}
	if err := s.bindSamples(ctx, a, samples); err != nil {
		return Automation{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE automations SET samples = $2, version = version + 1, listed = 0 WHERE id = $1`, a.rowID, s.sealSamples(a.Slug, samples))
		return err
	})
	if err != nil {
		return Automation{}, fmt.Errorf("set samples: %w", err)
	}
	return s.AutomationFor(ctx, author, slug)
}

// bindSamples says whether samples give every parameter a value the
// automation can run with.
func (s *Service) bindSamples(ctx context.Context, a Automation, samples map[string]string) error {
	var err error
	switch {
	case a.Composed:
		err = bindComposed(a, samples)
	case a.Learned:
		_, err = a.program.Bind(samples)
	default:
		rec, rerr := s.recordingOf(ctx, a)
		if rerr != nil {
			return rerr
		}
		_, err = rec.Bind(samples)
	}
	if err != nil {
		f := map[string]string{"samples": err.Error()}
		for _, p := range a.Parameters {
			if _, ok := samples[p.Name]; !ok && p.Default == "" {
				f["samples."+p.Name] = "is required"
			}
		}
		return &problem.Error{Kind: problem.Invalid, Message: "the samples do not give every parameter a value: " + err.Error(), Fields: f}
	}
	return nil
}

// TestRun queues a test run of the author's automation in the sandbox on
// its samples: free (a chain's pays its parts' prices, see Compose), and
// not counted in the listing's figures. Its
// success for the current version is what List asks for.
func (s *Service) TestRun(ctx context.Context, author member.Member, slug string) (Run, error) {
	a, err := s.ownAutomation(ctx, author, slug)
	if err != nil {
		return Run{}, err
	}
	samples, err := s.openSamples(a)
	if err != nil {
		return Run{}, err
	}
	if err := s.bindSamples(ctx, a, samples); err != nil {
		return Run{}, err
	}
	if a.Composed {
		// It would fail at the part: say so now.
		if err := s.partsListed(ctx, s.db.Read(), a.rowID); err != nil {
			return Run{}, err
		}
	}
	sealed, _ := json.Marshal(samples)
	in := string(sealed)
	if a.Learned {
		js, _ := json.Marshal(learnedRunInput{Params: samples})
		in = string(js)
	}
	a.PricePerRun = 0
	if a.Composed {
		// A chain's test run runs other members' paid automations: its
		// composer pays what they cost, settled as a real run (a refund if
		// it fails).
		rows, err := s.partsOf(ctx, s.db.Read(), a.rowID)
		if err != nil {
			return Run{}, err
		}
		if a.PricePerRun, err = partsPrice(rows); err != nil {
			return Run{}, err
		}
	}
	return s.queue(ctx, author, a, in, true)
}

// List puts the author's automation in the marketplace. It is refused,
// saying why, until a test run of the current version succeeded.
func (s *Service) List(ctx context.Context, author member.Member, slug string) (Automation, error) {
	a, err := s.ownAutomation(ctx, author, slug)
	if err != nil {
		return Automation{}, err
	}
	if a.TestedVersion != a.Version {
		return Automation{}, &problem.Error{Kind: problem.Conflict, Message: s.untestedReason(ctx, a), Fields: map[string]string{"test_run": "none succeeded for version " + strconv.Itoa(a.Version)}}
	}
	if a.Composed {
		if err := s.partsListed(ctx, s.db.Read(), a.rowID); err != nil {
			return Automation{}, err
		}
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// The version is checked again where it is written: new samples
		// between the read and here would list an untested version.
		res, err := tx.ExecContext(ctx, `UPDATE automations SET listed = 1 WHERE id = $1 AND status = 'published' AND tested_version = version`, a.rowID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, problem.New(problem.Conflict, "the automation changed while it was being listed; run its test again"))
		}
		if a.ownListed {
			return nil // it was listed already
		}
		// Back in the marketplace after it left: the chains it is a part
		// of were tested with it as it was.
		return retestChains(ctx, tx, a.rowID)
	})
	if err != nil {
		return Automation{}, err
	}
	return s.AutomationFor(ctx, author, slug)
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// untestedReason says why an automation cannot be listed yet: no test
// run of this version, one still going, or how the last one failed.
func (s *Service) untestedReason(ctx context.Context, a Automation) string {
	var status, msg string
	err := s.db.Read().QueryRowContext(ctx, `SELECT status, error FROM automation_runs WHERE automation_id = $1 AND test = 1 AND version = $2 ORDER BY id DESC LIMIT 1`,
		a.rowID, a.Version).Scan(&status, &msg)
	switch {
	case err != nil:
		return fmt.Sprintf("an automation is listed only after a test run in the sandbox on its samples succeeded; version %d has had none: start one", a.Version)
	case status == "queued" || status == "running":
		return fmt.Sprintf("the test run of version %d is %s; list the automation when it has succeeded", a.Version, status)
	default:
		return fmt.Sprintf("the last test run of version %d failed (%s); fix the samples or the automation and test again", a.Version, msg)
	}
}

// figures computes a listing's figures from its real runs of the last
// FiguresWindow and its reviews.
func (s *Service) figures(ctx context.Context, automationID int64) (Figures, error) {
	var f Figures
	q := s.db.Read()
	since := time.Now().Add(-FiguresWindow).UnixMilli()
	rows, err := q.QueryContext(ctx, `SELECT status, COALESCE(finished_at - started_at, 0) FROM automation_runs
		WHERE automation_id = $1 AND test = 0 AND status IN ('ok', 'failed') AND created_at >= $2`, automationID, since)
	if err != nil {
		return f, fmt.Errorf("listing figures: %w", err)
	}
	defer rows.Close()
	var ok int
	var times []int64
	for rows.Next() {
		var status string
		var ms int64
		if err := rows.Scan(&status, &ms); err != nil {
			return f, err
		}
		f.Runs++
		if status == "ok" {
			ok++
			times = append(times, ms)
		}
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	if f.Runs > 0 {
		f.SuccessRate = ok * 100 / f.Runs
	}
	f.MedianMillis = median(times)
	var sum int
	if err := q.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(rating), 0) FROM automation_reviews WHERE automation_id = $1`, automationID).Scan(&f.Reviews, &sum); err != nil {
		return f, fmt.Errorf("listing figures: %w", err)
	}
	if f.Reviews > 0 {
		f.RatingTenths = (sum*10 + f.Reviews/2) / f.Reviews
	}
	return f, nil
}

// median is the middle value (the mean of the two middle ones, rounded
// down, for an even count); 0 for none.
func median(xs []int64) int64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return xs[n/2-1] + (xs[n/2]-xs[n/2-1])/2
}

// MedianText is the median run time as people read it ("" without runs).
func (f Figures) MedianText() string {
	switch {
	case f.MedianMillis == 0:
		return ""
	case f.MedianMillis < 1000:
		return fmt.Sprintf("%d ms", f.MedianMillis)
	default:
		return fmt.Sprintf("%.1f s", float64(f.MedianMillis)/1000)
	}
}

// RatingText is the mean rating as people read it ("4.5 of 5"; "" without
// reviews).
func (f Figures) RatingText() string {
	if f.Reviews == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d of 5", f.RatingTenths/10, f.RatingTenths%10)
}
