package bounty

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// minAgreeing is how many answers an item needs before its consensus can
// confirm one of them: the task's and two others.
const minAgreeing = 3

// agreeAt is the least share of a worker's shapes the consensus must keep
// for their answer to agree (annotation.Consensus.Agreement).
const agreeAt = 0.5

// agrees checks that an accepted task's answer agrees with what the work
// package can tell about its item: its gold answer when it has one (the
// same label or choice), else the consensus of the item's answers that
// count for results (submitted, paid or under review, not erased) — the
// majority label or choice, strictly more than half of them, or for boxes
// and polygons the shapes the consensus keeps (annotation.BoxConsensus,
// annotation.PolygonConsensus). Too few answers is a conflict that says so:
// the task may count later.
func agrees(ctx context.Context, q store.Querier, assignmentID int64) error {
	var itemID int64
	var worker, raw string
	var gold sql.NullString
	err := q.QueryRowContext(ctx, `SELECT a.item_id, m.public_id, COALESCE(a.answer, ''), i.gold FROM assignments a
		JOIN members m ON m.id = a.worker_id JOIN items i ON i.id = a.item_id WHERE a.id = $1`, assignmentID).Scan(&itemID, &worker, &raw, &gold)
	if errors.Is(err, sql.ErrNoRows) {
		return problem.New(problem.NotFound, "no such task")
	}
	if err != nil {
		return fmt.Errorf("bounty: task %d: %w", assignmentID, err)
	}
	var mine annotation.Answer
	if err := json.Unmarshal([]byte(raw), &mine); err != nil {
		return problem.New(problem.Conflict, "the task's answer was erased: there is nothing to agree with")
	}
	if gold.Valid {
		var g annotation.Answer
		if err := json.Unmarshal([]byte(gold.String), &g); err == nil && (g.Label != "" || g.Choice != "") {
			if mine.Label != g.Label || mine.Choice != g.Choice {
				return problem.New(problem.Conflict, "the task's answer differs from the item's known answer")
			}
			return nil
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT m.public_id, a.answer FROM assignments a JOIN members m ON m.id = a.worker_id
		WHERE a.item_id = $1 AND a.kind = 'task' AND a.status IN ('submitted', 'paid', 'review', 'appealed') AND a.erased_at IS NULL AND a.answer IS NOT NULL ORDER BY a.id`, itemID)
	if err != nil {
		return fmt.Errorf("bounty: answers of item %d: %w", itemID, err)
	}
	var boxes []annotation.WorkerBoxes
	var polygons []annotation.WorkerPolygons
	votes := map[string]int{}
	n := 0
	for rows.Next() {
		var who, s string
		if err := rows.Scan(&who, &s); err != nil {
			rows.Close()
			return fmt.Errorf("bounty: answers of item %d: %w", itemID, err)
		}
		var a annotation.Answer
		if json.Unmarshal([]byte(s), &a) != nil {
			continue
		}
		n++
		boxes = append(boxes, annotation.WorkerBoxes{Worker: who, Boxes: a.Boxes})
		polygons = append(polygons, annotation.WorkerPolygons{Worker: who, Polygons: a.Polygons})
		votes[a.Label+"\x00"+a.Choice]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("bounty: answers of item %d: %w", itemID, err)
	}
	if n < minAgreeing {
		return problem.New(problem.Conflict, "the task's item has %d answers; agreement needs at least %d, so the task may count later", n, minAgreeing)
	}
	switch {
	case len(mine.Boxes) > 0:
		if annotation.BoxConsensus(boxes).Agreement[worker] < agreeAt {
			return problem.New(problem.Conflict, "the task's boxes do not agree with most of the item's answers")
		}
	case len(mine.Polygons) > 0:
		if annotation.PolygonConsensus(polygons).Agreement[worker] < agreeAt {
			return problem.New(problem.Conflict, "the task's outlines do not agree with most of the item's answers")
		}
	default:
		if 2*votes[mine.Label+"\x00"+mine.Choice] <= n {
			return problem.New(problem.Conflict, "the task's answer is not the one most of the item's %d answers give", n)
		}
	}
	return nil
}
