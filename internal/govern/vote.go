package govern

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/reward"
	"github.com/allmende/allmende/internal/store"
)

// Vote is a member's vote on a proposal.
type Vote struct {
	ProposalID int64     `json:"proposal"`
	Option     int       `json:"option"`
	Weight     float64   `json:"weight"`
	CastAt     time.Time `json:"cast_at"`
	// EventID is the vote.cast ledger event, which the member's receipt
	// opens to show the option they chose.
	EventID string `json:"event_id"`
}

// voteContent is the private half of a vote.cast event: the log shows who
// voted (by pseudonym) and on what, and commits to this without showing it.
type voteContent struct {
	Proposal int64   `json:"proposal"`
	Option   int     `json:"option"`
	Label    string  `json:"label"`
	Weight   float64 `json:"weight"`
	// Replaces is the event of the vote this one changes, if any.
	Replaces string `json:"replaces,omitempty"`
}

// Vote records memberID's vote for option (an index into the proposal's
// options) at now, weighed by the proposal's mode. Voting again while the
// proposal is open replaces the earlier vote.
func (s *Service) Vote(ctx context.Context, memberID, proposalID int64, option int, now time.Time) (Vote, error) {
	var v Vote
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.lockProposal(ctx, tx, proposalID)
		if err != nil {
			return err
		}
		switch p.Phase(now) {
		case Cosigning:
			if p.CosignersNeeded == 1 {
				return problem.New(problem.Conflict, "voting on this proposal opens when 1 more member co-signs it")
			}
			return problem.New(problem.Conflict, "voting on this proposal opens when %d more members co-sign it", p.CosignersNeeded)
		case Upcoming:
			return problem.New(problem.Conflict, "voting on this proposal opens at %s", p.OpensAt.Format(time.RFC3339))
		case Counting, Decided:
			return problem.New(problem.Conflict, "voting on this proposal closed at %s", p.ClosesAt.Format(time.RFC3339))
		}
		if option < 0 || option >= len(p.Options) {
			return &problem.Error{Kind: problem.Invalid, Message: "no such option",
				Fields: map[string]string{"option": fmt.Sprintf("an option number from 0 to %d", len(p.Options)-1)}}
		}
		weight := 1.0
		if p.Mode != PerMember {
			shares, err := reward.SharesOf(ctx, tx, memberID)
			if err != nil {
				return err
			}
			if shares <= 0 {
				return problem.New(problem.Forbidden, "this vote is weighed by governance shares and you hold none yet: shares are issued when an epoch closes, for the points you earned in it")
			}
			weight = Weight(p.Mode, shares)
		}
		var replaces string
		err = tx.QueryRowContext(ctx, `SELECT COALESCE(event_id, '') FROM votes WHERE proposal_id = $1 AND member_id = $2`, proposalID, memberID).Scan(&replaces)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("govern: earlier vote: %w", err)
		}
		eventID, err := s.ledger.Record(ctx, tx, ledger.Event{
			Type:     ledger.VoteCast,
			MemberID: memberID,
			Scope:    scope(proposalID),
			Content:  voteContent{Proposal: proposalID, Option: option, Label: p.Options[option].Label, Weight: weight, Replaces: replaces},
		})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO votes (proposal_id, member_id, option, weight, created_at, event_id) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (proposal_id, member_id) DO UPDATE SET option = excluded.option, weight = excluded.weight,
				created_at = excluded.created_at, event_id = excluded.event_id`,
			proposalID, memberID, strconv.Itoa(option), weight, now.UnixMilli(), eventID)
		if err != nil {
			return fmt.Errorf("govern: record vote: %w", err)
		}
		v = Vote{ProposalID: proposalID, Option: option, Weight: weight, CastAt: store.Time(now.UnixMilli()), EventID: eventID}
		return nil
	})
	return v, err
}

// MyVote returns memberID's vote on a proposal, if they voted. Only the
// member themself should see it before the result is published.
func (s *Service) MyVote(ctx context.Context, memberID, proposalID int64) (Vote, bool, error) {
	v := Vote{ProposalID: proposalID}
	var option string
	var cast int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT option, weight, created_at, COALESCE(event_id, '') FROM votes WHERE proposal_id = $1 AND member_id = $2`,
		proposalID, memberID).Scan(&option, &v.Weight, &cast, &v.EventID)
	if errors.Is(err, sql.ErrNoRows) {
		return Vote{}, false, nil
	}
	if err != nil {
		return Vote{}, false, fmt.Errorf("govern: read vote: %w", err)
	}
	if v.Option, err = strconv.Atoi(option); err != nil {
		return Vote{}, false, fmt.Errorf("govern: vote on proposal %d: option %q: %w", proposalID, option, err)
	}
	v.CastAt = store.Time(cast)
	return v, true, nil
}

// VotedOn returns which of the given proposals memberID has voted on: a
// lookup per proposal shown, not a read of every vote the member cast.
func (s *Service) VotedOn(ctx context.Context, memberID int64, proposals []Proposal) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, p := range proposals {
		var n int
		err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM votes WHERE proposal_id = $1 AND member_id = $2`, p.ID, memberID).Scan(&n)
		if err != nil {
			return nil, fmt.Errorf("govern: votes of member %d: %w", memberID, err)
		}
		if n > 0 {
			out[p.ID] = true
		}
	}
	return out, nil
}

// lockProposal reads a proposal inside tx, locking its row on PostgreSQL
// so that a vote and the decision on the same proposal take turns: a vote
// that commits after the count would otherwise be recorded but never
// counted. SQLite's single writer already makes them take turns.
func (s *Service) lockProposal(ctx context.Context, tx *store.Tx, id int64) (Proposal, error) {
	if s.db.Dialect() == store.Postgres {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM proposals WHERE id = $1 FOR UPDATE`, id).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return Proposal{}, problem.New(problem.NotFound, "no such proposal")
		}
		if err != nil {
			return Proposal{}, fmt.Errorf("govern: lock proposal %d: %w", id, err)
		}
	}
	return getProposal(ctx, tx, id)
}

func scope(proposalID int64) string { return "proposal:" + strconv.FormatInt(proposalID, 10) }

// Ballot is a proposal as one member sees it: the proposal, and their vote
// on it if they cast one.
func (s *Service) Ballot(ctx context.Context, memberID, proposalID int64) (Proposal, Vote, bool, error) {
	p, err := s.Get(ctx, proposalID)
	if err != nil {
		return Proposal{}, Vote{}, false, err
	}
	mine, voted, err := s.MyVote(ctx, memberID, proposalID)
	return p, mine, voted, err
}

// Ballots lists a page of proposals as List does, with which of them the
// member has voted on.
func (s *Service) Ballots(ctx context.Context, memberID int64, page store.Page) ([]Proposal, map[int64]bool, string, error) {
	list, next, err := s.List(ctx, page)
	if err != nil {
		return nil, nil, "", err
	}
	voted, err := s.VotedOn(ctx, memberID, list)
	if err != nil {
		return nil, nil, "", err
	}
	return list, voted, next, nil
}
