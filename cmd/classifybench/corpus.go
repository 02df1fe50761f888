package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/allmende/allmende/internal/classify"
)

// A generator of messages members send to a cooperative's help desk, in
// eight queues. It is written for this benchmark (no public data set is
// copied): each queue has its own words, queues share some words in pairs
// (a refund is about payment but also about a cancelled task), every
// message is wrapped in greetings and filler all queues use, some words are
// misspelt, and a few messages carry the wrong queue, as real routing
// data does. The mix makes the task hard enough that classifiers differ.
type queue struct {
	name    string
	words   []string // the queue's own words
	phrases []string // sentences with a %s for one of its words
}

var queues = []queue{
	{"payment", []string{"payout", "invoice", "balance", "transfer", "iban", "withdrawal", "points", "euros", "fee", "bank", "wallet", "paid", "earnings", "statement", "tax", "amount", "cents", "currency", "payslip", "deposit"},
		[]string{"my %s has not arrived", "the %s looks wrong", "when will the %s be processed", "i was charged a %s twice", "can you check the %s from last week", "where do i see my %s"}},
	{"task", []string{"annotation", "bounding", "boxes", "labelling", "project", "batch", "gold", "qualification", "instructions", "polygon", "images", "rejected", "reviewer", "queue", "deadline", "item", "label", "consensus", "accuracy", "tutorial"},
		[]string{"the %s for this project is unclear", "my %s was rejected without reason", "i cannot open the next %s", "how is the %s scored", "the %s keeps timing out", "is there a %s for beginners"}},
	{"account", []string{"password", "login", "email", "username", "locked", "reset", "profile", "passkey", "verification", "invitation", "session", "signup", "phone", "two-factor", "display", "name", "code", "expired", "link", "steward"},
		[]string{"i forgot my %s", "the %s link has expired", "my %s is locked", "i never got the %s", "how do i change my %s", "the %s page says error"}},
	{"privacy", []string{"erase", "delete", "consent", "personal", "data", "withdraw", "gdpr", "anonymise", "recording", "export", "redacted", "tracking", "screenshot", "copy", "sensitive", "retention", "visible", "pseudonym", "share", "request"},
		[]string{"please %s all my records", "who can see my %s", "i want to %s my consent", "was my %s shared with a client", "how long do you keep my %s", "the %s still shows my name"}},
	{"bug", []string{"crash", "error", "blank", "button", "freezes", "loading", "spinner", "browser", "extension", "chrome", "update", "broken", "slow", "timeout", "javascript", "screen", "mobile", "layout", "refresh", "glitch"},
		[]string{"the %s appears every time", "after the %s nothing works", "the page shows a %s", "the %s does nothing when clicked", "it is very %s on my phone", "i see a %s in the corner"}},
	{"governance", []string{"vote", "proposal", "shares", "epoch", "treasury", "quorum", "ballot", "assembly", "members", "motion", "tally", "quadratic", "governance", "board", "election", "policy", "rule", "amendment", "delegate", "floor"},
		[]string{"how does the %s work", "when does the %s close", "i want to submit a %s", "my %s did not count", "who decides the %s", "can we change the %s"}},
	{"model", []string{"model", "classifier", "training", "dataset", "datanet", "influence", "api", "key", "inference", "endpoint", "prediction", "version", "weights", "accuracy", "attribution", "client", "calls", "latency", "adapter", "upstream"},
		[]string{"the %s returns the wrong answer", "how is the %s measured", "my %s was revoked", "can i train a %s on this", "the %s is too slow", "which %s did my data go into"}},
	{"automation", []string{"automation", "replay", "recorder", "workflow", "steps", "selector", "run", "escrow", "marketplace", "demonstration", "click", "form", "script", "bot", "author", "publish", "schedule", "parameter", "page", "recording"},
		[]string{"the %s stopped halfway", "my %s failed on the second page", "how do i publish a %s", "the %s clicks the wrong thing", "who gets paid for a %s", "can a %s fill this form"}},
}

// Words two queues share, each naming both: the ambiguity real routing has.
var shared = [][3]string{
	{"refund", "payment", "task"}, {"rejected", "task", "payment"}, {"recording", "privacy", "automation"},
	{"accuracy", "task", "model"}, {"key", "account", "model"}, {"export", "privacy", "model"},
	{"shares", "governance", "payment"}, {"run", "automation", "bug"}, {"page", "bug", "automation"},
	{"client", "model", "privacy"}, {"vote", "governance", "task"}, {"error", "bug", "model"},
}

var openers = []string{"hello", "hi there", "good morning", "dear support", "hey", "hello team", "", "", ""}
var closers = []string{"thanks", "thank you", "regards", "please help", "cheers", "thanks in advance", "", "", ""}
var filler = []string{"i", "my", "the", "it", "is", "not", "again", "today", "still", "since", "yesterday", "week",
	"also", "really", "please", "why", "this", "that", "we", "our", "some", "any", "just", "now", "already",
	"tried", "twice", "help", "urgent", "issue", "problem", "question", "team", "cooperative", "work", "account"}

func sentence(rng *rand.Rand, q queue) string {
	w := q.words[zipf(rng, len(q.words))]
	return fmt.Sprintf(q.phrases[rng.IntN(len(q.phrases))], w)
}

// zipf picks an index with probability ∝ 1/(i+1), so a queue's words occur
// as unevenly as words do.
func zipf(rng *rand.Rand, n int) int {
	h := 0.0
	for i := range n {
		h += 1 / float64(i+1)
	}
	x := rng.Float64() * h
	for i := range n {
		x -= 1 / float64(i+1)
		if x <= 0 {
			return i
		}
	}
	return n - 1
}

func typo(rng *rand.Rand, w string) string {
	if len(w) < 4 {
		return w
	}
	b := []byte(w)
	i := 1 + rng.IntN(len(b)-2)
	switch rng.IntN(3) {
	case 0:
		b[i], b[i+1] = b[i+1], b[i]
	case 1:
		b = append(b[:i], b[i+1:]...)
	default:
		b = append(b[:i+1], b[i:]...)
	}
	return string(b)
}

// messages generates n messages; noise is the share given a wrong queue.
func messages(n int, seed uint64, noise float64) []classify.Example {
	rng := rand.New(rand.NewPCG(seed, 0x68656c70))
	out := make([]classify.Example, n)
	for i := range out {
		q := queues[rng.IntN(len(queues))]
		var parts []string
		if o := openers[rng.IntN(len(openers))]; o != "" {
			parts = append(parts, o)
		}
		// One to three sentences of the queue, sometimes one of another
		// queue (people mention more than one thing), and filler.
		for range 1 + rng.IntN(3) {
			parts = append(parts, sentence(rng, q))
		}
		if rng.Float64() < 0.3 {
			parts = append(parts, sentence(rng, queues[rng.IntN(len(queues))]))
		}
		if rng.Float64() < 0.5 {
			for _, s := range shared {
				if (s[1] == q.name || s[2] == q.name) && rng.Float64() < 0.3 {
					parts = append(parts, "about the "+s[0])
				}
			}
		}
		var f []string
		for range rng.IntN(12) {
			f = append(f, filler[rng.IntN(len(filler))])
		}
		parts = append(parts, strings.Join(f, " "))
		if c := closers[rng.IntN(len(closers))]; c != "" {
			parts = append(parts, c)
		}
		rng.Shuffle(len(parts)-1, func(a, b int) { parts[a+1], parts[b+1] = parts[b+1], parts[a+1] })
		words := strings.Fields(strings.Join(parts, " "))
		for j, w := range words {
			if rng.Float64() < 0.06 {
				words[j] = typo(rng, w)
			}
		}
		label := q.name
		if rng.Float64() < noise {
			label = queues[rng.IntN(len(queues))].name
		}
		out[i] = classify.Example{ID: fmt.Sprintf("msg-%07d", i), Text: strings.Join(words, " "), Label: label}
	}
	return out
}
