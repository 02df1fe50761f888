package behavior

import (
	"fmt"
	"strings"
	"testing"
)

// The evaluation tests measure the committed model on the held-out
// synthetic set (evalSet: other people, tasks and scripts than the training
// set). Their floors were written down before the first run and are not
// to be moved to fit a result. Run them with
//
//	go test ./internal/behavior -run Eval -v
//
// to see the figures. Both humans and bots here are simulated (synth.go):
// the figures say how well the method separates these models, not real
// people from real bots.

// auc is the area under the ROC curve: the chance that a random positive
// scores above a random negative, ties counting half (Mann–Whitney U).
func auc(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return 0
	}
	var wins float64
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				wins++
			case p == n:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(pos)*len(neg))
}

func TestAUC(t *testing.T) {
	tests := []struct {
		name     string
		pos, neg []float64
		want     float64
	}{
		{"separated", []float64{0.9, 0.8}, []float64{0.1, 0.2}, 1},
		{"reversed", []float64{0.1}, []float64{0.9, 0.5}, 0},
		{"all tied", []float64{0.5, 0.5}, []float64{0.5}, 0.5},
		{"one of four pairs wrong", []float64{0.9, 0.4}, []float64{0.5, 0.1}, 0.75},
		{"no negatives", []float64{1}, nil, 0},
	}
	for _, tc := range tests {
		if got := auc(tc.pos, tc.neg); got != tc.want {
			t.Errorf("%s: auc = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func TestEvalScorer(t *testing.T) {
	const (
		floorAUC        = 0.95 // all bot families together
		floorFamilyAUC  = 0.90 // each family
		maxHumanBot     = 0.01 // people rejected as bots
		maxHumanReview  = 0.05 // people sent to review
		maxBotPassHuman = 0.05 // scripts of a family passed as human
	)
	humans := evalSet.humans()
	var hs []float64
	var hBot, hReview, hShort, kbd, kbdOK int
	for _, sessions := range humans {
		for _, r := range sessions {
			res := Score(r)
			hs = append(hs, res.Human)
			switch res.Verdict {
			case VerdictBot:
				hBot++
			case VerdictReview:
				hReview++
				if res.Features.Steps < MinSteps {
					hShort++
				}
			}
			if res.Features.Keys > 0 && res.Features.PointerClicks == 0 && res.Features.Clicks > 0 {
				kbd++
				if res.Verdict == VerdictHuman {
					kbdOK++
				}
			}
		}
	}
	nh := len(hs)
	t.Logf("held-out people: %d recordings of %d simulated people", nh, evalSet.people)
	t.Logf("  rejected as bot: %d (%.2f %%) at BotThreshold %.2f", hBot, 100*share(hBot, nh), BotThreshold)
	t.Logf("  sent to review:  %d (%.2f %%) at HumanThreshold %.2f (%d of them too short)", hReview, 100*share(hReview, nh), HumanThreshold, hShort)
	t.Logf("  keyboard-only recordings: %d, %d judged human", kbd, kbdOK)

	var all []float64
	var rows []string
	for fi, f := range BotFamilies {
		var bs []float64
		var bot, review, pass int
		for _, r := range evalSet.bots(f, fi) {
			res := Score(r)
			bs = append(bs, res.Human)
			switch res.Verdict {
			case VerdictBot:
				bot++
			case VerdictReview:
				review++
			default:
				pass++
			}
		}
		all = append(all, bs...)
		a := auc(hs, bs)
		rows = append(rows, fmt.Sprintf("  %-10s AUC %.4f  rejected %5.1f %%  review %5.1f %%  passed as human %5.1f %%",
			f, a, 100*share(bot, len(bs)), 100*share(review, len(bs)), 100*share(pass, len(bs))))
		if a < floorFamilyAUC {
			t.Errorf("%s: AUC %.4f below floor %.2f", f, a, floorFamilyAUC)
		}
		if share(pass, len(bs)) > maxBotPassHuman {
			t.Errorf("%s: %.1f %% passed as human, more than %.0f %%", f, 100*share(pass, len(bs)), 100*maxBotPassHuman)
		}
	}
	overall := auc(hs, all)
	t.Logf("overall ROC AUC (people vs all %d scripts): %.4f", len(all), overall)
	t.Logf("per bot family:\n%s", strings.Join(rows, "\n"))

	// Replays of people's own recordings look human by construction; only
	// DetectCopy catches them (TestEvalCopies). Shown so nobody thinks
	// otherwise.
	var replayPass int
	for p := range humans {
		if Score(SynthReplay(humans[p][0], uint64(p))).Verdict == VerdictHuman {
			replayPass++
		}
	}
	t.Logf("replayed human recordings judged human by Score alone: %d of %d (caught by DetectCopy instead)", replayPass, len(humans))

	if overall < floorAUC {
		t.Errorf("overall AUC %.4f below floor %.2f", overall, floorAUC)
	}
	if share(hBot, nh) > maxHumanBot {
		t.Errorf("%.2f %% of people rejected as bots, more than %.0f %%", 100*share(hBot, nh), 100*maxHumanBot)
	}
	if share(hReview, nh) > maxHumanReview {
		t.Errorf("%.2f %% of people sent to review, more than %.0f %%", 100*share(hReview, nh), 100*maxHumanReview)
	}
}

// TestEvalUnseenFamily refits the scorer without one bot family at a time
// and measures it on that family's held-out scripts: how well the features
// carry over to automation the model was not fitted on. Reported only; the
// committed model is fitted on all families.
func TestEvalUnseenFamily(t *testing.T) {
	trainHumans := trainSet.humans()
	var hf []Features
	for _, s := range trainHumans {
		for _, r := range s {
			hf = append(hf, mustExtract(t, r))
		}
	}
	trainBots := make([][]Features, len(BotFamilies))
	for fi, f := range BotFamilies {
		for _, r := range trainSet.bots(f, fi) {
			trainBots[fi] = append(trainBots[fi], mustExtract(t, r))
		}
	}
	var evalHuman []Features
	for _, s := range evalSet.humans() {
		for _, r := range s {
			evalHuman = append(evalHuman, mustExtract(t, r))
		}
	}
	for fi, f := range BotFamilies {
		feats := append([]Features(nil), hf...)
		labels := make([]float64, len(hf))
		for i := range labels {
			labels[i] = 1
		}
		for fj := range BotFamilies {
			if fj != fi {
				feats = append(feats, trainBots[fj]...)
				labels = append(labels, make([]float64, len(trainBots[fj]))...)
			}
		}
		m := fitScorer(feats, labels)
		score := func(f Features) float64 {
			l, _ := m.evaluate(&f)
			return sigmoid(l)
		}
		var hs, bs []float64
		for _, f := range evalHuman {
			hs = append(hs, score(f))
		}
		var pass int
		for _, r := range evalSet.bots(f, fi) {
			s := score(mustExtract(t, r))
			bs = append(bs, s)
			if s >= HumanThreshold {
				pass++
			}
		}
		t.Logf("fitted without %-10s AUC on it %.4f, passed as human %5.1f %%", f, auc(hs, bs), 100*share(pass, len(bs)))
	}
}

// TestEvalCopies compares recordings with earlier recordings of the same
// task, as the cooperative does: each of 8 held-out tasks has a pool of 10
// people's recordings, and each pooled recording is replayed, copied in
// disguise, done again by the same person and done by someone else.
func TestEvalCopies(t *testing.T) {
	const (
		floorAUC    = 0.98
		minDetected = 0.95 // copies caught and matched at CopyThreshold
		maxFalse    = 0.01 // independent recordings taken for copies
		tasksN      = 8
		perTask     = 10
		copySeed    = 3_000_000
	)
	tasks := evalSet.taskList()[:tasksN]
	people := SynthPeople(evalSet.peopleSeed, evalSet.people)
	pools := make([][]Recording, tasksN)
	for k := range tasksN {
		for i := range perTask {
			p := k*perTask + i
			pools[k] = append(pools[k], SynthHuman(people[p], tasks[k], copySeed+uint64(p)))
		}
	}
	type variant struct {
		name string
		copy bool
		make func(k, i int) Recording
	}
	variants := []variant{
		{"replay", true, func(k, i int) Recording { return SynthReplay(pools[k][i], copySeed+100+uint64(k*perTask+i)) }},
		{"disguised copy", true, func(k, i int) Recording { return SynthCopy(pools[k][i], copySeed+200+uint64(k*perTask+i)) }},
		{"same person, same task again", false, func(k, i int) Recording {
			return SynthHuman(people[k*perTask+i], tasks[k], copySeed+300+uint64(k*perTask+i))
		}},
		{"other person, same task", false, func(k, i int) Recording {
			q := (k*perTask + i + evalSet.people/2) % evalSet.people // in another task's pool
			return SynthHuman(people[q], tasks[k], copySeed+400+uint64(k*perTask+i))
		}},
	}
	var pos, neg []float64
	n := tasksN * perTask
	for _, v := range variants {
		var flagged, right int
		var sims []float64
		for k := range tasksN {
			for i := range perTask {
				best, sim := DetectCopy(v.make(k, i), pools[k])
				sims = append(sims, sim)
				if sim >= CopyThreshold {
					flagged++
					if best == i {
						right++
					}
				}
			}
		}
		if v.copy {
			pos = append(pos, sims...)
			t.Logf("%-30s flagged %3d of %d (%d matched to their original); similarity %s", v.name, flagged, n, right, spread(sims))
			if share(right, n) < minDetected {
				t.Errorf("%s: %.1f %% caught and matched, floor %.0f %%", v.name, 100*share(right, n), 100*minDetected)
			}
		} else {
			neg = append(neg, sims...)
			t.Logf("%-30s flagged %3d of %d; similarity %s", v.name, flagged, n, spread(sims))
			if share(flagged, n) > maxFalse {
				t.Errorf("%s: %.1f %% taken for copies, at most %.0f %%", v.name, 100*share(flagged, n), 100*maxFalse)
			}
		}
	}
	a := auc(pos, neg)
	t.Logf("copy detection ROC AUC: %.4f at CopyThreshold %.2f", a, CopyThreshold)
	if a < floorAUC {
		t.Errorf("copy AUC %.4f below floor %.2f", a, floorAUC)
	}
}

func TestEvalSamePerson(t *testing.T) {
	const (
		floorAUC   = 0.85
		maxFlagged = 0.05 // a person's own new work flagged as someone else's
		others     = 5    // other people compared with each history
	)
	humans := evalSet.humans()
	var same, diff []float64
	var flaggedSame, flaggedDiff int
	for p, sessions := range humans {
		hist := sessions[:len(sessions)-1]
		s := SamePerson(sessions[len(sessions)-1], hist)
		same = append(same, s)
		if s < SamePersonThreshold {
			flaggedSame++
		}
		for k := 1; k <= others; k++ {
			q := humans[(p+k)%len(humans)]
			d := SamePerson(q[len(q)-1], hist)
			diff = append(diff, d)
			if d < SamePersonThreshold {
				flaggedDiff++
			}
		}
	}
	a := auc(same, diff)
	t.Logf("same-person ROC AUC: %.4f (%d same-person, %d different-person comparisons, history of %d sessions)",
		a, len(same), len(diff), evalSet.sessions-1)
	t.Logf("at SamePersonThreshold %.2f: own work flagged %.1f %%, other people's work flagged %.1f %%",
		SamePersonThreshold, 100*share(flaggedSame, len(same)), 100*share(flaggedDiff, len(diff)))
	t.Logf("scores: same person %s; different people %s", spread(same), spread(diff))
	if a < floorAUC {
		t.Errorf("same-person AUC %.4f below floor %.2f", a, floorAUC)
	}
	if share(flaggedSame, len(same)) > maxFlagged {
		t.Errorf("%.1f %% of people's own work flagged, at most %.0f %%", 100*share(flaggedSame, len(same)), 100*maxFlagged)
	}
}

// spread summarises scores as min / median / max.
func spread(xs []float64) string {
	return fmt.Sprintf("min %.3f, median %.3f, max %.3f", minOf(xs), median(xs), maxOf(xs))
}

func minOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
