package model

import (
	"context"
	"net/netip"
)

// SetLookup replaces how registration resolves an upstream's host, so that
// a test can play a name server that answers one thing at registration
// and another when the call dials (DNS rebinding).
func SetLookup(s *Service, lookup func(ctx context.Context, host string) ([]netip.Addr, error)) {
	s.lookup = lookup
}

// Points formats an amount of points as the messages show it.
func Points(p int64) string { return pts(p) }

// ReserveAndRelease holds cover for a call and gives it back, as a call
// that failed upstream would.
func ReserveAndRelease(ctx context.Context, s *Service, c Client, cover int64) error {
	h, err := s.reserve(ctx, c, cover)
	if err != nil {
		return err
	}
	s.release(ctx, h)
	return nil
}
