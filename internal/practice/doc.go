// Package practice is Allmende's own suite of practice tasks for learned
// browser programs: small local pages (plain HTML and JavaScript, written
// for this suite and served by Server), each kind with a generator that
// makes a fresh instance from a seed — other values, another order, other
// layout offsets, distractors, elements that appear late — a check of
// success evaluated on the page after a run, and scripted hands that solve
// an instance with trusted input over the Chrome DevTools Protocol, to
// make demonstrations while the recorder records.
//
// The instructions are on the page ("Tick "pears" and "figs"",
// "Username: ada"), so a learned program must read its inputs from the
// page; the few kinds whose inputs are run parameters say so (Kind.Params)
// and give them in Instance.Params.
//
// The evaluation follows the shape of programming-by-demonstration
// benchmarks (a task family, fresh instances per seed, success measured by
// the final state, not by the actions taken), but every page and value
// here is the suite's own: the cooperative's real evaluation uses tasks a
// learner never sees.
//
// Success is a state, not a trace: each page keeps what the person
// submitted (or the state of its items) in sessionStorage as canonical
// JSON, and Instance.Check compares it with what the instance expects.
// The state lives in the tab, so a fresh tab starts with none.
package practice
