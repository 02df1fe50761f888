package action

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recording"
	"github.com/allmende/allmende/internal/store"
)

// Learned automations (issue 13): instead of replaying one recording, a
// program is learned (package program) from several verified recordings
// of the same task, made by one or several members on different data. A
// recorder consents by offering their recording (Offer) or by learning an
// automation from it themselves; each run is paid to the demonstrators by
// their measured contribution (shapley.go).

// Demo is one demonstration a learned automation was learned from.
type Demo struct {
	// Position numbers the demonstrations from 1, as the program's
	// steps name them.
	Position int `json:"position"`
	// Member is the demonstrator's pseudonym ("" if they left).
	Member string `json:"member"`
	// Weight is the demo's Shapley value (shapley.go); Share the part of
	// the contributors' share of a run it is paid (from 0 to 1).
	Weight float64 `json:"weight"`
	Share  float64 `json:"share"`

	recordingID, memberID int64
}

// Learning is what a learned automation's page shows beyond the
// automation itself.
type Learning struct {
	Program program.Program `json:"program"`
	// Description is the program in plain words (Program.Describe).
	Description string `json:"description"`
	Demos       []Demo `json:"demos"`
}

// Offer lets the cooperative use the recorder's verified recording as a
// demonstration for learned automations. Only its recorder offers it;
// erasing the recording withdraws the offer with it.
func (s *Service) Offer(ctx context.Context, recorder member.Member, recordingID string) (Recording, error) {
	r, err := s.Get(ctx, recorder, recordingID)
	if err != nil {
		return Recording{}, err
	}
	if r.memberID != recorder.ID {
		return Recording{}, problem.New(problem.Forbidden, "only its recorder offers a recording")
	}
	if r.Status != Verified {
		return Recording{}, problem.New(problem.Conflict, "only a verified recording can be offered; this one is %s", r.Status)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE recordings SET offered = $2 WHERE id = $1`, r.rowID, true)
		return err
	})
	r.Offered = err == nil
	return r, err
}

// demoRecording is a recording opened to learn from.
type demoRecording struct {
	id              string
	rowID, memberID int64
	rec             recording.Recording
}

// usable opens a recording for acting member m to learn from: it must be
// verified, and m's own or offered by its recorder.
func (s *Service) usable(ctx context.Context, m member.Member, id string) (demoRecording, error) {
	d, status, offered, err := s.loadDemo(ctx, `public_id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (d.memberID != m.ID && !offered && !m.IsSteward() || status == string(Erased)) {
		return demoRecording{}, problem.New(problem.NotFound, "no recording %s", id)
	}
	if err != nil {
		return demoRecording{}, err
	}
	if d.memberID != m.ID && !offered {
		return demoRecording{}, problem.New(problem.Forbidden, "recording %s was not offered by its recorder for learning", id)
	}
	if status != string(Verified) {
		return demoRecording{}, problem.New(problem.Conflict, "only verified recordings are learned from; %s is %s", id, status)
	}
	return d, nil
}

// loadDemo opens the recording cond names.
func (s *Service) loadDemo(ctx context.Context, cond string, arg any) (demoRecording, string, bool, error) {
	var d demoRecording
	var status string
	var offered bool
	var keyID sql.NullInt64
	var sealed []byte
	err := s.db.Read().QueryRowContext(ctx, `SELECT id, public_id, COALESCE(member_id, 0), status, offered, key_id, content FROM recordings WHERE `+cond, arg).
		Scan(&d.rowID, &d.id, &d.memberID, &status, &offered, &keyID, &sealed)
	if err != nil || !keyID.Valid {
		return d, status, offered, err
	}
	d.rec, err = s.openSealed(ctx, d.id, keyID.Int64, sealed)
	if err != nil {
		return d, status, offered, fmt.Errorf("open recording %s: %w", d.id, err)
	}
	return d, status, offered, nil
}

// learnFrom learns the program of demos and measures each demo.
func learnFrom(demos []demoRecording) (program.Program, []float64, error) {
	recs := make([]recording.Recording, len(demos))
	for i, d := range demos {
		recs[i] = d.rec
	}
	prog, err := program.Learn(recs)
	var amb *program.Ambiguous
	var de *program.DemoError
	var se *program.StepError
	switch {
	case errors.As(err, &amb):
		return program.Program{}, nil, &problem.Error{Kind: problem.Conflict,
			Message: fmt.Sprintf("record one more demonstration: step %d: %s", amb.Step, hideQueries(amb.Reason)), Fields: map[string]string{"recordings": hideQueries(amb.Error())}}
	case errors.As(err, &de):
		id := "?"
		if de.Demo >= 1 && de.Demo <= len(demos) {
			id = demos[de.Demo-1].id
		}
		return program.Program{}, nil, &problem.Error{Kind: problem.Invalid,
			// The learner names the demos' addresses, whose queries may
			// hold the demonstrators' data.
			Message: fmt.Sprintf("recording %s (demonstration %d) cannot be learned from: %s", id, de.Demo, hideQueries(de.Error())), Fields: map[string]string{"recordings": hideQueries(de.Error())}}
	case errors.As(err, &se):
		return program.Program{}, nil, &problem.Error{Kind: problem.Invalid, Message: "the demonstrations contradict each other: " + hideQueries(se.Error()), Fields: map[string]string{"recordings": hideQueries(se.Error())}}
	case err != nil:
		return program.Program{}, nil, &problem.Error{Kind: problem.Invalid, Message: hideQueries(err.Error()), Fields: map[string]string{"recordings": hideQueries(err.Error())}}
	}
	if err := programWebOnly(prog); err != nil {
		return program.Program{}, nil, &problem.Error{Kind: problem.Invalid, Message: "the program cannot run as it is", Fields: map[string]string{"recordings": hideQueries(err.Error())}}
	}
	// The demos' values are the demonstrators' data: they stay in the
	// sealed recordings, not in the public program.
	for i := range prog.Inputs {
		prog.Inputs[i].Examples = nil
	}
	weights, _ := demoWeights(recs)
	return prog, weights, nil
}

// programWebOnly is webOnly for a program: it starts and navigates only
// on http and https pages.
func programWebOnly(p program.Program) error {
	check := func(where, raw string) error {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s opens %q: automations open only http and https pages", where, raw)
		}
		return nil
	}
	if err := check("the start", p.Start); err != nil {
		return err
	}
	var walk func([]program.Step) error
	walk = func(steps []program.Step) error {
		for i, st := range steps {
			if st.Action == program.ActNavigate {
				if u, err := url.Parse(st.URL); err == nil && !u.IsAbs() {
					continue // relative to the page it is on, which passed
				}
				if err := check(fmt.Sprintf("step %d", i+1), st.URL); err != nil {
					return err
				}
			}
			if err := walk(st.Body); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(p.Steps)
}

// LearnAutomation learns an automation from 1–5 recordings of the same
// task and publishes it. A steward may learn from any recordings their
// recorders offered; any other member only with at least one recording
// of their own among them (the others offered). The acting member is the
// automation's publisher; runs pay the demonstrators and the treasury.
func (s *Service) LearnAutomation(ctx context.Context, m member.Member, p Publication, recordingIDs []string) (Automation, error) {
	if err := p.validate(); err != nil {
		return Automation{}, err
	}
	// A recording counts once, wherever it is named again.
	var ids []string
	for _, id := range recordingIDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 || len(ids) > program.MaxDemos {
		return Automation{}, &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("learn from 1 to %d recordings", program.MaxDemos),
			Fields: map[string]string{"recordings": fmt.Sprintf("%d given", len(ids))}}
	}
	var demos []demoRecording
	own := false
	for _, id := range ids {
		d, err := s.usable(ctx, m, id)
		if err != nil {
			return Automation{}, err
		}
		own = own || d.memberID == m.ID
		demos = append(demos, d)
	}
	if !own && !m.IsSteward() {
		return Automation{}, problem.New(problem.Forbidden, "learn from at least one recording of your own, or ask a steward")
	}
	prog, weights, err := learnFrom(demos)
	if err != nil {
		return Automation{}, err
	}
	if len(p.Samples) > 0 {
		if _, err := prog.Bind(p.Samples); err != nil {
			return Automation{}, &problem.Error{Kind: problem.Invalid, Message: "the samples do not fit the learned program", Fields: map[string]string{"samples": err.Error()}}
		}
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		js, _ := json.Marshal(prog)
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO automations (slug, recording_id, author_id, title, description, price_per_run, status, created_at, program, samples)
			VALUES ($1, $2, $3, $4, $5, $6, 'published', $7, $8, $9) RETURNING id`, p.Slug, demos[0].rowID, m.ID, p.Title, p.Description, p.PricePerRun, store.Now(), string(js),
			s.sealSamples(p.Slug, p.Samples)).Scan(&id)
		if err != nil {
			return err
		}
		return saveDemos(ctx, tx, id, demos, weights)
	})
	if store.IsUniqueViolation(err) {
		return Automation{}, &problem.Error{Kind: problem.Conflict, Message: "an automation with this id exists", Fields: map[string]string{"id": "taken"}}
	}
	if err != nil {
		return Automation{}, fmt.Errorf("learn automation: %w", err)
	}
	return s.AutomationFor(ctx, m, p.Slug)
}

func saveDemos(ctx context.Context, tx *store.Tx, automationID int64, demos []demoRecording, weights []float64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM automation_demos WHERE automation_id = $1`, automationID); err != nil {
		return err
	}
	for i, d := range demos {
		if _, err := tx.ExecContext(ctx, `INSERT INTO automation_demos (automation_id, recording_id, position, weight) VALUES ($1, $2, $3, $4)`,
			automationID, d.rowID, i, weights[i]); err != nil {
			return err
		}
	}
	return nil
}

// TakesDemosFrom says whether m may add demonstrations to the learned
// automation: its publisher or a steward. Another recorder offers their
// recording and asks them: adding one makes a new version that leaves the
// marketplace until its publisher's test run passes, which nobody else
// may impose on the publisher.
func (a Automation) TakesDemosFrom(m member.Member) bool {
	return a.Learned && m.ID != 0 && (m.ID == a.authorID || m.IsSteward())
}

// AddDemo adds a recording of the task to a learned automation and learns
// its program again from all its demonstrations. Only its publisher or a
// steward adds one (TakesDemosFrom): a recording of their own, or one its
// recorder offered. If the program cannot be learned with it (another
// task, contradicting data) nothing changes. The program learned again is
// a new version, not listed until a test run of it succeeds.
func (s *Service) AddDemo(ctx context.Context, m member.Member, slug, recordingID string) (Automation, error) {
	a, err := s.AutomationFor(ctx, m, slug)
	if err != nil {
		return Automation{}, err
	}
	if !a.Learned {
		return Automation{}, problem.New(problem.Conflict, "%s replays one recording; only a learned automation takes more demonstrations", slug)
	}
	if !a.TakesDemosFrom(m) {
		return Automation{}, problem.New(problem.Forbidden, "only the publisher of %s%s or a steward adds demonstrations; offer your recording for learning on its page and ask them to add it", slug, publisherName(a.Author))
	}
	d, err := s.usable(ctx, m, recordingID)
	if err != nil {
		return Automation{}, err
	}
	rows, err := demoRows(ctx, s.db.Read(), a.rowID)
	if err != nil {
		return Automation{}, err
	}
	var demos []demoRecording
	for _, r := range rows {
		if r.recordingID == d.rowID {
			return Automation{}, problem.New(problem.Conflict, "recording %s is already one of its demonstrations", recordingID)
		}
		// The demonstrations chosen earlier stand (an erased one has
		// already left: see Erase).
		old, status, _, err := s.loadDemo(ctx, `id = $1`, r.recordingID)
		if err != nil {
			return Automation{}, err
		}
		if status != string(Verified) {
			return Automation{}, problem.New(problem.Conflict, "demonstration %s is %s", old.id, status)
		}
		demos = append(demos, old)
	}
	if len(demos) >= program.MaxDemos {
		return Automation{}, problem.New(problem.Conflict, "%s already has %d demonstrations, the most a program is learned from", slug, program.MaxDemos)
	}
	demos = append(demos, d)
	prog, weights, err := learnFrom(demos)
	if err != nil {
		return Automation{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Learned from the demonstrations read above: if another was
		// added or erased meanwhile, this program is not theirs.
		if _, err := tx.ExecContext(ctx, `UPDATE automations SET program = program WHERE id = $1`, a.rowID); err != nil {
			return err // takes the row's lock on PostgreSQL before counting
		}
		var now int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM automation_demos WHERE automation_id = $1`, a.rowID).Scan(&now); err != nil {
			return err
		}
		if now != len(rows) {
			return problem.New(problem.Conflict, "the demonstrations of %s changed meanwhile; add the recording again", slug)
		}
		js, _ := json.Marshal(prog)
		// A new program is a new version: out of the marketplace until
		// a test run of it succeeds, as new samples are.
		if _, err := tx.ExecContext(ctx, `UPDATE automations SET program = $2, version = version + 1, listed = 0 WHERE id = $1 AND status = 'published'`, a.rowID, string(js)); err != nil {
			return err
		}
		return saveDemos(ctx, tx, a.rowID, demos, weights)
	})
	if problem.Is(err, problem.Conflict) {
		return Automation{}, err
	}
	if err != nil {
		return Automation{}, fmt.Errorf("add demonstration: %w", err)
	}
	// Its new version is not listed; its publisher and stewards, who
	// alone add demonstrations, see it.
	return s.AutomationFor(ctx, m, slug)
}

// publisherName names a publisher in a message: " (pseudonym)", or ""
// if they left.
func publisherName(pseudonym string) string {
	if pseudonym == "" {
		return ""
	}
	return " (" + pseudonym + ")"
}

// demoRows reads an automation's demonstrations in order.
func demoRows(ctx context.Context, q store.Querier, automationID int64) ([]Demo, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.recording_id, COALESCE(r.member_id, 0), COALESCE(m.public_id, ''), d.weight
		FROM automation_demos d JOIN recordings r ON r.id = d.recording_id LEFT JOIN members m ON m.id = r.member_id
		WHERE d.automation_id = $1 ORDER BY d.position`, automationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Demo
	for rows.Next() {
		var d Demo
		if err := rows.Scan(&d.recordingID, &d.memberID, &d.Member, &d.Weight); err != nil {
			return nil, err
		}
		d.Position = len(out) + 1
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	w := make([]float64, len(out))
	for i, d := range out {
		w[i] = d.Weight
	}
	pay := payWeights(w)
	var sum float64
	for _, x := range pay {
		sum += x
	}
	for i := range out {
		out[i].Share = pay[i] / sum
	}
	return out, nil
}

// Learning returns what a learned automation learned: its program in
// plain words and its demonstrations with their measured contribution.
// It is public, as the automation is.
func (s *Service) Learning(ctx context.Context, slug string) (Learning, error) {
	return s.LearningFor(ctx, member.Member{}, slug)
}

// LearningFor is Learning as viewer may see it: of a listed automation,
// or of one not listed to its author and stewards.
func (s *Service) LearningFor(ctx context.Context, viewer member.Member, slug string) (Learning, error) {
	a, err := s.AutomationFor(ctx, viewer, slug)
	if err != nil {
		return Learning{}, err
	}
	if !a.Learned {
		return Learning{}, problem.New(problem.NotFound, "%s is not a learned automation", slug)
	}
	demos, err := demoRows(ctx, s.db.Read(), a.rowID)
	if err != nil {
		return Learning{}, err
	}
	// The first demo's start address may carry its data in the query:
	// the public sees the page only.
	prog := *a.program
	prog.Start = a.Start
	return Learning{Program: prog, Description: prog.Describe(), Demos: demos}, nil
}

// learnedParameters are a program's run parameters, as an automation
// lists them.
func learnedParameters(p program.Program) []recording.Parameter {
	out := []recording.Parameter{}
	for _, in := range p.Inputs {
		if in.Param != "" {
			label := in.Label
			if label == "" {
				label = in.Param
			}
			out = append(out, recording.Parameter{Name: in.Param, Label: label})
		}
	}
	return out
}

// taughtBy lists the published learned automations the recording is a
// demonstration of: erasing it withdraws them, and relearn learns them
// again from the rest.
func (s *Service) taughtBy(ctx context.Context, recordingRow int64) ([]int64, error) {
	return store.IDs(ctx, s.db.Read(), `SELECT d.automation_id FROM automation_demos d JOIN automations a ON a.id = d.automation_id
		WHERE d.recording_id = $1 AND a.status = 'published'`, recordingRow)
}

// relearn learns again, from the demonstrations left, the automations an
// erased recording was withdrawn from, and publishes them again when that
// works (their demonstrators keep earning; the program, and the weights,
// no longer owe anything to the erased one) as a new version, listed
// again after its test run. One that cannot be learned without it stays
// withdrawn.
func (s *Service) relearn(ctx context.Context, automations []int64) {
	for _, id := range automations {
		if err := s.relearnOne(ctx, id); err != nil {
			s.log.Info("learned automation stays withdrawn after a demonstration was erased", "automation", id, "reason", err)
		}
	}
}

func (s *Service) relearnOne(ctx context.Context, automationID int64) error {
	rows, err := demoRows(ctx, s.db.Read(), automationID)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return errors.New("no demonstration left")
	}
	var demos []demoRecording
	for _, r := range rows {
		d, status, _, err := s.loadDemo(ctx, `id = $1`, r.recordingID)
		if err != nil {
			return err
		}
		if status != string(Verified) {
			return fmt.Errorf("demonstration %s is %s", d.id, status)
		}
		demos = append(demos, d)
	}
	prog, weights, err := learnFrom(demos)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var now int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM automation_demos WHERE automation_id = $1`, automationID).Scan(&now); err != nil {
			return err
		}
		if now != len(rows) {
			return errors.New("its demonstrations changed meanwhile")
		}
		js, _ := json.Marshal(prog)
		// A new version, which its publisher must test again before it
		// is listed: the program is not the one its test run ran.
		res, err := tx.ExecContext(ctx, `UPDATE automations SET program = $2, recording_id = $3, status = 'published', version = version + 1, listed = 0
			WHERE id = $1 AND status = 'withdrawn' AND program = ''`,
			automationID, string(js), demos[0].rowID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, errors.New("it was changed meanwhile"))
		}
		return saveDemos(ctx, tx, automationID, demos, weights)
	})
}
