package action

import (
	"math"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recording"
)

// TestShapleyIsExact: the glove game (player 0 holds a left glove, 1 and 2
// right ones; a pair is worth 1) has the known values 2/3, 1/6, 1/6, and
// a dummy player gets nothing.
func TestShapleyIsExact(t *testing.T) {
	v := make([]float64, 8)
	for mask := range v {
		if mask&1 != 0 && mask&6 != 0 {
			v[mask] = 1
		}
	}
	got := shapley(3, v)
	for i, want := range []float64{2.0 / 3, 1.0 / 6, 1.0 / 6} {
		if math.Abs(got[i]-want) > 1e-9 {
			t.Fatalf("glove game: %v", got)
		}
	}
	// Player 1 adds nothing to any coalition: a dummy.
	v = []float64{0, 0.5, 0, 0.5}
	if got := shapley(2, v); got[0] != 0.5 || got[1] != 0 {
		t.Fatalf("dummy player: %v", got)
	}
}

func TestPayWeights(t *testing.T) {
	if w := payWeights([]float64{0.5, -0.25, 0.25}); w[0] != 0.5 || w[1] != 0 || w[2] != 0.25 {
		t.Fatalf("a negative value is paid nothing: %v", w)
	}
	if w := payWeights([]float64{0, 0}); w[0] != 1 || w[1] != 1 {
		t.Fatalf("nothing measured: equal shares, got %v", w)
	}
}

func demoFile(t *testing.T, name string) recording.Recording {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := recording.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestHeldOutDemosAreChecked: recordings the recorder made of the expense
// claim task, one rejecting a claim and one approving another. Learned from
// either alone, the program reads which button from the instruction's verb
// and redoes the other demo too; learned from both, it redoes both. Each
// demo is enough on its own: v(S) = 1 for every coalition, equal shares
// summing to v(N) = 1.
func TestHeldOutDemosAreChecked(t *testing.T) {
	reject, approve := demoFile(t, "reject-claim-1.json"), demoFile(t, "approve-claim-4.json")
	for _, d := range []struct {
		name         string
		alone, other recording.Recording
	}{{"the rejection", reject, approve}, {"the approval", approve, reject}} {
		one, err := program.Learn([]recording.Recording{d.alone})
		if err != nil {
			t.Fatal(err)
		}
		if !reproduces(one, d.alone) || !reproduces(one, d.other) {
			t.Fatalf("from %s alone: own %v, held-out %v\n%s", d.name, reproduces(one, d.alone), reproduces(one, d.other), one.Describe())
		}
	}
	both, err := program.Learn([]recording.Recording{reject, approve})
	if err != nil {
		t.Fatal(err)
	}
	if !reproduces(both, reject) || !reproduces(both, approve) {
		t.Fatalf("from both:\n%s", both.Describe())
	}
	// A program of another task reproduces neither.
	other := demoFile(t, "collapsible-1.json")
	if reproduces(both, other) {
		t.Fatal("the claim program reproduced a demo of another task")
	}
	w, total := demoWeights([]recording.Recording{reject, approve})
	if total != 1 || w[0] != 0.5 || w[1] != 0.5 {
		t.Fatalf("weights %v, v(N) %v", w, total)
	}
	// A demo of another task among them: no program is learned from any
	// coalition holding both tasks, so each demo is worth only the
	// instances its own task's programs redo.
	w, total = demoWeights([]recording.Recording{reject, approve, other})
	if w[2] >= w[0]+w[1] || total != 0 {
		t.Fatalf("with another task's demo: %v, v(N) %v", w, total)
	}
}

// FuzzCheckStart: a run starts only on the task's own page, over http or
// https, whatever the runner types.
func FuzzCheckStart(f *testing.F) {
	prog := program.Program{Start: "https://claims.example/table/?seed=1"}
	for _, s := range []string{"", "https://claims.example/table/?seed=2", "http://claims.example/table/", "https://evil.example/table/", "file:///etc/passwd", "https://claims.example/table/../admin", "javascript:alert(1)", "https://claims.example@evil.example/table/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, start string) {
		if checkStart(prog, start) != nil || start == "" {
			return
		}
		if err := programWebOnly(program.Program{Start: start}); err != nil {
			t.Fatalf("accepted %q, which is no web page: %v", start, err)
		}
		u, p := mustURL(t, start), mustURL(t, prog.Start)
		if u.Host != p.Host || u.Path != p.Path || u.User != nil && u.User.String() != "" {
			t.Fatalf("accepted %q, another page than %q", start, prog.Start)
		}
	})
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// shipDemo is a demo that types the shipping address into a form whose
// page shows a shipping and a billing address.
func shipDemo(ship, bill string) demoRecording {
	field := recording.Node{Ref: 2, Parent: -1, Tag: "input", Role: "textbox", Name: "Address", Label: "Address", Interactive: true}
	rec := recording.Recording{
		Title: "Address",
		Steps: []recording.Step{
			{Type: recording.StepNavigate, URL: "http://shop.example/checkout"},
			{Type: recording.StepChange, Selectors: []recording.Selector{{"#address"}}, Value: ship},
		},
		Allmende: &recording.Extension{Version: 1,
			Targets: []recording.Target{{Step: 1, Node: field}},
			Outlines: []recording.Outline{{Before: 1, URL: "http://shop.example/checkout", Nodes: []recording.Node{
				{Ref: 0, Parent: -1, Tag: "p", Text: "Ship to: " + ship},
				{Ref: 1, Parent: -1, Tag: "p", Text: "Bill to: " + bill},
				field,
			}}}},
	}
	return demoRecording{id: "r-" + ship, rec: rec}
}

// TestAnUndecidedStepAsksForAnotherDemo: when the demos cannot tell two
// readings of a value apart, learning is refused with the learner's
// question; a demo on data that tells them apart decides it, and it is
// worth more than the one that could not.
func TestAnUndecidedStepAsksForAnotherDemo(t *testing.T) {
	same := shipDemo("1 Quay St", "1 Quay St")
	_, _, err := learnFrom([]demoRecording{same})
	if !problem.Is(err, problem.Conflict) || !strings.HasPrefix(err.Error(), "record one more demonstration: step 1:") {
		t.Fatalf("an undecided step: %v", err)
	}
	differ := shipDemo("9 Dock Rd", "4 Mill Ln")
	prog, w, err := learnFrom([]demoRecording{same, differ})
	if err != nil {
		t.Fatal(err)
	}
	if len(prog.Inputs) != 1 || prog.Inputs[0].Extract == nil || prog.Inputs[0].Examples != nil {
		t.Fatalf("inputs: %+v", prog.Inputs)
	}
	if !(w[1] > w[0]) {
		t.Fatalf("the demo that decided the step is worth %v, the other %v", w[1], w[0])
	}
}
