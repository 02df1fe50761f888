package work

import "time"

// SetClock lets tests control the time that is measured and paid.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
