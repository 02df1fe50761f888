//go:build linux

package attrib

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPU returns the CPU time the calling OS thread has used (Linux's
// CLOCK_THREAD_CPUTIME_ID, exact to the nanosecond, where getrusage counts
// scheduler ticks). The benchmarks lock their goroutine to its thread and
// report rates against this as well as against wall time: the machines
// they run on are shared, and wall time then measures the neighbours as
// much as the code.
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
