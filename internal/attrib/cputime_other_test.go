//go:build !linux

package attrib

import "time"

var processStart = time.Now()

// threadCPU falls back to wall time where the thread CPU clock is not
// wired up: the CPU figures then equal the wall-clock ones.
func threadCPU() time.Duration { return time.Since(processStart) }
