package datanet

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/allmende/allmende/internal/dedup"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/privacy"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/vault"
)

// Submission is what a member hands in at once: records parsed from a
// JSON or JSONL body, each with the line it came from, and for image
// datanets one image.
type Submission struct {
	Records []Record
	// Errors are records that did not parse; they count as the batch's
	// problems like any other.
	Errors []RecordError
	Lines  []int // Lines[i] is the source line of Records[i], or 0
	// Indexes[i] is the position of Records[i] in the submission, counting
	// the records that did not parse; nil means i itself.
	Indexes []int
	Image   []byte
}

// IntakeOptions change how a submission is handled.
type IntakeOptions struct {
	// DryRun checks and previews — what would be redacted, the DNA, whether
	// it is a duplicate — and stores nothing.
	DryRun bool
	// Partial stores the good records of a batch with problems; without
	// it a batch is all or nothing.
	Partial bool
	// Checked says the texts were redacted on the member's machine (the
	// contribute page's WebAssembly module): the detector runs again and
	// a record that still holds a finding the member did not confirm
	// keeping (Record.Kept) is refused instead of redacted here.
	Checked bool
}

// Outcome is what happened to one record.
type Outcome struct {
	Index int `json:"index"`
	Line  int `json:"line,omitempty"`
	// Status is accepted, pending (waiting for a curator, in a curated
	// datanet), duplicate or invalid (in a dry run: what it would be).
	Status       string `json:"status"`
	Contribution string `json:"contribution,omitempty"`
	DNA          string `json:"dna,omitempty"`
	// Record is the record as it will be stored, after redaction.
	Record     *Record      `json:"record,omitempty"`
	Redactions []Redaction  `json:"redactions,omitempty"`
	Duplicate  *Duplicate   `json:"duplicate,omitempty"`
	Error      *RecordError `json:"error,omitempty"`
}

// Redaction is one piece of personal data that was replaced: which field,
// where (in characters of the submitted text) and what kind. The original
// text is not echoed, so a preview never spreads it further.
type Redaction struct {
	Field string       `json:"field"`
	Start int          `json:"start"`
	End   int          `json:"end"`
	Type  privacy.Type `json:"type"`
}

// Duplicate says how a record duplicates one already in the datanet,
// without saying whose it is.
type Duplicate struct {
	Exact      bool    `json:"exact"`
	Similarity float64 `json:"similarity"`
	// InBatch is set when it duplicates an earlier record of the same
	// submission.
	InBatch bool `json:"in_batch,omitempty"`
}

// Result is the outcome of a submission.
type Result struct {
	Stored   bool `json:"stored"`
	DryRun   bool `json:"dry_run,omitempty"`
	Accepted int  `json:"accepted"`
	// Pending counts the records stored to wait for a curator, in a
	// curated datanet (their outcomes say "pending"); Accepted is then 0.
	Pending  int       `json:"pending,omitempty"`
	Outcomes []Outcome `json:"outcomes"`
}

// ErrBatchRejected is wrapped by Contribute's error when an all-or-nothing
// batch had problems and nothing was stored; the Result lists them.
var ErrBatchRejected = problem.New(problem.Invalid, "nothing was stored: some records have problems; fix them, or send again with partial=true to store the others")

// MaxBatch is the most records one submission may hold.
const MaxBatch = 10000

// prepared is a record on its way into the store.
type prepared struct {
	outcome  Outcome
	record   Record
	fp       dedup.Fingerprint
	image    []byte // re-encoded, metadata stripped
	media    string
	size     int
	redacted map[privacy.Type]int
	rowID    int64 // once stored
	publicID string
	eventID  sql.NullString // its "contribution accepted" event, once recorded
}

func (p *prepared) id() int64 { return p.rowID }

// Contribute takes a member's submission to a datanet through the intake
// pipeline: validate → redact personal data → fingerprint → refuse exact
// and near duplicates (against everything accepted, from any member, and
// within the batch) → seal with a fresh content key → store with a
// "contribution accepted" ledger event, in one transaction.
func (s *Service) Contribute(ctx context.Context, memberID int64, slug string, sub Submission, opt IntakeOptions) (Result, error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return Result{}, err
	}
	if !d.Open {
		return Result{}, problem.New(problem.Conflict, "the datanet %q is closed for contributions", d.Slug)
	}
	if err := s.requireConsent(ctx, memberID, d); err != nil {
		return Result{}, err
	}
	n := len(sub.Records) + len(sub.Errors)
	if n == 0 && sub.Image == nil {
		return Result{}, problem.New(problem.BadRequest, "the submission holds no record")
	}
	if n > MaxBatch {
		return Result{}, problem.New(problem.TooLarge, "a submission holds at most %d records; this one has %d", MaxBatch, n)
	}
	if d.RecordKind == KindImage && sub.Image == nil {
		return Result{}, &problem.Error{Kind: problem.Invalid, Message: "an image datanet takes an image file", Fields: map[string]string{"image": "upload a JPEG, PNG or GIF file"}}
	}
	if d.RecordKind != KindImage && sub.Image != nil {
		return Result{}, &problem.Error{Kind: problem.Invalid, Message: "this datanet takes " + string(d.RecordKind) + " records, not images", Fields: map[string]string{"image": "not accepted here"}}
	}

	mu := s.intakeLock(d.ID)
	mu.Lock()
	defer mu.Unlock()

	idx, err := s.index(ctx, d)
	if err != nil {
		return Result{}, err
	}
	batch, err := dedup.New(dedup.Options{Jaccard: d.NearDuplicate})
	if err != nil {
		return Result{}, err
	}
	var preps []*prepared
	var outcomes []Outcome
	problems := 0
	for _, e := range sub.Errors {
		e := e
		outcomes = append(outcomes, Outcome{Index: e.Index, Line: e.Line, Status: "invalid", Error: &e})
		problems++
	}
	// Redaction and fingerprinting are the costly steps and independent
	// per record: run them on every core. The duplicate checks then go in
	// order, so that of two equal records in a batch the first one wins.
	ready := s.prepareAll(ctx, d, sub, opt)
	if err := ctx.Err(); err != nil {
		return Result{}, err // the upload was abandoned while it waited to be decoded
	}
	for i, pr := range ready {
		line := 0
		if i < len(sub.Lines) {
			line = sub.Lines[i]
		}
		index := i
		if i < len(sub.Indexes) {
			index = sub.Indexes[i]
		}
		p, rerr := pr.p, pr.err
		if rerr != nil {
			rerr.Index, rerr.Line = index, line
			outcomes = append(outcomes, Outcome{Index: index, Line: line, Status: "invalid", Error: rerr})
			problems++
			continue
		}
		p.outcome.Index, p.outcome.Line = index, line
		if dup, err := s.findDuplicate(ctx, d, idx, batch, p, int64(len(preps))); err != nil {
			return Result{}, err
		} else if dup != nil {
			p.outcome.Status, p.outcome.Duplicate = "duplicate", dup
			problems++
		} else if d.Curated {
			p.outcome.Status = "pending" // a curator accepts it, or not
		} else {
			p.outcome.Status = "accepted"
		}
		preps = append(preps, p)
	}

	res := Result{DryRun: opt.DryRun}
	rejected := func() (Result, error) {
		for _, p := range preps {
			outcomes = append(outcomes, p.outcome)
		}
		res.Outcomes = sortOutcomes(outcomes)
		for _, o := range res.Outcomes {
			switch o.Status {
			case "accepted":
				res.Accepted++
			case "pending":
				res.Pending++
			}
		}
		if opt.DryRun {
			return res, nil
		}
		res.Accepted, res.Pending = 0, 0
		return res, ErrBatchRejected
	}
	if opt.DryRun || (problems > 0 && !opt.Partial) {
		return rejected()
	}

	var stored []*prepared
	var blobs []string
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Another replica may have taken a near copy since the checks
		// above: look again, one at a time per datanet across replicas.
		raced, err := s.recheck(ctx, tx, d, idx, preps)
		if err != nil {
			return err
		}
		if raced > 0 && !opt.Partial {
			return errRaced
		}
		if err := s.recordAccepted(ctx, tx, memberID, d, preps); err != nil {
			return err
		}
		for _, p := range preps {
			if err := s.store(ctx, tx, memberID, d, p, &blobs); err != nil {
				return err
			}
			if p.outcome.Status == "accepted" || p.outcome.Status == "pending" {
				stored = append(stored, p)
			}
		}
		return nil
	})
	if err != nil {
		for _, b := range blobs {
			_ = s.blobs.Delete(b)
		}
		if errors.Is(err, errRaced) {
			return rejected()
		}
		return Result{}, err
	}
	if err := idx.addAll(stored); err != nil {
		// The database has the records; the index catches up with it
		// before its next use, so nothing is lost.
		s.logIndexError(err)
	}
	for _, p := range preps {
		outcomes = append(outcomes, p.outcome)
	}
	res.Outcomes = sortOutcomes(outcomes)
	res.Stored = true
	if d.Curated {
		res.Pending = len(stored)
	} else {
		res.Accepted = len(stored)
	}
	return res, nil
}

func sortOutcomes(o []Outcome) []Outcome {
	slices.SortFunc(o, func(a, b Outcome) int { return a.Index - b.Index })
	return o
}

func (s *Service) intakeLock(datanetID int64) *sync.Mutex {
	m, _ := s.intakeMu.LoadOrStore(datanetID, &sync.Mutex{})
	return m.(*sync.Mutex)
}

type preparedOrError struct {
	p   *prepared
	err *RecordError
}

// prepareAll prepares every record of a submission, in parallel.
func (s *Service) prepareAll(ctx context.Context, d Datanet, sub Submission, opt IntakeOptions) []preparedOrError {
	out := make([]preparedOrError, len(sub.Records))
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range work {
				p, err := s.prepare(ctx, d, sub.Records[i], sub.Image, opt.Checked)
				out[i] = preparedOrError{p, err}
			}
		})
	}
	for i := range sub.Records {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

// prepare validates, redacts (or, checked, checks the member's redaction
// of) and fingerprints one record.
func (s *Service) prepare(ctx context.Context, d Datanet, r Record, img []byte, checked bool) (*prepared, *RecordError) {
	p := &prepared{redacted: map[privacy.Type]int{}}
	names := map[*string]string{&r.Text: "text", &r.Question: "question", &r.Answer: "answer"}
	if checked {
		if err := p.check(&r, names); err != nil {
			return nil, err
		}
	} else {
		for _, field := range r.texts() {
			original := *field
			red, spans := privacy.Redact(original, privacy.DefaultMinScore)
			runeSpans := make([]privacy.Span, len(spans))
			for i, sp := range spans {
				runeSpans[i] = sp.Span
			}
			for _, sp := range privacy.RuneOffsets(original, runeSpans) {
				p.outcome.Redactions = append(p.outcome.Redactions, Redaction{Field: names[field], Start: sp.Start, End: sp.End, Type: sp.Type})
				p.redacted[sp.Type]++
			}
			*field = red
		}
		for name, v := range r.Fields {
			red, spans := privacy.Redact(v, privacy.DefaultMinScore)
			for _, sp := range spans {
				p.outcome.Redactions = append(p.outcome.Redactions, Redaction{Field: "fields." + name, Type: sp.Type})
				p.redacted[sp.Type]++
			}
			r.Fields[name] = red
		}
	}
	if d.RecordKind == KindRecording {
		clean, n, err := cleanRecording(r.Recording)
		if err != nil {
			return nil, &RecordError{Field: "recording", Message: err.Error()}
		}
		for t, c := range n {
			p.outcome.Redactions = append(p.outcome.Redactions, Redaction{Field: "recording", Type: t})
			p.redacted[t] += c
		}
		r.Recording = clean
	}
	if d.RecordKind == KindImage {
		clean, media, w, h, stripped, err := cleanImage(ctx, img)
		if err != nil {
			return nil, &RecordError{Field: "image", Message: err.Error()}
		}
		for i, b := range r.Boxes {
			if b.X+b.W > float64(w) || b.Y+b.H > float64(h) {
				return nil, &RecordError{Field: "boxes", Message: fmt.Sprintf("box %d reaches outside the %d×%d image", i, w, h)}
			}
		}
		if stripped {
			p.redacted["IMAGE_METADATA"]++
		}
		p.image, p.media = clean, media
	}
	fp, err := fingerprint(ctx, d, r, p.image)
	if err != nil {
		return nil, &RecordError{Field: "image", Message: err.Error()}
	}
	p.fp = fp
	p.record = r
	p.outcome.Record = &p.record
	p.outcome.DNA = p.fp.DNA.String()
	enc, _ := json.Marshal(r)
	p.size = len(enc) + len(p.image)
	return p, nil
}

// check runs the server's check on a record redacted on the member's
// machine and counts its placeholders as its redactions; what passes has
// nothing left for Redact to find but the spans the member kept, so those
// fields are then taken as they are.
func (p *prepared) check(r *Record, names map[*string]string) *RecordError {
	for _, field := range r.texts() {
		found, err := checkRedacted(names[field], *field, r.Kept)
		if err != nil {
			return err
		}
		p.note(found)
	}
	for name, v := range r.Fields {
		found, err := checkRedacted("fields."+name, v, r.Kept)
		if err != nil {
			return err
		}
		p.note(found)
	}
	r.Kept = nil
	return nil
}

func (p *prepared) note(found []Redaction) {
	p.outcome.Redactions = append(p.outcome.Redactions, found...)
	for _, f := range found {
		p.redacted[f.Type]++
	}
}

// findDuplicate checks a prepared record against the datanet and against
// the earlier records of its own batch, and adds it to the batch's index.
func (s *Service) findDuplicate(ctx context.Context, d Datanet, idx *liveIndex, batch *dedup.Index, p *prepared, batchID int64) (*Duplicate, error) {
	var exists int
	// A record waiting for a curator holds its place: the same record
	// again would only wait behind it.
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM contributions WHERE datanet_id = $1 AND dna = $2 AND status IN ('accepted', 'pending')`, d.ID, p.fp.DNA.String()).Scan(&exists)
	if err != nil {
		return nil, fmt.Errorf("duplicate check: %w", err)
	}
	if exists > 0 {
		return &Duplicate{Exact: true, Similarity: 1}, nil
	}
	if m, ok := idx.best(p.fp); ok {
		return &Duplicate{Exact: m.Exact, Similarity: m.Similarity}, nil
	}
	matches, err := batch.AddIfUnique(batchID, p.fp)
	if err != nil {
		return nil, fmt.Errorf("duplicate check: %w", err)
	}
	if len(matches) > 0 {
		return &Duplicate{Exact: matches[0].Exact, Similarity: matches[0].Similarity, InBatch: true}, nil
	}
	return nil, nil
}

// recordAccepted draws every record's public id and records the
// "contribution accepted" events of an uncurated datanet's accepted
// records, in the batch's order, with one ledger statement for the whole
// batch: one per record was most of a large intake's time in the
// database. A curated datanet's events come with each decision.
func (s *Service) recordAccepted(ctx context.Context, tx *store.Tx, memberID int64, d Datanet, preps []*prepared) error {
	var evs []ledger.Event
	var accepted []*prepared
	for _, p := range preps {
		p.publicID = newContributionID()
		p.outcome.Contribution = p.publicID
		if d.Curated || p.outcome.Status != "accepted" {
			continue
		}
		evs = append(evs, ledger.Event{
			Type: ledger.ContributionAccepted, MemberID: memberID, Scope: fmt.Sprintf("datanet:%d", d.ID),
			Content: map[string]any{"contribution": p.publicID, "dna": p.fp.DNA.String()},
		})
		accepted = append(accepted, p)
	}
	ids, err := s.ledger.RecordAll(ctx, tx, evs)
	if err != nil {
		return err
	}
	for i, p := range accepted {
		p.eventID = sql.NullString{String: ids[i], Valid: true}
	}
	return nil
}

// store writes one prepared record, whose public id and event
// recordAccepted has drawn: accepted ones sealed, with their ledger
// event; duplicates as a note in the member's history, without content.
func (s *Service) store(ctx context.Context, tx *store.Tx, memberID int64, d Datanet, p *prepared, blobs *[]string) error {
	publicID := p.publicID
	redactions, _ := json.Marshal(p.redacted)
	now := store.Now()
	if p.outcome.Status == "duplicate" {
		reason := "near duplicate of a record already in the datanet"
		if p.outcome.Duplicate.Exact {
			reason = "exact duplicate of a record already in the datanet"
		}
		if p.outcome.Duplicate.InBatch {
			reason = "duplicate of another record in the same submission"
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO contributions (public_id, datanet_id, member_id, status, reason, dna, size, redactions, created_at)
			VALUES ($1, $2, $3, 'duplicate', $4, $5, $6, $7, $8)`,
			publicID, d.ID, memberID, reason, p.fp.DNA.String(), p.size, string(redactions), now)
		return err
	}
	keyID, key, err := s.vault.NewContentKey(ctx, tx, memberID)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(p.record)
	if err != nil {
		return err
	}
	sealed, err := vault.Seal(key, plain, []byte(publicID))
	if err != nil {
		return err
	}
	var blob any
	if p.image != nil {
		sealedImg, err := vault.Seal(key, p.image, []byte(publicID+"/image"))
		if err != nil {
			return err
		}
		h, _, err := s.blobs.Put(bytes.NewReader(sealedImg))
		if err != nil {
			return err
		}
		*blobs = append(*blobs, h)
		blob = h
	}
	// A curated datanet's record waits, sealed, for a curator: its
	// acceptance (and its ledger event) come with the decision.
	status, eventID := "accepted", p.eventID
	if d.Curated {
		status = "pending"
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO contributions (public_id, datanet_id, member_id, status, dna, key_id, content, blob, media_type, size, redactions, event_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		publicID, d.ID, memberID, status, p.fp.DNA.String(), keyID, sealed, blob, p.media, p.size, string(redactions), eventID, now).Scan(&p.rowID)
	if store.IsUniqueViolation(err) {
		return problem.New(problem.Conflict, "an identical record was accepted a moment ago; nothing was stored, try again")
	}
	if err != nil || !d.Curated {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO curations (contribution_id, datanet_id, state, created_at, changed_at) VALUES ($1, $2, 'pending', $3, $3)`, p.rowID, d.ID, now)
	return err
}

// newContributionID draws a public id for a contribution: random, so it
// reveals neither order nor count.
func newContributionID() string { return "c-" + strings.ToLower(rand.Text()[:16]) }

// fingerprint computes a record's DNA and near-duplicate signature: the
// text, the question-and-answer pair, or the (cleaned) image.
func fingerprint(ctx context.Context, d Datanet, r Record, img []byte) (dedup.Fingerprint, error) {
	switch d.RecordKind {
	case KindText:
		return dedup.FingerprintText(r.Text), nil
	case KindQA:
		return dedup.FingerprintRecord([]dedup.Field{{Name: "question", Value: r.Question}, {Name: "answer", Value: r.Answer}}), nil
	case KindImage:
		return dedup.FingerprintImage(ctx, img)
	case KindRecording:
		return dedup.FingerprintText(string(r.Recording)), nil
	}
	return dedup.Fingerprint{}, fmt.Errorf("no fingerprint for %s records", d.RecordKind)
}

// Problem turns the outcomes of a refused batch into one Invalid problem
// with a field per record, such as "records[4711].text": "must be a
// string", so that the API and the contribute form name every record
// that stopped the batch.
func (r Result) Problem() *problem.Error {
	fields := map[string]string{}
	for _, o := range r.Outcomes {
		key := fmt.Sprintf("records[%d]", o.Index)
		switch {
		case o.Error != nil:
			if o.Error.Field != "" {
				key += "." + o.Error.Field
			}
			msg := o.Error.Message
			if o.Line > 0 {
				msg = fmt.Sprintf("line %d: %s", o.Line, msg)
			}
			fields[key] = msg
		case o.Status == "duplicate":
			what := "near duplicate"
			if o.Duplicate.Exact {
				what = "exact duplicate"
			}
			if o.Duplicate.InBatch {
				fields[key] = what + " of another record in this submission"
			} else {
				fields[key] = fmt.Sprintf("%s (similarity %.2f) of a record already in the datanet", what, o.Duplicate.Similarity)
			}
		}
	}
	return &problem.Error{Kind: problem.Invalid, Message: ErrBatchRejected.Message, Fields: fields}
}
