//go:build linux

package web_test

import (
	"syscall"
	"time"
	"unsafe"
)

// processCPU is the CPU time the whole test process has used (Linux's
// CLOCK_PROCESS_CPUTIME_ID). BenchmarkDashboard divides it by the requests
// served: on a shared machine, latency measures the neighbours as much as
// the code, CPU per request much less so.
func processCPU() time.Duration {
	const clockProcessCPUTime = 2
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
