package recording

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"time"

	"github.com/allmende/allmende/internal/behavior"
)

// parameterName is what a parameter may be called.
var parameterName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// maxEventMillis is behavior.MaxDuration in milliseconds: no event time
// beyond it can be valid, and checking it first keeps the conversion to
// time.Duration in range.
const maxEventMillis = float64(behavior.MaxDuration / time.Millisecond)

var (
	eventKinds = []behavior.Kind{
		behavior.KindNavigate, behavior.KindClick, behavior.KindDoubleClick, behavior.KindKeyDown,
		behavior.KindKeyUp, behavior.KindInput, behavior.KindScroll, behavior.KindHover,
	}
	keyClasses = []behavior.KeyClass{
		behavior.KeyChar, behavior.KeyBackspace, behavior.KeyDelete, behavior.KeyEnter,
		behavior.KeyTab, behavior.KeyArrow, behavior.KeyModifier,
	}
)

// parseExtension reads the "allmende" object. Unlike the Recorder's own
// fields, an unknown field here is an error: the object is ours, and a
// field nobody checks could carry what a recording must never hold (typed
// text).
func parseExtension(raw json.RawMessage, steps []Step, errs *errorList) *Extension {
	fields, err := decodeObject(raw)
	if err != nil {
		errs.add(-1, "", "allmende", "must be an object")
		return nil
	}
	o := &object{m: fields, errs: errs, step: -1, prefix: "allmende."}
	x := &Extension{}
	if v, ok := o.integer("version", true); ok {
		if v != ExtensionVersion {
			o.fail("version", "version %d is not supported; this build reads version %d", v, ExtensionVersion)
		}
		x.Version = v
	}
	x.Recorder, _ = o.str("recorder", false)
	if raw, ok := o.take("viewport"); ok {
		x.Viewport = parseViewport(raw, errs)
	}
	if raw, ok := o.take("parameters"); ok {
		x.Parameters = parseParameters(raw, errs)
	}
	if raw, ok := o.take("masked"); ok {
		x.Masked = parseMasked(raw, steps, errs)
	}
	if raw, ok := o.take("events"); ok {
		x.Events = parseEvents(raw, errs)
		if !errs.full() {
			b := behavior.Recording{Events: behaviorEvents(x.Events), Viewport: behavior.Size{W: x.Viewport.Width, H: x.Viewport.Height}}
			if err := b.Validate(); err != nil {
				errs.add(-1, "", "allmende.events", "%v", err)
			}
		}
	}
	if raw, ok := o.take("targets"); ok {
		x.Targets = parseTargets(raw, steps, x.Masked, errs)
	}
	if raw, ok := o.take("outlines"); ok {
		x.Outlines = parseOutlines(raw, steps, errs)
	}
	o.unknown()
	return x
}

func parseViewport(raw json.RawMessage, errs *errorList) Viewport {
	fields, err := decodeObject(raw)
	if err != nil {
		errs.add(-1, "", "allmende.viewport", "must be an object")
		return Viewport{}
	}
	o := &object{m: fields, errs: errs, step: -1, prefix: "allmende.viewport."}
	var v Viewport
	v.Width, _ = o.num("width", true)
	v.Height, _ = o.num("height", true)
	if v.Width < 0 || v.Height < 0 || v.Width > behavior.MaxCoordinate || v.Height > behavior.MaxCoordinate {
		errs.add(-1, "", "allmende.viewport", "%v×%v is not a viewport size", v.Width, v.Height)
	}
	o.unknown()
	return v
}

func parseParameters(raw json.RawMessage, errs *errorList) []Parameter {
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		errs.add(-1, "", "allmende.parameters", "must be an array of parameters")
		return nil
	}
	params := make([]Parameter, 0, len(list))
	for i, e := range list {
		field := fmt.Sprintf("allmende.parameters[%d]", i)
		fields, err := decodeObject(e)
		if err != nil {
			errs.add(-1, "", field, "must be an object")
			continue
		}
		o := &object{m: fields, errs: errs, step: -1, prefix: field + "."}
		var p Parameter
		p.Name, _ = o.str("name", true)
		p.Label, _ = o.str("label", false)
		p.Default, _ = o.str("default", false)
		o.unknown()
		if _, ok := fields["name"]; ok && !parameterName.MatchString(p.Name) {
			o.fail("name", "%q is not a parameter name: a lower-case letter, then up to 39 lower-case letters, digits or _", p.Name)
		}
		if slices.ContainsFunc(params, func(q Parameter) bool { return q.Name == p.Name }) {
			o.fail("name", "parameter %q is declared twice", p.Name)
		}
		if r, ok := controlChar(p.Default); ok {
			o.fail("default", "contains the control character %U", r)
		}
		params = append(params, p)
	}
	return params
}

func parseMasked(raw json.RawMessage, steps []Step, errs *errorList) []int {
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		errs.add(-1, "", "allmende.masked", "must be an array of step indexes")
		return nil
	}
	masked := make([]int, 0, len(list))
	for i, e := range list {
		field := fmt.Sprintf("allmende.masked[%d]", i)
		v, ok := number(e)
		if !ok || v != math.Trunc(v) || v < 0 || v >= float64(len(steps)) {
			errs.add(-1, "", field, "%s is not the index of a step (0 to %d)", e, len(steps)-1)
			continue
		}
		idx := int(v)
		switch {
		case steps[idx].Type != StepChange:
			errs.add(-1, "", field, "step %d is a %s step; only change steps have values to mask", idx, steps[idx].Type)
		case slices.Contains(masked, idx):
			errs.add(-1, "", field, "step %d is listed twice", idx)
		}
		masked = append(masked, idx)
	}
	return masked
}

func parseEvents(raw json.RawMessage, errs *errorList) []Event {
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		errs.add(-1, "", "allmende.events", "must be an array of events")
		return nil
	}
	if len(list) > behavior.MaxEvents {
		errs.add(-1, "", "allmende.events", "%d events, at most %d are accepted", len(list), behavior.MaxEvents)
		return nil
	}
	events := make([]Event, 0, len(list))
	for i, e := range list {
		if errs.full() {
			break
		}
		field := fmt.Sprintf("allmende.events[%d]", i)
		fields, err := decodeObject(e)
		if err != nil {
			errs.add(-1, "", field, "must be an object")
			continue
		}
		o := &object{m: fields, errs: errs, step: -1, prefix: field + "."}
		var ev Event
		if k, ok := o.str("kind", true); ok {
			ev.Kind = behavior.Kind(k)
			if !slices.Contains(eventKinds, ev.Kind) {
				o.fail("kind", "%q is not an event kind", k)
			}
		}
		if t, ok := o.num("t", true); ok {
			ev.T = o.millis("t", t)
		}
		ev.X, _ = o.num("x", false)
		ev.Y, _ = o.num("y", false)
		if raw, ok := o.take("path"); ok {
			ev.Path = o.path(raw)
		}
		if k, ok := o.str("key", false); ok {
			ev.Key = behavior.KeyClass(k)
			if !slices.Contains(keyClasses, ev.Key) {
				o.fail("key", "%q is not a key class", k)
			}
		}
		ev.Target, _ = o.str("target", false)
		if raw, ok := o.take("box"); ok {
			var box []float64
			if !isArray(raw) || json.Unmarshal(raw, &box) != nil || len(box) != 4 {
				o.fail("box", "must be [x, y, width, height]")
			} else {
				ev.Box = [4]float64(box)
			}
		}
		ev.ScrollY, _ = o.num("scroll_y", false)
		o.unknown()
		events = append(events, ev)
	}
	return events
}

// millis checks that a time in milliseconds is one behavior can hold.
func (o *object) millis(field string, t float64) float64 {
	if t < 0 || t > maxEventMillis {
		o.fail(field, "%v ms is not between 0 and %v", t, maxEventMillis)
		return 0
	}
	return t
}

func (o *object) path(raw json.RawMessage) [][3]float64 {
	var pts [][]float64
	if !isArray(raw) || json.Unmarshal(raw, &pts) != nil {
		o.fail("path", "must be an array of [t_ms, x, y] samples")
		return nil
	}
	if len(pts) > behavior.MaxPathPoints {
		o.fail("path", "%d samples, at most %d", len(pts), behavior.MaxPathPoints)
		return nil
	}
	path := make([][3]float64, 0, len(pts))
	for j, p := range pts {
		if len(p) != 3 {
			o.fail(fmt.Sprintf("path[%d]", j), "must be [t_ms, x, y]")
			continue
		}
		p[0] = o.millis(fmt.Sprintf("path[%d]", j), p[0])
		path = append(path, [3]float64(p))
	}
	return path
}

// behaviorEvents converts events for package behavior.
func behaviorEvents(events []Event) []behavior.Event {
	out := make([]behavior.Event, len(events))
	for i, e := range events {
		out[i] = behavior.Event{
			Kind:    e.Kind,
			T:       millisToDuration(e.T),
			X:       e.X,
			Y:       e.Y,
			Key:     e.Key,
			Target:  e.Target,
			Box:     behavior.Rect{X: e.Box[0], Y: e.Box[1], W: e.Box[2], H: e.Box[3]},
			ScrollY: e.ScrollY,
		}
		if len(e.Path) > 0 {
			out[i].Path = make([]behavior.Point, len(e.Path))
			for j, p := range e.Path {
				out[i].Path[j] = behavior.Point{T: millisToDuration(p[0]), X: p[1], Y: p[2]}
			}
		}
	}
	return out
}

// EventsOf converts behavioural events into the allmende object's form:
// the inverse of what Behavior reads. Tests and tools use it to attach
// simulated evidence (behavior.SynthHuman, SynthBot) to a recording.
func EventsOf(events []behavior.Event) []Event {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	out := make([]Event, len(events))
	for i, e := range events {
		out[i] = Event{Kind: e.Kind, T: ms(e.T), X: e.X, Y: e.Y, Key: e.Key, Target: e.Target,
			Box: [4]float64{e.Box.X, e.Box.Y, e.Box.W, e.Box.H}, ScrollY: e.ScrollY}
		for _, p := range e.Path {
			out[i].Path = append(out[i].Path, [3]float64{ms(p.T), p.X, p.Y})
		}
	}
	return out
}

// millisToDuration converts milliseconds, clamped to what behavior
// accepts, so that a hand-built Event cannot overflow time.Duration.
func millisToDuration(ms float64) time.Duration {
	switch {
	case math.IsNaN(ms) || ms < 0:
		return -1 // invalid; behavior's validation names it
	case ms > maxEventMillis:
		return behavior.MaxDuration + time.Millisecond
	}
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}

// Behavior returns the recording's behavioural evidence for package
// behavior: the events and viewport of the allmende object. It fails when
// the recording has none (a plain Recorder file) or when they are not
// valid.
func (r Recording) Behavior() (behavior.Recording, error) {
	if r.Allmende == nil {
		return behavior.Recording{}, fmt.Errorf("recording %q has no allmende object, so no behavioural events", r.Title)
	}
	b := behavior.Recording{
		Events:   behaviorEvents(r.Allmende.Events),
		Viewport: behavior.Size{W: r.Allmende.Viewport.Width, H: r.Allmende.Viewport.Height},
	}
	if err := b.Validate(); err != nil {
		return behavior.Recording{}, fmt.Errorf("recording %q: behavioural events: %w", r.Title, err)
	}
	return b, nil
}
