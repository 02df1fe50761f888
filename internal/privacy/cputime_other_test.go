//go:build !unix

package privacy

import "time"

// cpuTime is not measured where getrusage is missing (js/wasm); the
// benchmark then reports wall time only.
func cpuTime() time.Duration { return 0 }
