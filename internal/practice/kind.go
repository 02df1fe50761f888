package practice

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sort"
)

// Kind is one family of practice tasks.
type Kind struct {
	// Name is the kind's identifier, used in URLs ("checkbox-list").
	Name string
	// Covers names what the kind exercises ("checkboxes a list names",
	// "loop", "late element").
	Covers string
	// Params lists the run parameters the kind's instances take instead
	// of reading them from the page; nil for kinds whose inputs are all on
	// the page.
	Params []string
	// generate makes the instance of seed.
	generate func(r *rand.Rand) Instance
}

// Instance is one task of a kind, made from a seed.
type Instance struct {
	Kind string
	Seed uint64
	// Pages are the instance's pages by name; "" is the start page.
	Pages map[string]Page
	// Params are the run parameters, for kinds that take them.
	Params map[string]string
	// Expect is the state the page must hold after a successful run.
	Expect map[string]any
	// Solve performs the instance with scripted hands, on a tab already
	// showing its start page.
	Solve func(ctx context.Context, h *Hand) error
}

// Page is one page of an instance.
type Page struct {
	Title string
	// Instruction says, in HTML, what to do; it is shown above Body.
	Instruction string
	// Body is the page's HTML, Script its JavaScript (run after Body).
	Body   string
	Script string
	// Data is given to Script as the constant DATA (JSON).
	Data any
	// Bare pages (a frame's document) have no title, note or offsets.
	Bare bool
	// Start marks the page where a run begins: loading it forgets any
	// earlier state.
	Start bool
}

// Generate makes the instance of seed. The same seed gives the same
// instance; different seeds give different values, order and layout.
func (k Kind) Generate(seed uint64) Instance {
	h := fnv.New64a()
	h.Write([]byte(k.Name))
	r := rand.New(rand.NewPCG(mix(seed), h.Sum64()))
	in := k.generate(r)
	in.Kind, in.Seed = k.Name, seed
	if p, ok := in.Pages[""]; ok {
		p.Start = true
		in.Pages[""] = p
	}
	return in
}

// Check is a JavaScript expression that is true on a page of the instance
// when the run succeeded.
func (in Instance) Check() string {
	want, _ := json.Marshal(canonical(in.Expect))
	return fmt.Sprintf("(window.practice !== undefined && window.practice.result() === %s)", want)
}

// StateKey is where the page keeps its state in sessionStorage.
func (in Instance) StateKey() string {
	return fmt.Sprintf("practice:%s:%d", in.Kind, in.Seed)
}

// canonical is v as JSON with object keys sorted and no HTML escaping, as
// the pages' stable() writes it.
func canonical(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // Expect holds only strings, lists and maps
	}
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}

var kinds = map[string]Kind{}

// register adds a kind; each task file registers its own.
func register(k Kind) {
	if _, dup := kinds[k.Name]; dup {
		panic("practice: kind registered twice: " + k.Name)
	}
	kinds[k.Name] = k
}

// Kinds returns every kind, by name.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the kind named name.
func Lookup(name string) (Kind, bool) {
	k, ok := kinds[name]
	return k, ok
}

// pick returns n distinct items of pool in random order.
func pick[T any](r *rand.Rand, pool []T, n int) []T {
	idx := r.Perm(len(pool))[:n]
	out := make([]T, n)
	for i, j := range idx {
		out[i] = pool[j]
	}
	return out
}

// one returns one item of pool.
func one[T any](r *rand.Rand, pool []T) T { return pool[r.IntN(len(pool))] }

// shuffled returns a shuffled copy of items.
func shuffled[T any](r *rand.Rand, items []T) []T {
	out := slices.Clone(items)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// mix spreads a small seed over all 64 bits (SplitMix64's finaliser):
// PCG's first outputs from seeds 1, 2, 3 with one stream are alike.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
