package member

import "time"

// SetClock lets tests move time forward to expire invitations and sessions.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
