package datanet

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/allmende/allmende/internal/dedup"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Version is a datanet version: the datanet's accepted records whose
// contributors' consent stood at one moment, named by a commitment, so
// that a model trained on them outside the cooperative (Axolotl,
// LLaMA-Factory, …) can say exactly which data it learnt from, and its
// calls can pay exactly those records' contributors.
type Version struct {
	ID      int64  `json:"-"`
	Datanet string `json:"datanet"`
	Number  int    `json:"number"`
	// Commitment is the RFC 6962 Merkle tree hash, in lowercase hex, over
	// the records' DNAs (32 bytes each, the leaves) in ascending order of
	// the bytes: see [Commitment].
	Commitment string    `json:"commitment"`
	Records    int       `json:"records"`
	CreatedAt  time.Time `json:"created_at"`
	// EventID is the datanet.versioned ledger event that commits to it.
	EventID   string `json:"event_id"`
	datanetID int64
}

// CommitmentScheme names how [Commitment] is computed, for manifests.
const CommitmentScheme = "rfc6962-sha256 over record DNAs (32-byte leaves) in ascending byte order"

// Commitment is the commitment to a set of records: the Merkle tree hash
// of RFC 6962 (the log's own tree, so the same tools check both) over
// their DNAs as leaves, sorted so that the order records were accepted in
// does not matter. The empty set has the hash of the empty string.
func Commitment(dnas []dedup.DNA) string {
	leaves := make([][]byte, len(dnas))
	sorted := slices.Clone(dnas)
	slices.SortFunc(sorted, func(a, b dedup.DNA) int { return bytes.Compare(a[:], b[:]) })
	for i, d := range sorted {
		leaves[i] = rfc6962.DefaultHasher.HashLeaf(d[:])
	}
	return hex.EncodeToString(ledger.TreeHash(leaves))
}

// MayExport says whether a member may make versions of datanets and
// export them for training: the people who build models (requesters and
// stewards), as those who may create datanets. Contributors see their own
// records, not the others'.
func MayExport(actor member.Member) bool { return MayCreate(actor) }

// ConsentedAccepted (the FROM and WHERE of a query) selects a datanet's accepted records ($1) whose
// contributor's latest consent to it is a grant or a resumption: a paused
// or withdrawn member's records go to no new version (withdrawing erases
// them anyway).
const ConsentedAccepted = `
	FROM contributions c
	WHERE c.datanet_id = $1 AND c.status = 'accepted' AND c.member_id IS NOT NULL
	  AND (SELECT k.action FROM consents k WHERE k.member_id = c.member_id AND k.datanet_id = c.datanet_id ORDER BY k.id DESC LIMIT 1) IN ('grant', 'resume')`

// CreateVersion makes a new version of a text or question-and-answer
// datanet from its accepted, consented records as they are now, for actor
// (see MayExport).
func (s *Service) CreateVersion(ctx context.Context, actor member.Member, slug string) (Version, error) {
	if !MayExport(actor) {
		return Version{}, problem.New(problem.Forbidden, "requesters and stewards make datanet versions")
	}
	return s.createVersion(ctx, &actor.ID, slug)
}

// OperatorVersion makes a version for the operator at the command line,
// who holds the data folder and its server key and so can read every
// record anyway: it is recorded as made by nobody.
func (s *Service) OperatorVersion(ctx context.Context, slug string) (Version, error) {
	return s.createVersion(ctx, nil, slug)
}

func (s *Service) createVersion(ctx context.Context, actorID *int64, slug string) (Version, error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return Version{}, err
	}
	if d.RecordKind != KindText && d.RecordKind != KindQA {
		return Version{}, &problem.Error{Kind: problem.Invalid, Message: "only text and question-and-answer datanets export for fine-tuning",
			Fields: map[string]string{"datanet": fmt.Sprintf("%s holds %s records", d.Slug, d.RecordKind)}}
	}
	v := Version{Datanet: d.Slug, datanetID: d.ID, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.dna, COALESCE((SELECT k.gold FROM curations k WHERE k.contribution_id = c.id), 0) `+ConsentedAccepted+` ORDER BY c.id`, d.ID)
		if err != nil {
			return err
		}
		var ids []int64
		var dnas []dedup.DNA
		gold := map[int64]bool{}
		for rows.Next() {
			var id, g int64
			var text string
			if err := rows.Scan(&id, &text, &g); err != nil {
				rows.Close()
				return err
			}
			dna, err := dedup.ParseDNA(text)
			if err != nil {
				rows.Close()
				return fmt.Errorf("contribution %d: %w", id, err)
			}
			ids, dnas = append(ids, id), append(dnas, dna)
			if g != 0 {
				gold[id] = true
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		v.Commitment, v.Records = Commitment(dnas), len(ids)
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(number), 0) + 1 FROM datanet_versions WHERE datanet_id = $1`, d.ID).Scan(&v.Number); err != nil {
			return err
		}
		// The log commits to the version in the same transaction: an
		// export's manifest names a version the log has.
		v.EventID, err = s.ledger.Record(ctx, tx, ledger.Event{Type: ledger.DatanetVersioned, Scope: fmt.Sprintf("datanet:%d", d.ID),
			Content: map[string]any{"version": v.Number, "records": v.Records, "commitment": v.Commitment}})
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO datanet_versions (datanet_id, number, commitment, records, created_by, created_at, event_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			d.ID, v.Number, v.Commitment, v.Records, actorID, v.CreatedAt.UnixMilli(), v.EventID).Scan(&v.ID); err != nil {
			return err
		}
		// In batches: one statement per record would be 100,000 round
		// trips for a large datanet.
		for len(ids) > 0 {
			n := min(len(ids), 300)
			marks := make([]string, n)
			args := []any{v.ID}
			for i, id := range ids[:n] {
				marks[i] = fmt.Sprintf("($1, $%d, $%d)", 2*i+2, 2*i+3)
				args = append(args, id, flag(gold[id]))
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO datanet_version_records (version_id, contribution_id, gold) VALUES `+strings.Join(marks, ", "), args...); err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	})
	if store.IsUniqueViolation(err) {
		return Version{}, problem.New(problem.Conflict, "another version of %s was made at the same moment; try again", d.Slug)
	}
	if err != nil {
		return Version{}, fmt.Errorf("datanet version: %w", err)
	}
	return v, nil
}

// VersionOf returns a version of a datanet by its number.
func (s *Service) VersionOf(ctx context.Context, slug string, number int) (Version, error) {
	v := Version{Datanet: slug, Number: number}
	var at int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT v.id, v.datanet_id, v.commitment, v.records, v.created_at, v.event_id FROM datanet_versions v
		JOIN datanets d ON d.id = v.datanet_id WHERE d.slug = $1 AND v.number = $2`, slug, number).Scan(&v.ID, &v.datanetID, &v.Commitment, &v.Records, &at, &v.EventID)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, problem.New(problem.NotFound, "%s has no version %d", slug, number)
	}
	if err != nil {
		return Version{}, fmt.Errorf("datanet version: %w", err)
	}
	v.CreatedAt = store.Time(at)
	return v, nil
}

// VersionByID returns a version by its row id.
func (s *Service) VersionByID(ctx context.Context, id int64) (Version, error) {
	v := Version{ID: id}
	var at int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT d.slug, v.datanet_id, v.number, v.commitment, v.records, v.created_at, v.event_id FROM datanet_versions v
		JOIN datanets d ON d.id = v.datanet_id WHERE v.id = $1`, id).Scan(&v.Datanet, &v.datanetID, &v.Number, &v.Commitment, &v.Records, &at, &v.EventID)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, problem.New(problem.NotFound, "no such datanet version")
	}
	if err != nil {
		return Version{}, fmt.Errorf("datanet version: %w", err)
	}
	v.CreatedAt = store.Time(at)
	return v, nil
}

// Versions returns a datanet's latest versions, newest first, at most
// limit.
func (s *Service) Versions(ctx context.Context, slug string, limit int) ([]Version, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT v.id, v.datanet_id, v.number, v.commitment, v.records, v.created_at, v.event_id FROM datanet_versions v
		JOIN datanets d ON d.id = v.datanet_id WHERE d.slug = $1 ORDER BY v.number DESC LIMIT $2`, slug, limit)
	if err != nil {
		return nil, fmt.Errorf("datanet versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v := Version{Datanet: slug}
		var at int64
		if err := rows.Scan(&v.ID, &v.datanetID, &v.Number, &v.Commitment, &v.Records, &at, &v.EventID); err != nil {
			return nil, err
		}
		v.CreatedAt = store.Time(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// InVersion returns which of the records (public ids) are in the version:
// a model trained on a version pays those records only.
func (s *Service) InVersion(ctx context.Context, versionID int64, ids []string) (map[string]bool, error) {
	in := map[string]bool{}
	for len(ids) > 0 {
		n := min(len(ids), 400)
		marks := make([]string, n)
		args := []any{versionID}
		for i, id := range ids[:n] {
			marks[i] = fmt.Sprintf("$%d", i+2)
			args = append(args, id)
		}
		rows, err := s.db.Read().QueryContext(ctx, `SELECT c.public_id FROM datanet_version_records vr JOIN contributions c ON c.id = vr.contribution_id
			WHERE vr.version_id = $1 AND c.public_id IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("version records: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			in[id] = true
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return in, nil
}
