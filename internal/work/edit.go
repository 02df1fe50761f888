package work

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/picture"
	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// MaxExamples bounds a project's example images.
const MaxExamples = 6

// Changes are what a project's manager may change once it exists; a nil
// field stays as it is. Instructions can be clarified at any time, with
// example images; labels only until a worker has taken a task, since
// answers given to one label set cannot be read against another; pay only
// upwards, since workers accepted tasks at the pay they were shown.
type Changes struct {
	Instructions *string
	Labels       []string
	PayPerTask   *int64
	// AddExamples are images to add to the instructions; RemoveExamples
	// the ids of examples to remove.
	AddExamples    [][]byte
	RemoveExamples []int64
}

// Started says whether any worker has taken a task of the project.
func (s *Service) Started(ctx context.Context, projectID int64) (bool, error) {
	var started bool
	err := s.db.Read().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM assignments WHERE project_id = $1)`, projectID).Scan(&started)
	if err != nil {
		return false, fmt.Errorf("project started: %w", err)
	}
	return started, nil
}

// Edit changes the project slug for a member who manages it (its
// requester, stewards; to anyone else it does not exist). Every problem
// is reported at once, by field, and nothing is changed unless all of the
// changes can be made.
func (s *Service) Edit(ctx context.Context, actor member.Member, slug string, c Changes) (Project, error) {
	p, err := s.Project(ctx, actor, slug)
	if err != nil {
		return Project{}, err
	}
	if p.Status == "closed" {
		return Project{}, problem.New(problem.Conflict, "the project is closed")
	}
	f := problem.Fields{}
	if c.Instructions != nil {
		in := strings.TrimSpace(*c.Instructions)
		switch {
		case in == "":
			f.Add("instructions", "is required: workers see it before they accept a task")
		case utf8.RuneCountInString(in) > 10000:
			f.Add("instructions", "at most %d characters", 10000)
		default:
			f.Text("instructions", in)
		}
		c.Instructions = &in
	}
	labelsChange := c.Labels != nil && !slices.Equal(c.Labels, p.Labels)
	if labelsChange {
		s.checkLabels(ctx, p, c.Labels, f)
	}
	if c.PayPerTask != nil {
		switch pay := *c.PayPerTask; {
		case pay < p.PayPerTask:
			f.Add("pay_per_task", "pay can only go up: workers were shown %s a task", cmp.Or(s.currency, points.DefaultCurrency).Format(p.PayPerTask))
		default:
			f.Merge(points.Check("pay_per_task", pay, 1, points.MaxPrice))
		}
	}
	type example struct {
		data          []byte
		media         string
		width, height int
	}
	var adds []example
	for i, img := range c.AddExamples {
		cfg, format, err := picture.Check(img)
		if err != nil {
			f.Add("examples", "image %d: %s", i+1, imageProblem(err))
			continue
		}
		adds = append(adds, example{img, "image/" + format, cfg.Width, cfg.Height})
	}
	if err := f.Err(); err != nil {
		return Project{}, err
	}
	hashes := make([]string, len(adds))
	for i, a := range adds {
		if hashes[i], _, err = s.blobs.Put(bytes.NewReader(a.data)); err != nil {
			return Project{}, fmt.Errorf("store an example image: %w", err)
		}
	}
	var removed []string // the blobs of the examples removed
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		removed = removed[:0]
		if c.Instructions != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE projects SET instructions = $2 WHERE id = $1`, p.ID, *c.Instructions); err != nil {
				return err
			}
		}
		if labelsChange {
			labels, _ := json.Marshal(c.Labels)
			// Decided in the statement, so that a task taken meanwhile
			// is not answered against labels that change under it.
			res, err := tx.ExecContext(ctx, `UPDATE projects SET labels = $2 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM assignments WHERE project_id = $1)`, p.ID, string(labels))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return labelsFixed()
			}
		}
		if c.PayPerTask != nil && *c.PayPerTask != p.PayPerTask {
			res, err := tx.ExecContext(ctx, `UPDATE projects SET pay_per_task = $2 WHERE id = $1 AND pay_per_task <= $2`, p.ID, *c.PayPerTask)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return &problem.Error{Kind: problem.Conflict, Message: "the pay was raised meanwhile", Fields: map[string]string{"pay_per_task": "pay can only go up; reload the page"}}
			}
			// The tasks already taken are paid at the new pay: the escrow
			// must hold it for each of them.
			raised := p
			raised.PayPerTask = *c.PayPerTask
			if ok, err := s.escrowCovers(ctx, tx, raised, 0); err != nil {
				return err
			} else if !ok {
				return &problem.Error{Kind: problem.Conflict, Message: "the escrow does not cover the tasks already taken at this pay", Fields: map[string]string{"pay_per_task": "the escrow does not hold this pay for every task already taken: add budget first, or raise it less"}}
			}
		}
		for _, id := range c.RemoveExamples {
			var blob string
			err := tx.QueryRowContext(ctx, `DELETE FROM project_examples WHERE id = $1 AND project_id = $2 RETURNING blob`, id, p.ID).Scan(&blob)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			removed = append(removed, blob)
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM project_examples WHERE project_id = $1`, p.ID).Scan(&count); err != nil {
			return err
		}
		if count+len(adds) > MaxExamples {
			return &problem.Error{Kind: problem.Invalid, Message: "too many example images",
				Fields: map[string]string{"examples": fmt.Sprintf("at most %d example images; the project has %d", MaxExamples, count)}}
		}
		now := store.Now()
		for i, a := range adds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO project_examples (project_id, blob, media_type, width, height, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				p.ID, hashes[i], a.media, a.width, a.height, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if _, ok := problem.As(err); ok {
			return Project{}, err
		}
		return Project{}, fmt.Errorf("edit project %s: %w", slug, err)
	}
	// An example removed leaves no copy of its image behind, unless an
	// item or another example is the same image; one added at this moment
	// by another edit is kept (keepBlob, and ensureBlobs on its side).
	for _, blob := range removed {
		if err := s.dropBlob(ctx, blob); err != nil {
			return Project{}, fmt.Errorf("edit project %s: delete a removed example's image: %w", slug, err)
		}
	}
	for i, a := range adds {
		if err := s.ensureBlob(hashes[i], a.data); err != nil {
			return Project{}, fmt.Errorf("edit project %s: %w", slug, err)
		}
	}
	return s.BySlug(ctx, slug)
}

// blobUsed says whether an item or an example is the image with this
// hash: blobs are stored once by content, so two rows may share one.
func (s *Service) blobUsed(ctx context.Context, blob string) (bool, error) {
	var used bool
	err := s.db.Read().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM items WHERE blob = $1) OR EXISTS (SELECT 1 FROM project_examples WHERE blob = $1)`, blob).Scan(&used)
	return used, err
}

// dropBlob deletes an image no row names any more. A row that names it
// again meanwhile — the same image added as an example or an item at this
// very moment — gets it back: it is read before the delete and put back
// if the check after the delete finds the row.
func (s *Service) dropBlob(ctx context.Context, blob string) error {
	if used, err := s.blobUsed(ctx, blob); err != nil || used {
		return err
	}
	f, err := s.blobs.Open(blob)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return err
	}
	if err := s.blobs.Delete(blob); err != nil {
		return err
	}
	if used, err := s.blobUsed(ctx, blob); err != nil || !used {
		return err
	}
	return s.ensureBlob(blob, data)
}

// ensureBlob puts an image back that a concurrent removal of the same
// image deleted between its Put and the commit of the row naming it.
func (s *Service) ensureBlob(blob string, data []byte) error {
	f, err := s.blobs.Open(blob)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if _, _, err := s.blobs.Put(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("store an example image again: %w", err)
	}
	return nil
}

func labelsFixed() error {
	return &problem.Error{Kind: problem.Conflict, Message: "work has started: the labels are fixed",
		Fields: map[string]string{"labels": "workers have taken tasks with these labels; answers given to one label set cannot be read against another"}}
}

// checkLabels adds to f what is wrong with a project's new labels: the
// rules of a new project's labels, work that has started, and labels
// taken away that an item's pre-annotation or check answer uses.
func (s *Service) checkLabels(ctx context.Context, p Project, labels []string, f problem.Fields) {
	if p.TaskType == Pairwise {
		f.Add("labels", "a pairwise project has no labels")
		return
	}
	if len(labels) == 0 {
		f.Add("labels", "at least one label")
	}
	seen := map[string]bool{}
	for _, l := range labels {
		if strings.TrimSpace(l) == "" || utf8.RuneCountInString(l) > 60 {
			f.Add("labels", "labels are 1 to 60 characters")
		} else if seen[l] {
			f.Add("labels", "%q is there twice", l)
		}
		seen[l] = true
		f.Line("labels", l)
	}
	started, err := s.Started(ctx, p.ID)
	if err != nil || started {
		f.Add("labels", "workers have taken tasks with these labels; answers given to one label set cannot be read against another")
		return
	}
	used, err := s.itemLabels(ctx, p.ID)
	if err != nil {
		f.Add("labels", "cannot read the items' labels: %v", err)
		return
	}
	var gone []string
	for _, l := range slices.Sorted(func(yield func(string) bool) {
		for l := range used {
			if !yield(l) {
				return
			}
		}
	}) {
		if !seen[l] {
			gone = append(gone, fmt.Sprintf("%q", l))
		}
	}
	if len(gone) > 0 {
		f.Add("labels", "the items' pre-annotations or check answers use %s; keep them", strings.Join(gone, ", "))
	}
}

// itemLabels are the labels a project's items' pre-annotations and check
// answers use.
func (s *Service) itemLabels(ctx context.Context, projectID int64) (map[string]bool, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT COALESCE(pre, ''), COALESCE(gold, '') FROM items WHERE project_id = $1 AND (pre IS NOT NULL OR gold IS NOT NULL)`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	used := map[string]bool{}
	for rows.Next() {
		var pre, gold string
		if err := rows.Scan(&pre, &gold); err != nil {
			return nil, err
		}
		for _, raw := range []string{pre, gold} {
			var a annotation.Answer
			if raw == "" || json.Unmarshal([]byte(raw), &a) != nil {
				continue
			}
			for _, b := range a.Boxes {
				used[b.Label] = true
			}
			for _, pg := range a.Polygons {
				used[pg.Label] = true
			}
			if a.Label != "" {
				used[a.Label] = true
			}
		}
	}
	return used, rows.Err()
}

// examples lists a project's example images by id, oldest first.
func (s *Service) examples(ctx context.Context, q store.Querier, projectID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM project_examples WHERE project_id = $1 ORDER BY id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("project examples: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ExampleImage opens one of a project's example images for viewer: the
// project's managers see a draft's, every member an approved project's,
// since its instructions are shown to every worker before they accept.
// To anyone else it does not exist.
func (s *Service) ExampleImage(ctx context.Context, viewer member.Member, slug string, id int64) (io.ReadSeekCloser, string, error) {
	p, err := s.BySlug(ctx, slug)
	if err != nil {
		return nil, "", err
	}
	if p.Status != "approved" && !manages(viewer, p) {
		return nil, "", problem.New(problem.NotFound, "no such image")
	}
	var blob, media string
	err = s.db.Read().QueryRowContext(ctx, `SELECT blob, media_type FROM project_examples WHERE id = $1 AND project_id = $2`, id, p.ID).Scan(&blob, &media)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", problem.New(problem.NotFound, "no such image")
	}
	if err != nil {
		return nil, "", fmt.Errorf("example image: %w", err)
	}
	f, err := s.blobs.Open(blob)
	if err != nil {
		return nil, "", fmt.Errorf("example image: %w", err)
	}
	return f, media, nil
}
