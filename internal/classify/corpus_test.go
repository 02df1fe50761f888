package classify

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// A small generator of support messages in four queues, for tests: each
// queue has its own words, all share filler, and a share of the messages
// borrow a word from another queue so that the task is not trivially
// separable.
var queues = map[string][]string{
	"billing":  {"invoice", "charged", "refund", "payment", "card", "receipt", "subscription", "price", "billed", "twice"},
	"shipping": {"parcel", "delivery", "courier", "tracking", "arrived", "package", "address", "shipped", "late", "box"},
	"account":  {"password", "login", "email", "username", "locked", "reset", "profile", "sign", "verification", "code"},
	"bug":      {"crash", "error", "screen", "button", "freezes", "app", "update", "blank", "loading", "broken"},
}

var filler = []string{"hello", "please", "my", "the", "i", "it", "is", "not", "again", "today", "help", "thanks", "why", "can", "you", "still", "since", "monday", "order", "support"}

func corpus(n int, seed uint64) []Example {
	rng := rand.New(rand.NewPCG(seed, 7))
	names := []string{"account", "billing", "bug", "shipping"}
	out := make([]Example, n)
	for i := range out {
		label := names[rng.IntN(len(names))]
		var words []string
		for range 6 + rng.IntN(10) {
			switch x := rng.Float64(); {
			case x < 0.35:
				words = append(words, queues[label][rng.IntN(len(queues[label]))])
			case x < 0.42:
				other := queues[names[rng.IntN(len(names))]]
				words = append(words, other[rng.IntN(len(other))])
			default:
				words = append(words, filler[rng.IntN(len(filler))])
			}
		}
		out[i] = Example{ID: fmt.Sprintf("r%05d", i), Text: strings.Join(words, " "), Label: label}
	}
	return out
}
