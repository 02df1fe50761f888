package work

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// A text-classification project's inferred labels are a training set for
// a model version (internal/model): each decided item's text with the
// label its workers' answers add up to. What a model needs from here:
//
//   - which items are decided, and their texts (TrainingItems for a
//     request, decided for the job that trains);
//   - whom to pay for an item's influence on an answer (Agreeing): the
//     workers whose accepted answer gave the label the model was trained
//     on, equally;
//   - to hear when an item is erased (EraseItem, OnItemsErased), and to
//     stop paying a worker who erased their answers (EraseAnswers).

// TrainingItem is a decided item: its text and its inferred label.
type TrainingItem struct {
	ID    int64
	Text  string
	Label string
}

// decidedAgreement is the share of an item's counted answers that must
// agree with its inferred label for it to be decided: more than half. With
// at least the project's redundancy of answers, this keeps items the
// workers split over, or where Dawid–Skene overruled the majority, out of
// a training set.
const decidedAgreement = 0.5

// TrainingItems returns a text-classification project's decided items to
// a member who may manage it (its requester or a steward): training a
// model on a project's labels is the requester's use of the work they
// paid for. To anyone else the project does not exist. A project of
// another task type, or one with no decided item, is refused naming the
// project field.
func (s *Service) TrainingItems(ctx context.Context, actor member.Member, slug string) (Project, []TrainingItem, error) {
	p, err := s.Project(ctx, actor, slug)
	if problem.Is(err, problem.NotFound) {
		return Project{}, nil, &problem.Error{Kind: problem.Invalid, Message: "no such project of yours",
			Fields: map[string]string{"project": fmt.Sprintf("%q is not a project you manage", slug)}}
	}
	if err != nil {
		return Project{}, nil, err
	}
	if p.TaskType != TextClassification {
		return Project{}, nil, &problem.Error{Kind: problem.Invalid, Message: "not a text-classification project",
			Fields: map[string]string{"project": fmt.Sprintf("%s is a %s project; only text classification has labels of texts to train on", slug, p.TaskType)}}
	}
	items, err := s.DecidedItems(ctx, p)
	if err != nil {
		return Project{}, nil, err
	}
	if len(items) == 0 {
		return Project{}, nil, &problem.Error{Kind: problem.Invalid, Message: "no decided labels yet",
			Fields: map[string]string{"project": fmt.Sprintf("no item of %s has a decided label yet (%d answers each, more than half agreeing)", slug, p.Redundancy)}}
	}
	return p, items, nil
}

// DecidedItems are the project's items, not erased, whose label is
// decided: at least the project's redundancy of counted answers (Results:
// rejected ones do not count) of which more than half agree with the
// inferred label. In item order. It acts for nobody: the training job
// reads what its requester was allowed to ask for.
func (s *Service) DecidedItems(ctx context.Context, p Project) ([]TrainingItem, error) {
	if p.TaskType != TextClassification {
		return nil, nil
	}
	res, err := s.Results(ctx, p)
	if err != nil {
		return nil, err
	}
	labels := map[int64]string{}
	for _, it := range res.Items {
		if it.Label != "" && it.Answers >= max(1, p.Redundancy) && it.Agreement > decidedAgreement {
			labels[it.Item] = it.Label
		}
	}
	if len(labels) == 0 {
		return nil, nil
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, text FROM items WHERE project_id = $1 AND erased_at IS NULL AND text <> '' AND gold IS NULL ORDER BY id`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("decided items: %w", err)
	}
	defer rows.Close()
	var out []TrainingItem
	for rows.Next() {
		var it TrainingItem
		if err := rows.Scan(&it.ID, &it.Text); err != nil {
			return nil, err
		}
		if l, ok := labels[it.ID]; ok {
			it.Label = l
			out = append(out, it)
		}
	}
	return out, rows.Err()
}

// Agreeing returns, for each item asked with the label a model was
// trained on, the workers (member row id and public id) whose accepted
// answer to it gave that label, in worker order: they are paid, equally,
// for the item's influence on an answer. An accepted answer is a task
// answer that is submitted or paid — not rejected, and not held or
// appealed while that is being decided, nor erased by its worker. An
// erased item has none. q is
// the caller's transaction, so the payment reads what it commits with.
func Agreeing(ctx context.Context, q store.Querier, labels map[int64]string) (map[int64][]Worker, error) {
	out := map[int64][]Worker{}
	if len(labels) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(labels))
	marks := make([]string, 0, len(labels))
	for id := range labels {
		args = append(args, id)
		marks = append(marks, "$"+strconv.Itoa(len(args)))
	}
	rows, err := q.QueryContext(ctx, `SELECT a.item_id, m.id, m.public_id, a.answer FROM assignments a
		JOIN items i ON i.id = a.item_id JOIN members m ON m.id = a.worker_id
		WHERE a.item_id IN (`+strings.Join(marks, ", ")+`) AND i.erased_at IS NULL AND a.erased_at IS NULL AND a.kind = 'task' AND a.status IN ('submitted', 'paid')
		ORDER BY a.item_id, m.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("agreeing workers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var item int64
		var w Worker
		var raw string
		if err := rows.Scan(&item, &w.ID, &w.PublicID, &raw); err != nil {
			return nil, err
		}
		var a struct {
			Label string `json:"label"`
		}
		if json.Unmarshal([]byte(raw), &a) == nil && a.Label == labels[item] {
			out[item] = append(out[item], w)
		}
	}
	return out, rows.Err()
}

// Worker is a member who answered an item.
type Worker struct {
	ID       int64
	PublicID string
}

// OnItemsErased registers fn to be told, before EraseItem returns, which
// items were erased: a model's loaded adapters drop them at once. Call it
// before the service is used.
func (s *Service) OnItemsErased(fn func(ids []int64)) {
	s.hooks.Lock()
	s.hooks.fns = append(s.hooks.fns, fn)
	s.hooks.Unlock()
}

// EraseItem erases an item of a project its requester (or a steward)
// manages: its texts are deleted and it is never assigned, trained on,
// paid for or named by a model again. The workers' answers to it stay
// with the project (they were paid for), but name nothing.
func (s *Service) EraseItem(ctx context.Context, actor member.Member, slug string, itemID int64) error {
	p, err := s.Project(ctx, actor, slug)
	if err != nil {
		return err
	}
	var n int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE items SET text = '', text_b = '', erased_at = $3 WHERE id = $1 AND project_id = $2 AND erased_at IS NULL`,
			itemID, p.ID, store.Now())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("erase item: %w", err)
	}
	if n == 0 {
		var exists int
		if err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM items WHERE id = $1 AND project_id = $2`, itemID, p.ID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return problem.New(problem.NotFound, "no such item in %s", slug)
		}
	}
	s.hooks.Lock()
	fns := slices.Clone(s.hooks.fns)
	s.hooks.Unlock()
	for _, fn := range fns {
		fn([]int64{itemID})
	}
	return s.db.Purge(ctx)
}

// EraseAnswers erases the member's own answers to projects' tasks: their
// content is deleted, they no longer count towards any item's inferred
// label (Results), and no model pays the member for them again (Agreeing;
// every model call's split reads them in its transaction). The work was
// done and stays paid; a version trained before keeps what it learned
// until the hourly retraining replaces it (internal/model, retrain.go). It
// reports how many answers it erased.
func (s *Service) EraseAnswers(ctx context.Context, memberID int64) (int, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE assignments SET answer = '{}', erased_at = $2 WHERE worker_id = $1 AND erased_at IS NULL AND answer IS NOT NULL`,
			memberID, store.Now())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("erase answers: %w", err)
	}
	return int(n), s.db.Purge(ctx)
}
