package recording

import (
	"fmt"
	"strings"
)

// StepError is one problem with a recording.
type StepError struct {
	// Step is the 0-based index of the step, or -1 for the recording as a
	// whole (its title, the allmende object …).
	Step int
	// Type is the step's type, if it has one.
	Type string
	// Field names the offending field ("selectors[1]", "allmende.masked[0]");
	// "" when the problem is the step or the file itself.
	Field   string
	Message string
}

func (e StepError) Error() string {
	var b strings.Builder
	if e.Step >= 0 {
		fmt.Fprintf(&b, "step %d", e.Step)
		if e.Type != "" {
			fmt.Fprintf(&b, " (%s)", e.Type)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors lists every problem found in a recording, in file order.
type Errors struct {
	List []StepError
}

// Error lists the problems one per line.
func (e *Errors) Error() string {
	lines := make([]string, len(e.List))
	for i, se := range e.List {
		lines[i] = se.Error()
	}
	return strings.Join(lines, "\n")
}

// errorList collects problems up to MaxErrors.
type errorList struct {
	list    []StepError
	dropped int
}

func (l *errorList) add(step int, typ, field, format string, args ...any) {
	if len(l.list) >= MaxErrors {
		l.dropped++
		return
	}
	l.list = append(l.list, StepError{Step: step, Type: typ, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (l *errorList) full() bool { return len(l.list) >= MaxErrors }

// err returns the collected problems as *Errors, or nil.
func (l *errorList) err() error {
	if len(l.list) == 0 {
		return nil
	}
	list := l.list
	if l.dropped > 0 {
		list = append(list, StepError{Step: -1, Message: fmt.Sprintf("%d more problems not listed", l.dropped)})
	}
	return &Errors{List: list}
}
