package datanet

import (
	"context"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/store"
)

// Overview is a datanet as its page and the API show it: the datanet, its
// kept totals and, to a signed-in member, their consent.
type Overview struct {
	Datanet
	Stats   Stats         `json:"stats"`
	Consent *ConsentState `json:"consent,omitempty"`
}

// Overview describes d to viewer, who is nil for someone not signed in.
func (s *Service) Overview(ctx context.Context, d Datanet, viewer *member.Member) (Overview, error) {
	st, err := s.Stats(ctx, d.ID)
	if err != nil {
		return Overview{}, err
	}
	out := Overview{Datanet: d, Stats: st}
	if viewer != nil {
		c, err := s.Consent(ctx, viewer.ID, d)
		if err != nil {
			return Overview{}, err
		}
		out.Consent = &c
	}
	return out, nil
}

// Overviews lists a page of datanets as List does, each with its totals
// (no one's consent: the lists are the same for everyone).
func (s *Service) Overviews(ctx context.Context, f Filter, page store.Page) ([]Overview, string, error) {
	list, next, err := s.List(ctx, f, page)
	if err != nil {
		return nil, "", err
	}
	out := make([]Overview, 0, len(list))
	for _, d := range list {
		o, err := s.Overview(ctx, d, nil)
		if err != nil {
			return nil, "", err
		}
		out = append(out, o)
	}
	return out, next, nil
}
