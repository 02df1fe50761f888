package model

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/classify"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/work"
)

// Versions trained on an annotation project's inferred labels.
//
// Instead of datanets a version may be trained on a text-classification
// project's decided items (work.DecidedItems: enough answers, more than
// half agreeing with the label truth inference gives), asked for by
// someone who manages the project — its requester or a steward, as
// internal/work decides — and who may train the model. Each item is a
// training record named "item-<id>"; what the card commits to is the
// Merkle root over the items' hashes (itemHash: SHA-256 over the item's
// text and the label it was trained with), in the order of those names,
// and model_version_items keeps each item's id, label and hash.
//
// Payment by influence: an item's share of a call is split equally among
// the workers whose accepted answer to it (submitted or paid; not
// rejected, held or appealed) gave the label the version was trained
// with — they made the label the model learned. Their weights enter the
// one reward.split of the call as the item's weight divided by their
// number, so the split stays integer-exact (reward.Postings' largest
// remainders: workers of one item differ by at most a point). An item
// with no such worker left is neither paid nor named.
//
// Erasure: a requester's erasure of an item (work.EraseItem) reaches the
// loaded adapters at once (a kNN version drops it from its neighbours; no
// version names or pays it, since every split re-reads the items in its
// transaction), other servers' adapters within the sweep, and linear
// versions' weights through the same hourly retraining as erased records
// (retrain.go). A worker's answer that is rejected afterwards stops
// paying that worker at once, for the same reason. A worker who erases
// their answers (work.EraseAnswers) is never paid for them again from
// that moment, and every version trained before on an item they answered
// is retrained by the same chore; the item itself stays in the loaded
// versions — its text is the requester's, and its label may rest on
// other workers' answers — but once no accepted answer agreeing with its
// label is left it is neither paid nor named.

const itemPrefix = "item-"

// itemRecordID is the training record name of a project's item.
func itemRecordID(id int64) string { return itemPrefix + strconv.FormatInt(id, 10) }

// itemOfRecord reads an item's id back from its record name.
func itemOfRecord(rec string) (int64, bool) {
	s, ok := strings.CutPrefix(rec, itemPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0 && strconv.FormatInt(id, 10) == s
}

// itemHash is an item's leaf in a version's commitment: the hex SHA-256
// of "allmende-item\x00", the label and the text, NUL-separated. Anyone
// handed an item's text and label recomputes it; the hash names no
// worker.
func itemHash(text, label string) string {
	h := sha256.New()
	h.Write([]byte("allmende-item\x00"))
	h.Write([]byte(label))
	h.Write([]byte{0})
	h.Write([]byte(text))
	return hex.EncodeToString(h.Sum(nil))
}

// UseProjects lets versions be trained on annotation projects' inferred
// labels, and makes erased items reach the loaded adapters at once. Call
// it before the service is used.
func (s *Service) UseProjects(w *work.Service) {
	s.projects = w
	w.OnItemsErased(s.forgetItems)
}

// projectTrainingSet reads the decided items of a version's project.
func (s *Service) projectTrainingSet(ctx context.Context, v Version) ([]trainingRecord, error) {
	if s.projects == nil {
		return nil, fmt.Errorf("model versions: no projects (UseProjects)")
	}
	p, err := s.projects.BySlug(ctx, v.Project)
	if err != nil {
		return nil, &badTraining{msg: fmt.Sprintf("the project %s is gone", v.Project)}
	}
	items, err := s.projects.DecidedItems(ctx, p)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, &badTraining{msg: fmt.Sprintf("no item of %s has a decided label", v.Project)}
	}
	recs := make([]trainingRecord, len(items))
	for i, it := range items {
		text := strings.TrimSpace(it.Text)
		recs[i] = trainingRecord{rowID: it.ID, dna: itemHash(text, it.Label), ex: classify.Example{ID: itemRecordID(it.ID), Text: text, Label: it.Label}}
	}
	slices.SortFunc(recs, func(a, b trainingRecord) int { return strings.Compare(a.ex.ID, b.ex.ID) })
	return recs, nil
}

// itemPayees finds, inside the call's transaction, the workers to pay for
// each attributed item of a version trained on a project: those whose
// accepted answer gave the label the version learned. Items erased, or
// with no such worker, are left out.
func itemPayees(ctx context.Context, tx *store.Tx, versionID int64, recs []AttrRecord) (map[string][]work.Worker, error) {
	out := map[string][]work.Worker{}
	if versionID == 0 {
		return out, nil
	}
	var ids []int64
	for _, r := range recs {
		if id, ok := itemOfRecord(r.ID); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{versionID}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	rows, err := tx.QueryContext(ctx, `SELECT item_id, label FROM model_version_items WHERE version_id = $1 AND item_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("item payees: %w", err)
	}
	labels := map[int64]string{}
	for rows.Next() {
		var id int64
		var label string
		if err := rows.Scan(&id, &label); err != nil {
			rows.Close()
			return nil, err
		}
		labels[id] = label
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	agreeing, err := work.Agreeing(ctx, tx, labels)
	if err != nil {
		return nil, err
	}
	for id, ws := range agreeing {
		if len(ws) > 0 {
			out[itemRecordID(id)] = ws
		}
	}
	return out, nil
}

// forgetItems drops erased items from the loaded adapters (work's
// erasure hook).
func (s *Service) forgetItems(ids []int64) {
	recs := make([]string, len(ids))
	for i, id := range ids {
		recs[i] = itemRecordID(id)
	}
	s.forgetInAdapters(recs)
}

// checkProject refuses, before anything is queued, a project the actor
// may not train on (work decides: its requester or a steward) or whose
// decided labels cannot train a classifier: none, a single label, or a
// label with a single item.
func (s *Service) checkProject(ctx context.Context, actor member.Member, slug string) error {
	if s.projects == nil {
		return problem.New(problem.Unavailable, "this server does not train on projects")
	}
	_, items, err := s.projects.TrainingItems(ctx, actor, slug)
	if err != nil {
		return err
	}
	count := map[string]int{}
	for _, it := range items {
		count[it.Label]++
	}
	bad := func(format string, a ...any) error {
		return &problem.Error{Kind: problem.Invalid, Message: "the project's labels cannot train a classifier",
			Fields: map[string]string{"project": fmt.Sprintf(format, a...)}}
	}
	if len(count) == 1 {
		return bad("every decided item of %s has the label %q: a classifier needs at least two labels", slug, items[0].Label)
	}
	if len(count) > classify.MaxClasses {
		return bad("%d labels, more than %d", len(count), classify.MaxClasses)
	}
	labels := slices.Sorted(maps.Keys(count))
	for _, l := range labels {
		if count[l] < 2 {
			return bad("only one decided item of %s has the label %q; a label needs at least two", slug, l)
		}
	}
	return nil
}
