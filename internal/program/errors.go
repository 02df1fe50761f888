package program

import "fmt"

// Ambiguous says the demos do not decide a step: another demonstration
// (on other data) would. Step counts the program's steps from 1.
type Ambiguous struct {
	Step   int
	Reason string
}

func (e *Ambiguous) Error() string {
	return fmt.Sprintf("ambiguous: step %d: %s; record one more demonstration on other data", e.Step, e.Reason)
}

// DemoError says what is wrong with one demonstration: Demo counts from 1,
// Step is the recording's step index (from 0, as in recording errors), -1
// for the demo as a whole.
type DemoError struct {
	Demo, Step int
	Reason     string
}

func (e *DemoError) Error() string {
	if e.Step < 0 {
		return fmt.Sprintf("demo %d: %s", e.Demo, e.Reason)
	}
	return fmt.Sprintf("demo %d step %d: %s", e.Demo, e.Step, e.Reason)
}

// StepError says why the demos cannot be made into a program step (Step
// from 1).
type StepError struct {
	Step   int
	Reason string
}

func (e *StepError) Error() string { return fmt.Sprintf("step %d: %s", e.Step, e.Reason) }
