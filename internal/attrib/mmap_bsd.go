//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package attrib

const mapNoReserve = 0

func adviseHugePages([]byte) {}

func adviseRandom([]byte) {}

// adviseDontNeed is left out here: not every one of these systems drops a
// shared file mapping's pages on MADV_DONTNEED.
func adviseDontNeed([]byte) {}
