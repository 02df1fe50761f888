// Package program is what Allmende learns from a few recordings of the same
// task: a small, documented program (docs/program.md) whose steps find
// their elements by queries over a page's outline (recording.Outline) —
// "the button whose name is the input query", "the check box whose label is
// each item of the list", "the link in the row whose key is the input
// order" — and whose inputs are run parameters or text the program reads
// from the page at run time.
//
// Learn induces the program from 1–5 demonstrations by programming by
// example: the values that differ between demos are explained by a run
// parameter or by an extraction rule (the text after a label, a quoted
// phrase, the cell next to a label, a part of a split, a case or
// date-format transform) found by enumerating a small language of rules
// and keeping those consistent with every demo, as FlashFill does for
// spreadsheet strings (Gulwani, "Automating string processing in
// spreadsheets using input-output examples", POPL 2011). Targets are
// generalised the same way: the simplest query over the target node's
// role, name, label, text, stable attributes and place that picks exactly
// that node in every demo's outline. Runs of the same action on different
// items become loops over a list and steps seen in some demos only become
// optional, as in WebRobot (Dong et al., "WebRobot: web robotic process
// automation using interactive programming-by-demonstration", PLDI 2022).
// When the demos do not decide a step, Learn returns Ambiguous, asking for
// one more demonstration, rather than guessing.
//
// The package is pure: no HTTP, no SQL, no browser. internal/actor runs a
// program in Chromium.
package program
