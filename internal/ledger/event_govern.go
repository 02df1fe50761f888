package ledger

// The timelock events of governance (issue 17, internal/govern). Their
// names are part of the log format, as those in event.go: never rename
// one. Each names the passed proposal as its scope ("proposal:<id>") and
// moves no points; their content says which parameter and value, nothing
// about who voted or delegated.
const (
	// ChangeQueued is a passed binding proposal's change waiting out its
	// timelock (content: the parameter, the value and when it applies).
	ChangeQueued Type = "change.queued"
	// ChangeApplied is a queued change set when its timelock ended
	// (content: the parameter, the value before and after).
	ChangeApplied Type = "change.applied"
	// ChangeStopped is a queued change that will never apply: a
	// counter-proposal passed against it, or when due it would have broken
	// a rule no vote can change (content: which, and why).
	ChangeStopped Type = "change.stopped"
)

func init() {
	knownTypes[ChangeQueued] = true
	knownTypes[ChangeApplied] = true
	knownTypes[ChangeStopped] = true
}
