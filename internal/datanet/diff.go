package datanet

import (
	"context"
	"fmt"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// VersionDiff is what a version changed against the one before it (for
// version 1, against nothing): the records it added; those of the
// previous version whose mark changed (a gold record now, or no longer);
// those it lost because they were erased; and those it left out though
// they still exist (their contributor paused consent). Records are named
// by their public ids, never their content.
type VersionDiff struct {
	Datanet string   `json:"datanet"`
	From    int      `json:"from"` // 0: there was no version before
	To      int      `json:"to"`
	Added   DiffPart `json:"added"`
	Changed DiffPart `json:"changed"`
	Erased  DiffPart `json:"erased"`
	Left    DiffPart `json:"left_out"`
}

// DiffPart is one part of a diff: how many records, and the first
// MaxDiffRecords of them in the order they were contributed.
type DiffPart struct {
	Count   int          `json:"count"`
	Records []DiffRecord `json:"records"`
}

// DiffRecord is a record in a diff, with whether it is a gold record in
// the newer version.
type DiffRecord struct {
	ID   string `json:"id"`
	Gold bool   `json:"gold,omitempty"`
}

// MaxDiffRecords is how many records each part of a diff lists.
const MaxDiffRecords = 200

// MaySeeVersions says whether actor may see d's version diffs: who makes
// versions (MayExport) and its curators.
func (s *Service) MaySeeVersions(ctx context.Context, actor member.Member, d Datanet) (bool, error) {
	if MayExport(actor) {
		return true, nil
	}
	return s.MayCurate(ctx, actor, d)
}

// Diff compares version number of a datanet with the version before it,
// for actor (see MaySeeVersions).
func (s *Service) Diff(ctx context.Context, actor member.Member, slug string, number int) (VersionDiff, error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return VersionDiff{}, err
	}
	if ok, err := s.MaySeeVersions(ctx, actor, d); err != nil {
		return VersionDiff{}, err
	} else if !ok {
		return VersionDiff{}, problem.New(problem.Forbidden, "requesters, stewards and the datanet's curators see what its versions changed")
	}
	to, err := s.VersionOf(ctx, slug, number)
	if err != nil {
		return VersionDiff{}, err
	}
	out := VersionDiff{Datanet: slug, To: number}
	var fromID int64 // 0 names no version: every record is added
	if number > 1 {
		from, err := s.VersionOf(ctx, slug, number-1)
		if err != nil {
			return VersionDiff{}, err
		}
		out.From, fromID = from.Number, from.ID
	}
	const in = `EXISTS (SELECT 1 FROM datanet_version_records o WHERE o.version_id = $2 AND o.contribution_id = vr.contribution_id)`
	parts := []struct {
		part    *DiffPart
		version int64 // whose records are listed
		where   string
	}{
		{&out.Added, to.ID, `NOT ` + in},
		{&out.Changed, to.ID, `EXISTS (SELECT 1 FROM datanet_version_records o WHERE o.version_id = $2 AND o.contribution_id = vr.contribution_id AND o.gold <> vr.gold)`},
		{&out.Erased, fromID, `NOT ` + in + ` AND c.status = 'erased'`},
		{&out.Left, fromID, `NOT ` + in + ` AND c.status <> 'erased'`},
	}
	for _, p := range parts {
		other := fromID
		if p.version == fromID {
			other = to.ID
		}
		if p.version == 0 {
			p.part.Records = []DiffRecord{}
			continue
		}
		from := ` FROM datanet_version_records vr JOIN contributions c ON c.id = vr.contribution_id WHERE vr.version_id = $1 AND ` + p.where
		if err := s.db.Read().QueryRowContext(ctx, `SELECT count(*)`+from, p.version, other).Scan(&p.part.Count); err != nil {
			return VersionDiff{}, fmt.Errorf("version diff: %w", err)
		}
		rows, err := s.db.Read().QueryContext(ctx, `SELECT c.public_id, vr.gold`+from+` ORDER BY c.id LIMIT $3`, p.version, other, MaxDiffRecords)
		if err != nil {
			return VersionDiff{}, fmt.Errorf("version diff: %w", err)
		}
		p.part.Records = []DiffRecord{}
		for rows.Next() {
			var r DiffRecord
			var gold int64
			if err := rows.Scan(&r.ID, &gold); err != nil {
				rows.Close()
				return VersionDiff{}, err
			}
			r.Gold = gold != 0
			p.part.Records = append(p.part.Records, r)
		}
		if err := rows.Close(); err != nil {
			return VersionDiff{}, err
		}
	}
	return out, nil
}
