package ledger

import "context"

// SetAfterAppend makes p call f between appending a batch and writing its
// indexes back: the crash test kills the process there.
func SetAfterAppend(p *Publisher, f func()) { p.afterAppend = f }

// ReadAhead reads the next batch as the publisher does while it appends
// the one before.
func ReadAhead(ctx context.Context, p *Publisher) ([]Unlogged, error) { return p.next(ctx, false) }

// AppendOnce runs one append of batch and returns the events it appended
// and those it read back from the log; no index is written back.
func AppendOnce(ctx context.Context, p *Publisher, batch []Unlogged) (appended, found []string, err error) {
	wbs, err := p.appendOnce(ctx, batch)
	for _, wb := range wbs {
		for id := range wb.indexes {
			if wb.found {
				found = append(found, id)
			} else {
				appended = append(appended, id)
			}
		}
	}
	return appended, found, err
}
