package attrib

import "syscall"

const mapNoReserve = syscall.MAP_NORESERVE

// adviseHugePages asks for 2 MB pages: suffix sorting touches the whole
// array at random, and with 4 KB pages most of those touches also miss the
// TLB.
func adviseHugePages(mem []byte) { _ = syscall.Madvise(mem, syscall.MADV_HUGEPAGE) }

func adviseRandom(mem []byte) { _ = syscall.Madvise(mem, syscall.MADV_RANDOM) }

// adviseDontNeed drops the mapping's pages from this process's page
// tables. The file's pages stay in the page cache, shared and reclaimable;
// the next touch maps them again with a minor fault, no disk read.
func adviseDontNeed(mem []byte) { _ = syscall.Madvise(mem, syscall.MADV_DONTNEED) }
