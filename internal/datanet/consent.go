package datanet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// ConsentState is where a member stands with one datanet.
type ConsentState struct {
	// Status is none, granted, paused or withdrawn.
	Status       string    `json:"status"`
	TermsVersion int       `json:"terms_version,omitempty"`
	Since        time.Time `json:"since,omitzero"`
	// Outdated is set when the datanet's terms changed after the consent
	// was given: the member must agree again before contributing.
	Outdated bool `json:"outdated,omitempty"`
}

// Consent returns a member's consent state for a datanet.
func (s *Service) Consent(ctx context.Context, memberID int64, d Datanet) (ConsentState, error) {
	var action string
	var version int
	var at int64
	err := s.db.Read().QueryRowContext(ctx, `
		SELECT action, terms_version, created_at FROM consents
		WHERE member_id = $1 AND datanet_id = $2 ORDER BY id DESC LIMIT 1`, memberID, d.ID).Scan(&action, &version, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return ConsentState{Status: "none"}, nil
	}
	if err != nil {
		return ConsentState{}, fmt.Errorf("read consent: %w", err)
	}
	st := ConsentState{TermsVersion: version, Since: store.Time(at)}
	switch action {
	case "grant", "resume":
		st.Status = "granted"
	case "pause":
		st.Status = "paused"
	case "withdraw":
		st.Status = "withdrawn"
	}
	st.Outdated = st.Status != "withdrawn" && version < d.TermsVersion
	return st, nil
}

func (s *Service) requireConsent(ctx context.Context, memberID int64, d Datanet) error {
	st, err := s.Consent(ctx, memberID, d)
	if err != nil {
		return err
	}
	switch {
	case st.Status == "paused":
		return problem.New(problem.Conflict, "you paused contributing to %q; resume first", d.Name)
	case st.Status != "granted":
		return problem.New(problem.Forbidden, "agree to the terms of %q (version %d) before contributing", d.Name, d.TermsVersion)
	case st.Outdated:
		return problem.New(problem.Forbidden, "the terms of %q changed (version %d); read and agree to them again", d.Name, d.TermsVersion)
	}
	return nil
}

// ConsentAction changes a member's consent: grant (to the current terms),
// pause, resume, or withdraw. Withdrawing erases every contribution the
// member made to the datanet — that is what withdrawing consent means.
func (s *Service) ConsentAction(ctx context.Context, memberID int64, slug, action string) (ConsentState, error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return ConsentState{}, err
	}
	cur, err := s.Consent(ctx, memberID, d)
	if err != nil {
		return ConsentState{}, err
	}
	switch action {
	case "grant":
		if !d.Open {
			return ConsentState{}, problem.New(problem.Conflict, "the datanet %q is closed", d.Name)
		}
	case "pause":
		if cur.Status != "granted" {
			return ConsentState{}, problem.New(problem.Conflict, "there is nothing to pause: you are not contributing to %q", d.Name)
		}
	case "resume":
		if cur.Status != "paused" {
			return ConsentState{}, problem.New(problem.Conflict, "there is nothing to resume")
		}
	case "withdraw":
		if cur.Status == "none" || cur.Status == "withdrawn" {
			return ConsentState{}, problem.New(problem.Conflict, "you have not agreed to contribute to %q", d.Name)
		}
		if _, err := s.eraseWhere(ctx, memberID, `datanet_id = $2`, d.ID); err != nil {
			return ConsentState{}, err
		}
	default:
		return ConsentState{}, &problem.Error{Kind: problem.Invalid, Message: "unknown consent action", Fields: map[string]string{"action": "grant, pause, resume or withdraw"}}
	}
	version := d.TermsVersion
	if action != "grant" && cur.TermsVersion > 0 {
		version = cur.TermsVersion
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO consents (member_id, datanet_id, action, terms_version, created_at) VALUES ($1, $2, $3, $4, $5)`,
			memberID, d.ID, action, version, store.Now())
		return err
	})
	if err != nil {
		return ConsentState{}, fmt.Errorf("record consent: %w", err)
	}
	return s.Consent(ctx, memberID, d)
}
