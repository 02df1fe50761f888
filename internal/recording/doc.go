// Package recording reads, checks and writes recorded browser work in the
// format of Chrome DevTools' Recorder: the JSON "user flow" of
// @puppeteer/replay (its Schema module: a title, an optional timeout and
// selector attribute, and a list of typed steps — navigate, click, change,
// keyDown …). A recording that Chrome's Recorder exported imports unchanged,
// fields this package does not know included, and exports back with the
// same meaning.
//
// Allmende adds one optional top-level object, "allmende", that the
// Recorder ignores:
//
//   - parameters: values that differ from run to run ("city"), written into
//     a change step's value or a navigate step's url as {{name}} and filled
//     in by [Recording.Bind] before a replay;
//   - masked: the change steps whose typed value the recorder withheld (a
//     password); they replay only once they are made parameters;
//   - events: the behavioural evidence of the recording — timing, pointer
//     paths and key classes, never typed text — that [Recording.Behavior]
//     hands to package behavior;
//   - targets and outlines: what a learner needs besides the steps, each
//     acting step's element and the pages at the start and after each
//     navigation, described in words a page keeps ([Target], [Outline]).
//
// The allmende object is published as a JSON Schema (2020-12),
// docs/recording.schema.json; Parse checks every recording against it as
// well as reading it field by field.
//
// Parse collects every problem it finds, each tied to a step and field
// ([Errors]), so that a person can fix a file in one pass. Step indexes are
// 0-based everywhere: in errors, in "masked" and in replay results.
package recording
