package govern

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Delegation is a member's standing instruction: when I do not vote, my
// vote goes with Delegate's. Topic is the topic it is for — a proposal's
// topic (Proposal.Topic) is the parameter a binding proposal sets or the
// topic an advisory one was given — or empty for every proposal; a
// delegation for the topic wins over one for all. It is revocable at any
// time before a proposal is decided, is counted when the proposal is
// decided, and a member who votes themself is never carried. Delegations
// are personal: they never reach the public log.
type Delegation struct {
	Topic    Topic     `json:"topic"`
	Delegate string    `json:"delegate"`
	Since    time.Time `json:"since"`
}

// delegationGraph is every delegation: member → topic → delegate.
type delegationGraph map[int64]map[Topic]int64

func readDelegations(ctx context.Context, q store.Querier) (delegationGraph, error) {
	rows, err := q.QueryContext(ctx, `SELECT member_id, topic, delegate_id FROM delegations`)
	if err != nil {
		return nil, fmt.Errorf("govern: delegations: %w", err)
	}
	defer rows.Close()
	g := delegationGraph{}
	for rows.Next() {
		var m, d int64
		var topic string
		if err := rows.Scan(&m, &topic, &d); err != nil {
			return nil, fmt.Errorf("govern: delegations: %w", err)
		}
		if g[m] == nil {
			g[m] = map[Topic]int64{}
		}
		g[m][Topic(topic)] = d
	}
	return g, rows.Err()
}

// of returns whom m's vote goes to on topic: their delegation for the
// topic, else their delegation for everything.
func (g delegationGraph) of(m int64, topic Topic) (int64, bool) {
	if d, ok := g[m][topic]; ok && topic != "" {
		return d, true
	}
	d, ok := g[m][""]
	return d, ok
}

// forTopic resolves the graph for one proposal's topic.
func (g delegationGraph) forTopic(topic Topic) map[int64]int64 {
	out := map[int64]int64{}
	for m := range g {
		if d, ok := g.of(m, topic); ok {
			out[m] = d
		}
	}
	return out
}

// Delegate makes delegatePublicID actor's delegate on topic (empty: on
// everything), replacing actor's earlier delegation for that topic. It
// refuses a delegation to oneself and one that would close a circle on
// any topic — A to B, B to A — naming the circle.
func (s *Service) Delegate(ctx context.Context, actor member.Member, delegatePublicID string, topic Topic, now time.Time) (Delegation, error) {
	if !validTopic(topic) {
		return Delegation{}, &problem.Error{Kind: problem.Invalid, Message: "No such topic.",
			Fields: map[string]string{"topic": "empty for every proposal, or one of: " + topicList()}}
	}
	delegatePublicID = strings.TrimSpace(delegatePublicID)
	var out Delegation
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.lockDelegations(ctx, tx); err != nil {
			return err
		}
		var to int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM members WHERE public_id = $1`, delegatePublicID).Scan(&to)
		if errors.Is(err, sql.ErrNoRows) {
			return &problem.Error{Kind: problem.Invalid, Message: "No member has this pseudonym.",
				Fields: map[string]string{"delegate": "the pseudonym of a member, such as m-abc123"}}
		}
		if err != nil {
			return fmt.Errorf("govern: delegate: %w", err)
		}
		if to == actor.ID {
			return &problem.Error{Kind: problem.Invalid, Message: "You cannot delegate your vote to yourself.",
				Fields: map[string]string{"delegate": "someone other than you"}}
		}
		g, err := readDelegations(ctx, tx)
		if err != nil {
			return err
		}
		if g[actor.ID] == nil {
			g[actor.ID] = map[Topic]int64{}
		}
		g[actor.ID][topic] = to
		if circle, on := g.circleThrough(actor.ID, topic); circle != nil {
			// Other members' delegations are private: name only the
			// delegate the member chose, and the topic.
			where := "every proposal"
			if on != "" {
				where = "the topic " + string(on)
			}
			return &problem.Error{Kind: problem.Invalid, Message: "This delegation would close a circle, and a vote that goes round in a circle reaches no one.",
				Fields: map[string]string{"delegate": fmt.Sprintf("delegating to %s would close a circle of delegations on %s", delegatePublicID, where)}}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO delegations (member_id, topic, delegate_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (member_id, topic) DO UPDATE SET delegate_id = excluded.delegate_id, created_at = excluded.created_at`,
			actor.ID, string(topic), to, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("govern: delegate: %w", err)
		}
		out = Delegation{Topic: topic, Delegate: delegatePublicID, Since: store.Time(now.UnixMilli())}
		return nil
	})
	return out, err
}

// lockDelegations makes tx the only one changing delegations: two
// members delegating to each other at once would each find no circle.
// SQLite's one writer already does.
func (s *Service) lockDelegations(ctx context.Context, tx *store.Tx) error {
	if s.db.Dialect() != store.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE delegations IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("govern: lock delegations: %w", err)
	}
	return nil
}

// circleThrough returns the circle m's delegation on topic closes, from m
// back to m, and the topic it closes on, or nil. A delegation on everything is checked against every
// topic, since it is what m's vote follows on each topic m did not
// delegate apart.
func (g delegationGraph) circleThrough(m int64, topic Topic) ([]int64, Topic) {
	topics := []Topic{topic}
	if topic == "" {
		topics = append(topics, Topics()...)
	}
	for _, t := range topics {
		path := []int64{m}
		seen := map[int64]bool{m: true}
		cur := m
		for {
			next, ok := g.of(cur, t)
			if !ok {
				break
			}
			path = append(path, next)
			if next == m {
				return path, t
			}
			if seen[next] { // a circle elsewhere (cannot be stored, but do not loop)
				break
			}
			seen[next] = true
			cur = next
		}
	}
	return nil, ""
}

// Revoke ends actor's delegation on topic at once: from the next decision
// on, their vote on it goes nowhere unless they cast it — or, for a
// topic, with their delegation on everything. Where that would close a
// circle (A gives B the topic, B gives A everything but the topic to C;
// B revokes the topic), the revocation is refused, as the delegation
// would have been: a circle carries no one's vote.
func (s *Service) Revoke(ctx context.Context, actor member.Member, topic Topic) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if topic != "" {
			// Removing a delegation on everything only removes paths; one
			// on a topic hands the topic to the one on everything.
			if err := s.lockDelegations(ctx, tx); err != nil {
				return err
			}
			g, err := readDelegations(ctx, tx)
			if err != nil {
				return err
			}
			delete(g[actor.ID], topic)
			if circle, _ := g.circleThrough(actor.ID, topic); circle != nil {
				return &problem.Error{Kind: problem.Conflict,
					Message: "Without this delegation your vote on " + string(topic) + " would follow your delegation on everything, and that would go round in a circle back to you; change or revoke that one first.",
					Fields:  map[string]string{"topic": "revoking it would close a circle of delegations on " + string(topic)}}
			}
		}
		r, err := tx.ExecContext(ctx, `DELETE FROM delegations WHERE member_id = $1 AND topic = $2`, actor.ID, string(topic))
		if err != nil {
			return fmt.Errorf("govern: revoke: %w", err)
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return problem.New(problem.NotFound, "you have no delegation on this topic")
		}
		return nil
	})
}

// Delegations returns actor's own delegations, everything first, and how
// many members delegate to actor (on any topic): a delegate sees how many
// votes they may carry, never whose.
func (s *Service) Delegations(ctx context.Context, actor member.Member) ([]Delegation, int, error) {
	q := s.db.Read()
	rows, err := q.QueryContext(ctx, `SELECT d.topic, m.public_id, d.created_at FROM delegations d JOIN members m ON m.id = d.delegate_id
		WHERE d.member_id = $1 ORDER BY d.topic`, actor.ID)
	if err != nil {
		return nil, 0, fmt.Errorf("govern: delegations: %w", err)
	}
	defer rows.Close()
	var out []Delegation
	for rows.Next() {
		var d Delegation
		var topic string
		var since int64
		if err := rows.Scan(&topic, &d.Delegate, &since); err != nil {
			return nil, 0, fmt.Errorf("govern: delegations: %w", err)
		}
		d.Topic, d.Since = Topic(topic), store.Time(since)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(DISTINCT member_id) FROM delegations WHERE delegate_id = $1`, actor.ID).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("govern: delegators: %w", err)
	}
	return out, n, nil
}
