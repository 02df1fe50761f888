//go:build !linux

package main

import "time"

// onThread runs f and returns its wall time: only Linux tells a thread's
// CPU time here.
func onThread(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
