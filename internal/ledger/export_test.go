package ledger

// SetAfterAppend makes p call f between appending a batch and writing its
// indexes back: the crash test kills the process there.
func SetAfterAppend(p *Publisher, f func()) { p.afterAppend = f }
