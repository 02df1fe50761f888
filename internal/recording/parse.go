package recording

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// stepTypes lists the step types of the schema, in the order errors name
// them.
var stepTypes = []string{
	StepNavigate, StepClick, StepDoubleClick, StepChange, StepKeyDown, StepKeyUp,
	StepScroll, StepSetViewport, StepWaitForElement, StepWaitForExpression,
	StepHover, StepClose, StepEmulateNetworkConditions, StepCustom,
}

var (
	buttons     = []string{"primary", "auxiliary", "secondary", "back", "forward"}
	deviceTypes = []string{"mouse", "pen", "touch"}
	operators   = []string{">=", "==", "<="}
)

// Parse reads a recording. On invalid input it returns *Errors listing every
// problem found (up to MaxErrors), each tied to its step and field.
func Parse(data []byte) (Recording, error) {
	var errs errorList
	if len(data) > MaxBytes {
		errs.add(-1, "", "", "the recording is %d bytes, at most %d are accepted", len(data), MaxBytes)
		return Recording{}, errs.err()
	}
	if !utf8.Valid(data) {
		errs.add(-1, "", "", "the recording is not valid UTF-8")
		return Recording{}, errs.err()
	}
	fields, err := decodeObject(data)
	if err != nil {
		errs.add(-1, "", "", "not a recording: %s", describeJSONError(data, err))
		return Recording{}, errs.err()
	}
	top := &object{m: fields, errs: &errs, step: -1}

	var r Recording
	r.Title, _ = top.str("title", true)
	if t, ok := top.integer("timeout", false); ok {
		if t < MinTimeout || t > MaxTimeout {
			top.fail("timeout", "%d is not between %d and %d milliseconds", t, MinTimeout, MaxTimeout)
		}
		r.Timeout = t
	}
	r.SelectorAttribute, _ = top.str("selectorAttribute", false)
	r.Steps = parseSteps(top, &errs)
	if raw, ok := top.take("allmende"); ok {
		r.Allmende = parseExtension(raw, r.Steps, &errs)
	}
	r.Extra = top.rest()
	if r.Allmende != nil {
		checkPlaceholders(r, &errs)
	}
	// The field-by-field reading names problems in its own words; the
	// schema, the published contract, has the last say.
	if raw, ok := fields["allmende"]; ok && len(errs.list) == 0 {
		checkSchema(raw, &errs)
	}
	if err := errs.err(); err != nil {
		return Recording{}, err
	}
	return r, nil
}

func parseSteps(top *object, errs *errorList) []Step {
	raw, ok := top.take("steps")
	if !ok {
		top.fail("steps", "missing")
		return nil
	}
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		top.fail("steps", "must be an array of steps")
		return nil
	}
	if len(list) > MaxSteps {
		top.fail("steps", "%d steps, at most %d are accepted", len(list), MaxSteps)
		return nil
	}
	steps := make([]Step, len(list))
	for i, raw := range list {
		steps[i] = parseStep(i, raw, errs)
	}
	return steps
}

func parseStep(i int, raw json.RawMessage, errs *errorList) Step {
	var s Step
	fields, err := decodeObject(raw)
	if err != nil {
		errs.add(i, "", "", "must be an object")
		return s
	}
	o := &object{m: fields, errs: errs, step: i}
	s.Type, _ = o.str("type", true)
	o.typ = s.Type
	if !slices.Contains(stepTypes, s.Type) {
		if _, ok := fields["type"]; ok {
			o.fail("type", "unknown step type %q (known: %s)", s.Type, strings.Join(stepTypes, ", "))
		}
		s.Extra = o.rest()
		return s
	}

	// Fields every step has.
	s.Target, _ = o.str("target", false)
	if t, ok := o.integer("timeout", false); ok {
		if t < MinTimeout || t > MaxTimeout {
			o.fail("timeout", "%d is not between %d and %d milliseconds", t, MinTimeout, MaxTimeout)
		}
		s.Timeout = t
	}
	s.AssertedEvents = o.assertedEvents()

	// Fields of the step's type; the schema's required ones first.
	switch s.Type {
	case StepClick, StepDoubleClick:
		s.Frame = o.frame()
		s.Selectors = o.selectors(true)
		s.OffsetX, _ = o.num("offsetX", true)
		s.OffsetY, _ = o.num("offsetY", true)
		s.Button = o.oneOf("button", buttons)
		s.DeviceType = o.oneOf("deviceType", deviceTypes)
		if d, ok := o.num("duration", false); ok {
			if d < 0 {
				o.fail("duration", "must not be negative")
			}
			s.Duration = d
		}
	case StepHover:
		s.Frame = o.frame()
		s.Selectors = o.selectors(true)
	case StepChange:
		s.Frame = o.frame()
		s.Selectors = o.selectors(true)
		s.Value, _ = o.str("value", true)
	case StepKeyDown, StepKeyUp:
		if k, ok := o.str("key", true); ok {
			if k == "" {
				o.fail("key", "must not be empty")
			}
			s.Key = k
		}
	case StepScroll:
		s.Frame = o.frame()
		s.Selectors = o.selectors(false)
		if x, ok := o.num("x", false); ok {
			s.X = &x
		}
		if y, ok := o.num("y", false); ok {
			s.Y = &y
		}
	case StepSetViewport:
		s.Width, _ = o.num("width", true)
		s.Height, _ = o.num("height", true)
		s.DeviceScaleFactor, _ = o.num("deviceScaleFactor", true)
		s.IsMobile, _ = o.boolean("isMobile", true)
		s.HasTouch, _ = o.boolean("hasTouch", true)
		s.IsLandscape, _ = o.boolean("isLandscape", true)
		for _, f := range [...]struct {
			name string
			v    float64
		}{{"width", s.Width}, {"height", s.Height}} {
			if _, ok := o.m[f.name]; ok && (f.v < 1 || f.v > 100_000 || f.v != math.Trunc(f.v)) {
				o.fail(f.name, "%v is not a whole number of pixels between 1 and 100000", f.v)
			}
		}
		if s.DeviceScaleFactor < 0 || s.DeviceScaleFactor > 100 {
			o.fail("deviceScaleFactor", "%v is not between 0 and 100", s.DeviceScaleFactor)
		}
	case StepNavigate:
		if u, ok := o.str("url", true); ok {
			if strings.TrimSpace(u) == "" {
				o.fail("url", "must not be empty")
			}
			s.URL = u
		}
	case StepWaitForElement:
		s.Frame = o.frame()
		s.Selectors = o.selectors(true)
		s.Operator = o.oneOf("operator", operators)
		if n, ok := o.integer("count", false); ok {
			if n < 0 {
				o.fail("count", "must not be negative")
			}
			s.Count = &n
		}
		if v, ok := o.boolean("visible", false); ok {
			s.Visible = &v
		}
		s.Attributes = o.stringMap("attributes")
		if raw, ok := o.take("properties"); ok {
			if !isObject(raw) {
				o.fail("properties", "must be an object")
			}
			s.Properties = canonical(raw)
		}
	case StepWaitForExpression:
		s.Frame = o.frame()
		if e, ok := o.str("expression", true); ok {
			if strings.TrimSpace(e) == "" {
				o.fail("expression", "must not be empty")
			}
			s.Expression = e
		}
	case StepEmulateNetworkConditions:
		s.Download, _ = o.num("download", true)
		s.Upload, _ = o.num("upload", true)
		s.Latency, _ = o.num("latency", true)
	case StepCustom:
		s.Frame = o.frame()
		s.Name, _ = o.str("name", true)
		if raw, ok := o.take("parameters"); ok {
			s.CustomParameters = canonical(raw)
		}
	case StepClose:
	}
	s.Extra = o.rest()
	return s
}

// object reads the fields of one JSON object, records problems, and keeps
// the fields nobody asked for.
type object struct {
	m      map[string]json.RawMessage
	used   map[string]bool
	errs   *errorList
	step   int
	typ    string
	prefix string // "allmende." inside the extension object
}

func (o *object) fail(field, format string, args ...any) {
	o.errs.add(o.step, o.typ, o.prefix+field, format, args...)
}

// take returns a field's raw value and marks it as read.
func (o *object) take(name string) (json.RawMessage, bool) {
	raw, ok := o.m[name]
	if !ok {
		return nil, false
	}
	if o.used == nil {
		o.used = map[string]bool{}
	}
	o.used[name] = true
	return raw, true
}

// rest returns the fields not taken, as compact JSON, or nil.
func (o *object) rest() map[string]json.RawMessage {
	var extra map[string]json.RawMessage
	for k, v := range o.m {
		if o.used[k] {
			continue
		}
		if extra == nil {
			extra = map[string]json.RawMessage{}
		}
		extra[k] = canonical(v)
	}
	return extra
}

// unknown reports every field not taken as an error; for Allmende's own
// objects, which must not carry anything unchecked.
func (o *object) unknown() {
	var names []string
	for k := range o.m {
		if !o.used[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		o.fail(k, "unknown field")
	}
}

func (o *object) str(name string, required bool) (string, bool) {
	raw, ok := o.take(name)
	if !ok {
		if required {
			o.fail(name, "missing")
		}
		return "", false
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		o.fail(name, "must be a string")
		return "", false
	}
	return s, true
}

func (o *object) num(name string, required bool) (float64, bool) {
	raw, ok := o.take(name)
	if !ok {
		if required {
			o.fail(name, "missing")
		}
		return 0, false
	}
	v, ok := number(raw)
	if !ok {
		o.fail(name, "must be a number")
		return 0, false
	}
	return v, true
}

func (o *object) integer(name string, required bool) (int, bool) {
	v, ok := o.num(name, required)
	if !ok {
		return 0, false
	}
	if v != math.Trunc(v) || math.Abs(v) > 1<<31 {
		o.fail(name, "%v is not a whole number", v)
		return 0, false
	}
	return int(v), true
}

func (o *object) boolean(name string, required bool) (bool, bool) {
	raw, ok := o.take(name)
	if !ok {
		if required {
			o.fail(name, "missing")
		}
		return false, false
	}
	switch string(raw) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	o.fail(name, "must be true or false")
	return false, false
}

// oneOf reads an optional string that must be one of allowed.
func (o *object) oneOf(name string, allowed []string) string {
	s, ok := o.str(name, false)
	if ok && !slices.Contains(allowed, s) {
		o.fail(name, "%q is not one of %s", s, strings.Join(allowed, ", "))
	}
	return s
}

func (o *object) stringMap(name string) map[string]string {
	raw, ok := o.take(name)
	if !ok {
		return nil
	}
	var m map[string]string
	if !isObject(raw) || json.Unmarshal(raw, &m) != nil {
		o.fail(name, "must be an object whose values are strings")
		return nil
	}
	return m
}

func (o *object) frame() []int {
	raw, ok := o.take("frame")
	if !ok {
		return nil
	}
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		o.fail("frame", "must be an array of frame indexes")
		return nil
	}
	frame := make([]int, 0, len(list))
	for i, e := range list {
		v, ok := number(e)
		if !ok || v != math.Trunc(v) || v < 0 || v > 1<<20 {
			o.fail(fmt.Sprintf("frame[%d]", i), "must be a frame index (a whole number from 0)")
			continue
		}
		frame = append(frame, int(v))
	}
	return frame
}

func (o *object) selectors(required bool) []Selector {
	raw, ok := o.take("selectors")
	if !ok {
		if required {
			o.fail("selectors", "missing: at least one selector is needed")
		}
		return nil
	}
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		o.fail("selectors", "must be an array of selectors")
		return nil
	}
	if len(list) == 0 {
		o.fail("selectors", "at least one selector is needed")
		return nil
	}
	sels := make([]Selector, 0, len(list))
	for i, e := range list {
		field := fmt.Sprintf("selectors[%d]", i)
		var sel Selector
		var one string
		switch {
		case e[0] == '"' && json.Unmarshal(e, &one) == nil:
			sel = Selector{one}
		case isArray(e) && json.Unmarshal(e, &sel) == nil:
			if len(sel) == 0 {
				o.fail(field, "an empty array is not a selector")
				continue
			}
		default:
			o.fail(field, "must be a string or an array of strings")
			continue
		}
		for j, part := range sel {
			if msg := checkPart(part); msg != "" {
				if len(sel) > 1 {
					o.fail(fmt.Sprintf("%s[%d]", field, j), "%s", msg)
				} else {
					o.fail(field, "%s", msg)
				}
			}
		}
		sels = append(sels, sel)
	}
	return sels
}

func (o *object) assertedEvents() []AssertedEvent {
	raw, ok := o.take("assertedEvents")
	if !ok {
		return nil
	}
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		o.fail("assertedEvents", "must be an array of events")
		return nil
	}
	events := make([]AssertedEvent, 0, len(list))
	for i, e := range list {
		fields, err := decodeObject(e)
		field := fmt.Sprintf("assertedEvents[%d]", i)
		if err != nil {
			o.fail(field, "must be an object")
			continue
		}
		eo := &object{m: fields, errs: o.errs, step: o.step, typ: o.typ, prefix: o.prefix + field + "."}
		var ev AssertedEvent
		ev.Type, _ = eo.str("type", true)
		if _, ok := fields["type"]; ok && ev.Type != "navigation" {
			eo.fail("type", "%q is not an event the Recorder asserts (navigation)", ev.Type)
		}
		ev.URL, _ = eo.str("url", false)
		ev.Title, _ = eo.str("title", false)
		ev.Extra = eo.rest()
		events = append(events, ev)
	}
	return events
}

// decodeObject decodes a JSON object into its fields.
func decodeObject(raw []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m == nil { // the JSON was null
		return nil, errors.New("null is not an object")
	}
	return m, nil
}

func number(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 || !(raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
		return 0, false
	}
	var v float64
	if json.Unmarshal(raw, &v) != nil {
		return 0, false
	}
	return v, true
}

// A json.RawMessage taken from a decoded object has no surrounding space.
func isArray(raw json.RawMessage) bool  { return len(raw) > 0 && raw[0] == '[' }
func isObject(raw json.RawMessage) bool { return len(raw) > 0 && raw[0] == '{' }

// canonical returns raw JSON compacted, the form it is kept and written in,
// so that a value survives any number of parse and write cycles unchanged.
func canonical(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return slices.Clone(raw)
	}
	return b.Bytes()
}

// describeJSONError says where JSON went wrong, by line and column.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var off int64
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		return "the file must hold one JSON object"
	default:
		return err.Error()
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n') - 1
	return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, err)
}
