package action

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/store"
)

// Automation is a published recording others can run.
type Automation struct {
	Slug        string                `json:"id"`
	Title       string                `json:"title"`
	Description string                `json:"description"`
	Author      string                `json:"author"`
	PricePerRun int64                 `json:"price_per_run"`
	Parameters  []recording.Parameter `json:"parameters"`
	Steps       int                   `json:"steps"`
	Status      string                `json:"status"`
	Runs        int                   `json:"runs"`
	Succeeded   int                   `json:"succeeded"`
	CreatedAt   time.Time             `json:"created_at"`
	// Learned says the automation runs a program learned from several
	// recordings (learned.go) rather than replaying one.
	Learned bool `json:"learned"`
	// Start is the page a learned automation's demonstrations started on,
	// without its query (which held their data); runs start there or on
	// another record of the same page.
	Start string `json:"start,omitempty"`
	// SuccessRate is the share of its finished runs that succeeded, in
	// percent (0 before any run).
	SuccessRate int `json:"success_rate"`
	// Version counts the changes a test run must check again (the
	// samples, a learned program learned again); TestedVersion is the last version whose sandbox test run
	// succeeded (0: none). Listed says it is in the marketplace, which it
	// may be only once TestedVersion is Version (listing.go).
	Version       int  `json:"version"`
	TestedVersion int  `json:"tested_version"`
	Listed        bool `json:"listed"`
	// Composed says the automation chains listed automations (Parts,
	// composed.go). Lapsed says which of its parts is no longer listed
	// ("" if all are): while one is not, the chain is not listed either,
	// whatever its own listing, and it comes back only after a test run
	// of its own once the part is listed again.
	Composed bool   `json:"composed"`
	Parts    []Part `json:"parts,omitempty"`
	Lapsed   string `json:"lapsed,omitempty"`
	// Figures are the listing's figures from real runs of the last 30
	// days and its reviews (listing.go); filled by Automation and
	// Automations.
	Figures Figures `json:"figures"`

	rowID, recordingID, authorID int64
	program                      *program.Program
	samples                      string
	// ownListed is the automation's own listing; Listed is also false
	// for a chain with a part no longer listed.
	ownListed bool
}

// Publication is what an author says about an automation.
type Publication struct {
	Slug        string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	PricePerRun int64  `json:"price_per_run"`
	// Samples are the author's sample values, one per parameter, that
	// the sandbox test run uses before the automation may be listed.
	// Optional at publication (SetSamples gives them later).
	Samples map[string]string `json:"samples,omitempty"`
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (p *Publication) validate() error {
	p.Title, p.Description, p.Slug = strings.TrimSpace(p.Title), strings.TrimSpace(p.Description), strings.TrimSpace(p.Slug)
	f := problem.Fields{}
	if !slugPattern.MatchString(p.Slug) || len(p.Slug) > 60 {
		f.Add("id", "lowercase letters, digits and dashes, at most 60")
	}
	if p.Title == "" || utf8.RuneCountInString(p.Title) > 200 {
		f.Add("title", "between 1 and 200 characters")
	}
	f.Line("title", p.Title)
	if p.Description == "" || utf8.RuneCountInString(p.Description) > 5000 {
		f.Add("description", "say what it does and for whom, at most 5000 characters")
	}
	f.Text("description", p.Description)
	f.Merge(points.Check("price_per_run", p.PricePerRun, 0, points.MaxRunPrice))
	f.Merge(checkSamples(p.Samples).Err())
	return f.Err()
}

// Publish makes the author's verified recording an automation. A step
// that typed a masked value must first become a parameter: the recording
// does not know what to type there.
func (s *Service) Publish(ctx context.Context, author member.Member, recordingID string, p Publication) (Automation, error) {
	if err := p.validate(); err != nil {
		return Automation{}, err
	}
	r, rec, err := s.Open(ctx, author, recordingID)
	if err != nil {
		return Automation{}, err
	}
	if r.memberID != author.ID {
		return Automation{}, problem.New(problem.NotFound, "no recording %s", recordingID)
	}
	if r.Status != Verified {
		return Automation{}, problem.New(problem.Conflict, "only a verified recording can be published; this one is %s", r.Status)
	}
	probe := map[string]string{}
	for _, prm := range rec.Parameters() {
		probe[prm.Name] = "x"
	}
	bound, err := rec.Bind(probe)
	if err == nil {
		err = webOnly(bound)
	}
	if err != nil {
		return Automation{}, &problem.Error{Kind: problem.Invalid, Message: "the recording cannot run as it is", Fields: map[string]string{"recording": err.Error()}}
	}
	if len(p.Samples) > 0 {
		if _, err := rec.Bind(p.Samples); err != nil {
			return Automation{}, &problem.Error{Kind: problem.Invalid, Message: "the samples do not fit the recording", Fields: map[string]string{"samples": err.Error()}}
		}
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO automations (slug, recording_id, author_id, title, description, price_per_run, status, created_at, samples)
			VALUES ($1, $2, $3, $4, $5, $6, 'published', $7, $8) RETURNING id`, p.Slug, r.rowID, author.ID, p.Title, p.Description, p.PricePerRun, store.Now(), s.sealSamples(p.Slug, p.Samples)).Scan(&id)
	})
	if store.IsUniqueViolation(err) {
		return Automation{}, &problem.Error{Kind: problem.Conflict, Message: "an automation with this id exists", Fields: map[string]string{"id": "taken"}}
	}
	if err != nil {
		return Automation{}, fmt.Errorf("publish: %w", err)
	}
	return s.AutomationFor(ctx, author, p.Slug)
}

const automationColumns = `a.id, a.slug, a.recording_id, COALESCE(a.author_id, 0), a.title, a.description, COALESCE(m.public_id, ''), a.price_per_run, a.status, a.created_at, r.steps, a.program,
	a.version, a.tested_version, a.listed, a.composed, a.samples,
	COALESCE((SELECT c.runs FROM automation_run_counts c WHERE c.automation_id = a.id), 0),
	COALESCE((SELECT c.succeeded FROM automation_run_counts c WHERE c.automation_id = a.id), 0)`

const automationFrom = ` FROM automations a JOIN recordings r ON r.id = a.recording_id LEFT JOIN members m ON m.id = a.author_id`

func scanAutomation(row interface{ Scan(...any) error }) (Automation, error) {
	var a Automation
	var created int64
	var prog string
	var listed, composed int
	err := row.Scan(&a.rowID, &a.Slug, &a.recordingID, &a.authorID, &a.Title, &a.Description, &a.Author, &a.PricePerRun, &a.Status, &created, &a.Steps, &prog,
		&a.Version, &a.TestedVersion, &listed, &composed, &a.samples, &a.Runs, &a.Succeeded)
	a.Listed, a.Composed = listed == 1, composed == 1
	a.ownListed = a.Listed
	a.CreatedAt = store.Time(created)
	if err == nil && prog != "" {
		p, perr := program.Parse([]byte(prog))
		if perr != nil {
			return a, fmt.Errorf("automation %s: stored program: %w", a.Slug, perr)
		}
		a.Learned, a.program, a.Steps = true, &p, learnedSteps(p.Steps)
		if u, err := url.Parse(p.Start); err == nil {
			u.RawQuery, u.Fragment = "", ""
			a.Start = u.String()
		}
	}
	if a.Runs > 0 {
		a.SuccessRate = a.Succeeded * 100 / a.Runs
	}
	return a, err
}

// Automations lists a page of the published automations, newest first,
// and the cursor (a slug) of the next page. It is public: what runs, who
// made it, what it costs and how often it worked (counts kept in
// automation_run_counts, not counted run by run).
func (s *Service) Automations(ctx context.Context, page store.Page) ([]Automation, string, error) {
	q := s.db.Read()
	where, args := `a.status = 'published' AND a.listed = 1 AND NOT EXISTS (`+lapsedPart+`)`, []any{page.Fetch()}
	if page.Before != "" {
		id, err := page.Row(ctx, q, "not an automation; use the next cursor of the previous page", `SELECT id FROM automations WHERE slug = $1`)
		if err != nil {
			return nil, "", fmt.Errorf("list automations: %w", err)
		}
		where, args = where+` AND a.id < $2`, append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+automationColumns+automationFrom+` WHERE `+where+` ORDER BY a.id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list automations: %w", err)
	}
	defer rows.Close()
	out := []Automation{}
	for rows.Next() {
		a, err := scanAutomation(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list automations: %w", err)
	}
	out, next := store.Cut(page, out, func(a Automation) string { return a.Slug })
	for i := range out {
		if out[i].Figures, err = s.figures(ctx, out[i].rowID); err != nil {
			return nil, "", err
		}
		if out[i].Composed {
			// Its parts and steps, not its first part's recording's.
			if out[i], err = s.withParts(ctx, out[i], publicView); err != nil {
				return nil, "", err
			}
		}
	}
	return out, next, nil
}

// Automation returns one listed automation with its parameters: what the
// marketplace shows anyone.
func (s *Service) Automation(ctx context.Context, slug string) (Automation, error) {
	return s.AutomationFor(ctx, member.Member{}, slug)
}

// AutomationFor returns one published automation with its parameters as
// viewer may see it: a listed one to anyone, one not (yet, or no longer)
// listed only to its author and stewards.
func (s *Service) AutomationFor(ctx context.Context, viewer member.Member, slug string) (Automation, error) {
	// A chain whose part left the marketplace stays on view: its page
	// says which part, and a run of it is refused naming the part.
	return s.automation(ctx, slug, func(a Automation) bool {
		return a.ownListed || viewer.ID != 0 && (viewer.ID == a.authorID || viewer.IsSteward())
	})
}

// publicView is what anyone may open: a listed automation.
func publicView(a Automation) bool { return a.ownListed }

// automation returns one published automation, complete, if visible
// says the viewer may see it.
func (s *Service) automation(ctx context.Context, slug string, visible func(Automation) bool) (Automation, error) {
	a, err := scanAutomation(s.db.Read().QueryRowContext(ctx, `SELECT `+automationColumns+automationFrom+` WHERE a.slug = $1 AND a.status = 'published'`, slug))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !visible(a)) {
		return Automation{}, problem.New(problem.NotFound, "no automation %s", slug)
	}
	if err != nil {
		return Automation{}, err
	}
	if a.Figures, err = s.figures(ctx, a.rowID); err != nil {
		return Automation{}, err
	}
	if a.Composed {
		return s.withParts(ctx, a, visible)
	}
	if a.Parameters, err = s.parameters(ctx, a); err != nil {
		return Automation{}, err
	}
	return a, nil
}

// parameters are what a runner of a (learned or replayed) automation
// fills in.
func (s *Service) parameters(ctx context.Context, a Automation) ([]recording.Parameter, error) {
	if a.Learned {
		return learnedParameters(*a.program), nil
	}
	rec, err := s.recordingOf(ctx, a)
	if err != nil {
		return nil, err
	}
	if ps := rec.Parameters(); ps != nil {
		return ps, nil
	}
	return []recording.Parameter{}, nil
}

// recordingOf opens the recording an automation replays.
func (s *Service) recordingOf(ctx context.Context, a Automation) (recording.Recording, error) {
	var id string
	var keyID sql.NullInt64
	var sealed []byte
	err := s.db.Read().QueryRowContext(ctx, `SELECT public_id, key_id, content FROM recordings WHERE id = $1`, a.recordingID).Scan(&id, &keyID, &sealed)
	if err != nil {
		return recording.Recording{}, err
	}
	if !keyID.Valid {
		return recording.Recording{}, problem.New(problem.NotFound, "the recording behind %s was erased", a.Slug)
	}
	return s.openSealed(ctx, id, keyID.Int64, sealed)
}

// Withdraw takes an automation off the marketplace (its author or a
// steward); its runs stay in the history.
func (s *Service) Withdraw(ctx context.Context, m member.Member, slug string) error {
	a, err := s.AutomationFor(ctx, m, slug)
	if err != nil {
		return err
	}
	if a.authorID != m.ID && !m.IsSteward() {
		return problem.New(problem.Forbidden, "only its author or a steward withdraws an automation")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE automations SET status = 'withdrawn', listed = 0 WHERE id = $1`, a.rowID)
		return err
	})
}

// webOnly refuses a recording that opens anything but a web page. The
// server's browser reaches the web only through the proxy that keeps it
// off private addresses; file:, chrome: or data: pages would not pass
// through it, and a file: page would show the server's own files to
// whoever runs the automation.
func webOnly(rec recording.Recording) error {
	for i, st := range rec.Steps {
		if st.Type != recording.StepNavigate {
			continue
		}
		u, err := url.Parse(st.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("step %d opens %q: automations open only http and https pages", i, st.URL)
		}
	}
	return nil
}
