//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package attrib

const mapNoReserve = 0

func adviseHugePages([]byte) {}

func adviseRandom([]byte) {}
