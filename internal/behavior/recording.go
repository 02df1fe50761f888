package behavior

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Kind names what happened in one recorded event. The names are those of the
// DOM events the extension listens to, so that a recording reads like the
// page saw it.
type Kind string

const (
	// KindNavigate is a page load, whether typed, followed from a link or
	// caused by a form.
	KindNavigate Kind = "navigate"
	// KindClick is a click released on an element.
	KindClick Kind = "click"
	// KindDoubleClick is a double click, reported once: the extension does
	// not also report the two clicks the browser fires before it.
	KindDoubleClick Kind = "dblclick"
	// KindKeyDown and KindKeyUp carry a key class, never the key itself.
	// Auto-repeat keydowns (KeyboardEvent.repeat) are not recorded: their
	// rhythm is the operating system's, not the person's.
	KindKeyDown Kind = "keydown"
	KindKeyUp   Kind = "keyup"
	// KindInput is a field's value changing (the Recorder's "change" step).
	KindInput Kind = "input"
	// KindScroll is one scroll event; ScrollY holds the page offset after it.
	KindScroll Kind = "scroll"
	// KindHover is the pointer coming to rest without a click, reported with
	// the movement that led there.
	KindHover Kind = "hover"
)

// KeyClass is what the recording keeps of a key: enough to count corrections
// and measure rhythm, never enough to reconstruct what was typed.
type KeyClass string

const (
	KeyChar      KeyClass = "char" // any printing character, space included
	KeyBackspace KeyClass = "backspace"
	KeyDelete    KeyClass = "delete"
	KeyEnter     KeyClass = "enter"
	KeyTab       KeyClass = "tab"
	KeyArrow     KeyClass = "arrow"
	KeyModifier  KeyClass = "modifier" // Shift, Control, Alt, Meta
)

// Point is one pointer sample: time since the recording started and the
// position in CSS pixels relative to the viewport.
type Point struct {
	T    time.Duration
	X, Y float64
}

// Rect is an element's bounding box in CSS pixels relative to the viewport,
// as getBoundingClientRect reports it.
type Rect struct {
	X, Y, W, H float64
}

// Centre returns the point automation tools aim at.
func (r Rect) Centre() (x, y float64) { return r.X + r.W/2, r.Y + r.H/2 }

// Size is a viewport's width and height in CSS pixels.
type Size struct {
	W, H float64
}

// Event is one recorded event. Fields that do not apply to its Kind are zero.
type Event struct {
	Kind Kind
	// T is the time since the recording started.
	T time.Duration
	// X and Y are the pointer position of a click, double click or hover.
	// A click activated from the keyboard (Enter on a focused button) has
	// no position; the browser reports 0, 0 and so does the extension.
	X, Y float64
	// Path holds the pointer samples of the movement that led to this event,
	// oldest first: the pointermove events since the previous click or hover,
	// thinned by the extension to at most MaxPathPoints. Nil if the pointer
	// did not move.
	Path []Point
	// Key is the key class of a keydown or keyup.
	Key KeyClass
	// Target is the selector of the element acted on, as in the Recorder
	// step; "" if none.
	Target string
	// Box is the target element's bounding box when the event happened;
	// zero if unknown.
	Box Rect
	// ScrollY is the page's vertical scroll offset after a scroll event.
	ScrollY float64
}

// Recording is one recorded piece of browser work.
type Recording struct {
	Events   []Event
	Viewport Size
}

// Limits on what a recording may hold. They keep the cost of scoring bounded
// and every arithmetic result finite; an honest recording stays far inside.
const (
	// MaxEvents is the most events a recording may hold: about an hour of
	// steady typing.
	MaxEvents = 50_000
	// MaxPathPoints is the most samples one movement may carry. The extension
	// keeps at most 64; the slack tolerates other recorders.
	MaxPathPoints = 256
	// MaxDuration is the longest a recording may run.
	MaxDuration = 24 * time.Hour
	// MaxCoordinate bounds every position, size and scroll offset, in CSS
	// pixels.
	MaxCoordinate = 1e6
)

// Errors of [Recording.Validate], found with errors.Is.
var (
	ErrTooLarge = errors.New("too large")
	ErrOrder    = errors.New("time goes backwards")
	ErrRange    = errors.New("value out of range")
	ErrKind     = errors.New("unknown kind")
)

// Validate reports the first way in which r could not have come from an
// honest recorder: times out of order or out of range, positions that are
// not finite, unknown kinds. An empty recording is valid; it just carries no
// evidence.
func (r Recording) Validate() error {
	if len(r.Events) > MaxEvents {
		return fmt.Errorf("%d events, at most %d: %w", len(r.Events), MaxEvents, ErrTooLarge)
	}
	if err := checkCoord("viewport width", r.Viewport.W, true); err != nil {
		return err
	}
	if err := checkCoord("viewport height", r.Viewport.H, true); err != nil {
		return err
	}
	var prev time.Duration
	for i, e := range r.Events {
		if err := e.validate(prev); err != nil {
			return fmt.Errorf("event %d (%s): %w", i, e.Kind, err)
		}
		prev = e.T
	}
	return nil
}

func (e Event) validate(prev time.Duration) error {
	switch e.Kind {
	case KindNavigate, KindClick, KindDoubleClick, KindInput, KindScroll, KindHover:
	case KindKeyDown, KindKeyUp:
		switch e.Key {
		case KeyChar, KeyBackspace, KeyDelete, KeyEnter, KeyTab, KeyArrow, KeyModifier:
		default:
			return fmt.Errorf("key class %q: %w", e.Key, ErrKind)
		}
	default:
		return fmt.Errorf("%q: %w", e.Kind, ErrKind)
	}
	if e.T < 0 || e.T > MaxDuration {
		return fmt.Errorf("time %v: %w", e.T, ErrRange)
	}
	if e.T < prev {
		return fmt.Errorf("time %v after %v: %w", e.T, prev, ErrOrder)
	}
	for _, c := range [...]struct {
		name        string
		v           float64
		nonNegative bool
	}{
		{"x", e.X, false}, {"y", e.Y, false},
		{"box x", e.Box.X, false}, {"box y", e.Box.Y, false},
		{"box width", e.Box.W, true}, {"box height", e.Box.H, true},
		{"scroll offset", e.ScrollY, false},
	} {
		if err := checkCoord(c.name, c.v, c.nonNegative); err != nil {
			return err
		}
	}
	if len(e.Path) > MaxPathPoints {
		return fmt.Errorf("path of %d points, at most %d: %w", len(e.Path), MaxPathPoints, ErrTooLarge)
	}
	var pt time.Duration
	for j, p := range e.Path {
		if p.T < 0 || p.T > e.T {
			return fmt.Errorf("path point %d: time %v not within 0..%v: %w", j, p.T, e.T, ErrRange)
		}
		if p.T < pt {
			return fmt.Errorf("path point %d: time %v after %v: %w", j, p.T, pt, ErrOrder)
		}
		pt = p.T
		if err := checkCoord("x", p.X, false); err != nil {
			return fmt.Errorf("path point %d: %w", j, err)
		}
		if err := checkCoord("y", p.Y, false); err != nil {
			return fmt.Errorf("path point %d: %w", j, err)
		}
	}
	return nil
}

func checkCoord(name string, v float64, nonNegative bool) error {
	if math.IsNaN(v) || math.Abs(v) > MaxCoordinate || (nonNegative && v < 0) {
		return fmt.Errorf("%s %v: %w", name, v, ErrRange)
	}
	return nil
}
