package action_test

import (
	"testing"
	"time"

	"github.com/allmende/allmende/internal/action"
	"github.com/allmende/allmende/internal/actor"
	"github.com/allmende/allmende/internal/egress"
	"github.com/allmende/allmende/internal/program"
)

// TestLearnedAutomationCannotOpenTheServersOwnAddress: a learned program
// runs in the same browser as replays, behind the same guard. A program
// whose start page is on the server's own address fails without reaching
// it, unless the server allows private addresses.
func TestLearnedAutomationCannotOpenTheServersOwnAddress(t *testing.T) {
	page, reached := ownAddressPage(t, `<!doctype html><title>Admin</title><button onclick="document.title='done'">Delete everything</button>`)
	prog := program.Program{Version: program.Version, Demos: 1, Start: page,
		Steps: []program.Step{{Action: program.ActClick, Target: &program.Query{Role: "button", Name: program.Const("Delete everything")}}}}
	opts := actor.Options{StepTimeout: 1500 * time.Millisecond}

	guarded := &action.Browser{}
	t.Cleanup(guarded.Close)
	res, err := guarded.Act(t.Context(), prog, opts)
	if err == nil && res.OK {
		t.Fatalf("a program ran on the server's own address: %+v", res)
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("the page on the server's own address was reached %d times", n)
	}

	open := &action.Browser{Guard: egress.Guard{AllowPrivate: true}}
	t.Cleanup(open.Close)
	if res, err := open.Act(t.Context(), prog, opts); err != nil || !res.OK {
		t.Fatalf("with --replay-allow-private the program did not run: %+v, %v", res, err)
	}
	if reached.Load() == 0 {
		t.Fatal("with --replay-allow-private the page was not reached: the refusal above was not the guard's")
	}
}
