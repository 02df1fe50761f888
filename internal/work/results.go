package work

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/truth"
)

// Submission is one answer as the requester sees it: the worker only by
// pseudonym.
type Submission struct {
	Assignment int64           `json:"assignment"`
	Item       int64           `json:"item"`
	ItemName   string          `json:"item_name"`
	Worker     string          `json:"worker"`
	Kind       string          `json:"kind"`
	Status     string          `json:"status"`
	Answer     json.RawMessage `json:"answer"`
	Correct    *bool           `json:"correct,omitempty"`
	ActiveMS   int64           `json:"active_ms"`
	Submitted  time.Time       `json:"submitted_at"`
}

// Submissions lists a project's answers, newest first, up to limit.
func (s *Service) Submissions(ctx context.Context, projectID int64, limit int) ([]Submission, error) {
	return s.submissions(ctx, projectID, math.MaxInt64, limit)
}

// SubmissionsPage lists a page of a project's answers, newest first, and
// the cursor (an assignment id) of the next page, along
// assignments (project_id, id).
func (s *Service) SubmissionsPage(ctx context.Context, projectID int64, page store.Page) ([]Submission, string, error) {
	before, err := page.ID("an assignment id: the next cursor of the previous page")
	if err != nil {
		return nil, "", err
	}
	out, err := s.submissions(ctx, projectID, before, page.Fetch())
	if err != nil {
		return nil, "", err
	}
	out, next := store.Cut(page, out, func(sub Submission) string { return strconv.FormatInt(sub.Assignment, 10) })
	return out, next, nil
}

func (s *Service) submissions(ctx context.Context, projectID, before int64, limit int) ([]Submission, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT a.id, a.item_id, i.name, m.public_id, a.kind, a.status, a.answer, a.correct, a.active_ms, a.submitted_at
		FROM assignments a JOIN items i ON i.id = a.item_id JOIN members m ON m.id = a.worker_id
		WHERE a.project_id = $1 AND a.id < $3 AND a.status NOT IN ('assigned', 'expired') ORDER BY a.id DESC LIMIT $2`, projectID, limit, before)
	if err != nil {
		return nil, fmt.Errorf("submissions: %w", err)
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		var sub Submission
		var answer string
		var correct *bool
		var at int64
		if err := rows.Scan(&sub.Assignment, &sub.Item, &sub.ItemName, &sub.Worker, &sub.Kind, &sub.Status, &answer, &correct, &sub.ActiveMS, &at); err != nil {
			return nil, err
		}
		sub.Answer, sub.Correct, sub.Submitted = json.RawMessage(answer), correct, store.Time(at)
		out = append(out, sub)
	}
	return out, rows.Err()
}

// ItemResult is what the workers' answers to one item add up to.
type ItemResult struct {
	Item       int64   `json:"item"`
	Name       string  `json:"name"`
	Answers    int     `json:"answers"`
	Label      string  `json:"label,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
	// Agreement is the share of answers that agree with the result.
	Agreement float64                       `json:"agreement"`
	Boxes     []annotation.ConsensusBox     `json:"boxes,omitempty"`
	Polygons  []annotation.ConsensusPolygon `json:"polygons,omitempty"`
}

// Results are a project's inferred labels and its workers' reliability.
type Results struct {
	Method      string             `json:"method"`
	Items       []ItemResult       `json:"items"`
	Reliability map[string]float64 `json:"reliability"`
}

// Results infers each item's label from the answers — Dawid–Skene for
// labels and choices (majority vote while there are too few answers to
// estimate confusion matrices), box or polygon consensus for shapes — and
// each worker's reliability. Rejected answers, and answers their workers
// erased (EraseAnswers), do not count.
func (s *Service) Results(ctx context.Context, p Project) (Results, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT a.item_id, i.name, m.public_id, a.answer FROM assignments a
		JOIN items i ON i.id = a.item_id JOIN members m ON m.id = a.worker_id
		WHERE a.project_id = $1 AND a.kind = 'task' AND a.status IN ('submitted', 'paid', 'review', 'appealed') AND a.erased_at IS NULL ORDER BY a.item_id, a.id`, p.ID)
	if err != nil {
		return Results{}, fmt.Errorf("results: %w", err)
	}
	type ans struct {
		item   int64
		name   string
		worker string
		a      annotation.Answer
	}
	var all []ans
	for rows.Next() {
		var x ans
		var raw string
		if err := rows.Scan(&x.item, &x.name, &x.worker, &raw); err != nil {
			rows.Close()
			return Results{}, err
		}
		if err := json.Unmarshal([]byte(raw), &x.a); err != nil {
			rows.Close()
			return Results{}, fmt.Errorf("results: stored answer: %w", err)
		}
		all = append(all, x)
	}
	rows.Close()
	res := Results{Reliability: map[string]float64{}}
	names := map[int64]string{}
	for _, x := range all {
		names[x.item] = x.name
	}
	switch p.TaskType {
	case BoundingBox, Polygon:
		res.Method = "box consensus (IoU ≥ 0.5, majority of workers)"
		if p.TaskType == Polygon {
			res.Method = "polygon consensus (same label, IoU ≥ 0.5, majority of workers; the outline most like the others)"
		}
		byItem := map[int64][]ans{}
		for _, x := range all {
			byItem[x.item] = append(byItem[x.item], x)
		}
		agree := map[string][]float64{}
		for item, xs := range byItem {
			var c annotation.Consensus
			if p.TaskType == Polygon {
				wp := make([]annotation.WorkerPolygons, len(xs))
				for i, x := range xs {
					wp[i] = annotation.WorkerPolygons{Worker: x.worker, Polygons: x.a.Polygons}
				}
				c = annotation.PolygonConsensus(wp)
			} else {
				wb := make([]annotation.WorkerBoxes, len(xs))
				for i, x := range xs {
					wb[i] = annotation.WorkerBoxes{Worker: x.worker, Boxes: x.a.Boxes}
				}
				c = annotation.BoxConsensus(wb)
			}
			total := 0.0
			for w, a := range c.Agreement {
				total += a
				agree[w] = append(agree[w], a)
			}
			res.Items = append(res.Items, ItemResult{Item: item, Name: names[item], Answers: len(xs), Boxes: c.Boxes, Polygons: c.Polygons,
				Agreement: total / float64(len(xs))})
		}
		for w, v := range agree {
			sum := 0.0
			for _, a := range v {
				sum += a
			}
			res.Reliability[w] = sum / float64(len(v))
		}
	default:
		d := &truth.Dataset{}
		for _, x := range all {
			v := x.a.Label
			if p.TaskType == Pairwise {
				v = x.a.Choice
			}
			d.Add(strconv.FormatInt(x.item, 10), x.worker, v)
		}
		if len(d.Answers) == 0 {
			// The page says how results will be inferred before there are any.
			res.Method = "Dawid–Skene once every worker has answered three items, majority vote before; no answers yet"
			break
		}
		var r truth.Result
		res.Method = "Dawid–Skene"
		if len(d.Answers) < 3*len(d.Workers) {
			res.Method = "majority vote (too few answers per worker for Dawid–Skene yet)"
			r, err = truth.MajorityVote(d)
		} else {
			r, err = truth.DawidSkene(d, truth.Options{})
		}
		if err != nil {
			return Results{}, fmt.Errorf("results: %w", err)
		}
		perItem := map[int][]string{}
		for _, a := range d.Answers {
			perItem[a.Item] = append(perItem[a.Item], d.Labels[a.Label])
		}
		for i, itemID := range d.Items {
			id, _ := strconv.ParseInt(itemID, 10, 64)
			label := d.Labels[r.Labels[i]]
			agreeing := 0
			for _, l := range perItem[i] {
				if l == label {
					agreeing++
				}
			}
			res.Items = append(res.Items, ItemResult{Item: id, Name: names[id], Answers: len(perItem[i]), Label: label, Confidence: r.Confidence[i],
				Agreement: float64(agreeing) / float64(max(1, len(perItem[i])))})
		}
		for w, name := range d.Workers {
			res.Reliability[name] = r.Reliability[w]
		}
	}
	sort.Slice(res.Items, func(i, j int) bool { return res.Items[i].Item < res.Items[j].Item })
	return res, nil
}
