package main

import (
	"runtime"
	"syscall"
	"time"
)

// onThread runs f on one locked OS thread and returns the CPU time that
// thread spent: the learner runs on one goroutine, so this is the time it
// took on one core, whatever else the machine is doing (the wall time of
// a busy machine is not).
func onThread(f func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, okBefore := threadCPU()
	f()
	after, okAfter := threadCPU()
	if !okBefore || !okAfter {
		return 0
	}
	return after - before
}

func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_THREAD, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
