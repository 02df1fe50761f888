package recording

import (
	"encoding/json"
	"strings"

	"github.com/allmende/allmende/internal/behavior"
)

// Step types of the Recorder's schema.
const (
	StepNavigate                 = "navigate"
	StepClick                    = "click"
	StepDoubleClick              = "doubleClick"
	StepChange                   = "change"
	StepKeyDown                  = "keyDown"
	StepKeyUp                    = "keyUp"
	StepScroll                   = "scroll"
	StepSetViewport              = "setViewport"
	StepWaitForElement           = "waitForElement"
	StepWaitForExpression        = "waitForExpression"
	StepHover                    = "hover"
	StepClose                    = "close"
	StepEmulateNetworkConditions = "emulateNetworkConditions"
	StepCustom                   = "customStep"
)

// Limits on what Parse accepts.
const (
	// MaxBytes is the largest recording file: an hour of recorded events
	// with pointer paths stays well below it.
	MaxBytes = 10 << 20
	// MaxSteps is the most steps a recording may hold.
	MaxSteps = 5000
	// MaxErrors is the most problems Parse reports; a file with more is
	// probably not a recording at all.
	MaxErrors = 50
	// MinTimeout and MaxTimeout bound a timeout in milliseconds, as
	// @puppeteer/replay does.
	MinTimeout = 1
	MaxTimeout = 30_000
)

// Recording is one recorded user flow.
type Recording struct {
	Title string
	// Timeout is the default wait of every step in milliseconds; 0 if the
	// file gives none.
	Timeout int
	// SelectorAttribute is the attribute the Recorder preferred when it
	// wrote selectors (data-testid …); informational.
	SelectorAttribute string
	Steps             []Step
	// Allmende is the extension object, nil in a plain Recorder file.
	Allmende *Extension
	// Extra holds top-level fields this package does not know, as compact
	// JSON, so that they survive an import and export.
	Extra map[string]json.RawMessage

	// bound is set by Bind: the placeholders are filled in, and what is
	// left that looks like one is text the person gave.
	bound bool
}

// Step is one step of a recording. Which fields mean something depends on
// Type; a field that the schema does not define for the step's type is kept
// in Extra instead, so that it round-trips without being acted on.
type Step struct {
	Type string
	// Selectors are alternatives for the element the step acts on, best
	// first. Required by click, doubleClick, hover, change and
	// waitForElement; optional for scroll.
	Selectors []Selector
	// Frame is the path of child-frame indexes from the page's main frame to
	// the frame the step acts in; nil for the main frame.
	Frame []int
	// Target is "main" (or "") for the page the recording started in, or
	// the URL of a page the flow opened (a popup).
	Target string
	// Timeout overrides the recording's timeout for this step, in
	// milliseconds; 0 if not given.
	Timeout        int
	AssertedEvents []AssertedEvent

	// Value is what a change step puts into its field.
	Value string
	// URL is where a navigate step goes.
	URL string
	// Key is the key of a keyDown or keyUp step, as KeyboardEvent.key
	// names it ("Enter", "a", "Control").
	Key string
	// Expression is the JavaScript a waitForExpression step waits to be
	// truthy.
	Expression string

	// OffsetX and OffsetY are where a click or doubleClick lands, relative
	// to the top-left corner of the element's border box.
	OffsetX, OffsetY float64
	// Button is "primary" (or ""), "auxiliary", "secondary", "back" or
	// "forward".
	Button string
	// DeviceType is "mouse", "pen" or "touch"; "" if not given.
	DeviceType string
	// Duration is how long the button is held, in milliseconds.
	Duration float64

	// X and Y are a scroll step's target offsets; nil if not given (0).
	X, Y *float64

	// Width, Height, DeviceScaleFactor, IsMobile, HasTouch and IsLandscape
	// are a setViewport step's emulated screen.
	Width, Height, DeviceScaleFactor float64
	IsMobile, HasTouch, IsLandscape  bool

	// Operator ("", ">=", "==", "<="), Count (nil: 1) and Visible (nil:
	// true) say what a waitForElement step waits for; Attributes and
	// Properties, if given, must match every element found.
	Operator   string
	Count      *int
	Visible    *bool
	Attributes map[string]string
	Properties json.RawMessage

	// Download, Upload (bytes/s) and Latency (ms) are an
	// emulateNetworkConditions step's throttling.
	Download, Upload, Latency float64

	// Name and CustomParameters belong to a customStep, which only the
	// extension that recorded it can run.
	Name             string
	CustomParameters json.RawMessage

	// Extra holds the step's fields this package does not know for its
	// type, as compact JSON.
	Extra map[string]json.RawMessage
}

// Selector is one alternative way to find an element: a chain of parts,
// each looked up inside the shadow root (or the element itself, when it has
// none) of the element the previous part found. A part is a CSS selector or
// one of the Recorder's prefixed forms: "aria/Name", "aria/Name[role=\"button\"]",
// "text/Some text", "xpath//html/body/p", "pierce/css" (CSS that looks into
// open shadow roots).
type Selector []string

// AssertedEvent is an event a step is expected to cause. The Recorder
// writes only navigations.
type AssertedEvent struct {
	Type  string // "navigation"
	URL   string // "" if not checked
	Title string // "" if not checked
	Extra map[string]json.RawMessage
}

// Extension is Allmende's "allmende" object.
type Extension struct {
	// Version of the extension format; this package reads and writes 1.
	Version int
	// Recorder names the program that made the recording
	// ("allmende-extension/0.1").
	Recorder string
	// Viewport is the window's size when recording started.
	Viewport   Viewport
	Parameters []Parameter
	// Masked lists the indexes of change steps whose value was withheld.
	Masked []int
	Events []Event
	// Targets and Outlines are what a learner needs (see outline.go);
	// both are optional.
	Targets  []Target
	Outlines []Outline
}

// ExtensionVersion is the version of the "allmende" object this package
// reads and writes.
const ExtensionVersion = 1

// Viewport is a size in CSS pixels.
type Viewport struct {
	Width, Height float64
}

// Parameter is a value that changes from run to run. Name appears in the
// steps as {{name}}.
type Parameter struct {
	Name    string `json:"name"`
	Label   string `json:"label,omitempty"`
	Default string `json:"default,omitempty"` // "" for none
}

// Event is one recorded event, as the extension writes it. It mirrors
// behavior.Event with times in milliseconds.
type Event struct {
	Kind behavior.Kind
	// T is the time since the recording started, in milliseconds.
	T    float64
	X, Y float64
	// Path holds pointer samples [t_ms, x, y], oldest first.
	Path [][3]float64
	Key  behavior.KeyClass
	// Target is the selector of the element acted on.
	Target string
	// Box is the element's bounding box [x, y, width, height]; zero if
	// unknown.
	Box     [4]float64
	ScrollY float64
}

// TargetMain is the Target of steps on the page the recording started in.
const TargetMain = "main"

// IsMain reports whether the step acts on the page the recording started
// in.
func (s Step) IsMain() bool { return s.Target == "" || s.Target == TargetMain }

// String returns the selector for people to read: its one part, or its
// parts joined by " >>>> " (Puppeteer's notation for "inside the shadow
// root of") when it is a chain.
func (s Selector) String() string { return strings.Join(s, " >>>> ") }
