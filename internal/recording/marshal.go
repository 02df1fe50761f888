package recording

import (
	"bytes"
	"encoding/json"
	"sort"
)

// MarshalJSON writes the recording, allmende object included, as compact
// JSON. Parse reads it back to an equal Recording.
func (r Recording) MarshalJSON() ([]byte, error) {
	var w writer
	w.recording(r, true)
	return w.finish()
}

// Export writes the recording as a plain Chrome Recorder file, indented
// with four spaces as Chrome writes it: the allmende object is left out, and
// every step stays. A masked change step keeps its empty value (dropping it
// would shift the indexes of later steps and change what the flow does), and
// {{name}} placeholders stay as text: Bind first to export a concrete
// recording.
func (r Recording) Export() ([]byte, error) {
	var w writer
	w.recording(r, false)
	compact, err := w.finish()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "    "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// writer builds JSON by hand so that fields come out in the Recorder's
// order and presence, and strings without HTML escaping (selectors are
// full of '>').
type writer struct {
	b     bytes.Buffer
	err   error
	first []bool // per open object or array: no member written yet
}

func (w *writer) finish() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	return w.b.Bytes(), nil
}

func (w *writer) open(c byte) {
	w.b.WriteByte(c)
	w.first = append(w.first, true)
}

func (w *writer) close(c byte) {
	w.b.WriteByte(c)
	w.first = w.first[:len(w.first)-1]
}

// sep writes the comma before every member but the first.
func (w *writer) sep() {
	n := len(w.first) - 1
	if !w.first[n] {
		w.b.WriteByte(',')
	}
	w.first[n] = false
}

func (w *writer) key(k string) {
	w.sep()
	w.value(k)
	w.b.WriteByte(':')
}

// value writes v as JSON; a json.RawMessage goes out as it is.
func (w *writer) value(v any) {
	if raw, ok := v.(json.RawMessage); ok {
		w.b.Write(raw)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil && w.err == nil {
		w.err = err
	}
	w.b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func (w *writer) field(k string, v any) {
	w.key(k)
	w.value(v)
}

func (w *writer) extra(m map[string]json.RawMessage) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w.field(k, m[k])
	}
}

func (w *writer) recording(r Recording, withExtension bool) {
	w.open('{')
	w.field("title", r.Title)
	if r.Timeout != 0 {
		w.field("timeout", r.Timeout)
	}
	if r.SelectorAttribute != "" {
		w.field("selectorAttribute", r.SelectorAttribute)
	}
	w.key("steps")
	w.open('[')
	for _, s := range r.Steps {
		w.sep()
		w.step(s)
	}
	w.close(']')
	if withExtension && r.Allmende != nil {
		w.key("allmende")
		w.extension(*r.Allmende)
	}
	w.extra(r.Extra)
	w.close('}')
}

// step writes a step's fields in the order Chrome's Recorder writes them.
func (w *writer) step(s Step) {
	w.open('{')
	w.field("type", s.Type)
	switch s.Type {
	case StepSetViewport:
		w.field("width", s.Width)
		w.field("height", s.Height)
		w.field("deviceScaleFactor", s.DeviceScaleFactor)
		w.field("isMobile", s.IsMobile)
		w.field("hasTouch", s.HasTouch)
		w.field("isLandscape", s.IsLandscape)
	case StepNavigate:
		w.field("url", s.URL)
	case StepChange:
		w.field("value", s.Value)
	case StepKeyDown, StepKeyUp:
		w.field("key", s.Key)
	case StepWaitForExpression:
		w.field("expression", s.Expression)
	case StepCustom:
		w.field("name", s.Name)
		if s.CustomParameters != nil {
			w.field("parameters", s.CustomParameters)
		}
	case StepEmulateNetworkConditions:
		w.field("download", s.Download)
		w.field("upload", s.Upload)
		w.field("latency", s.Latency)
	}
	if s.Target != "" {
		w.field("target", s.Target)
	}
	if s.Frame != nil {
		w.field("frame", s.Frame)
	}
	if s.Selectors != nil {
		w.field("selectors", s.Selectors)
	}
	switch s.Type {
	case StepClick, StepDoubleClick:
		w.field("offsetX", s.OffsetX)
		w.field("offsetY", s.OffsetY)
		if s.Button != "" {
			w.field("button", s.Button)
		}
		if s.DeviceType != "" {
			w.field("deviceType", s.DeviceType)
		}
		if s.Duration != 0 {
			w.field("duration", s.Duration)
		}
	case StepScroll:
		if s.X != nil {
			w.field("x", *s.X)
		}
		if s.Y != nil {
			w.field("y", *s.Y)
		}
	case StepWaitForElement:
		if s.Operator != "" {
			w.field("operator", s.Operator)
		}
		if s.Count != nil {
			w.field("count", *s.Count)
		}
		if s.Visible != nil {
			w.field("visible", *s.Visible)
		}
		if s.Attributes != nil {
			w.field("attributes", s.Attributes)
		}
		if s.Properties != nil {
			w.field("properties", s.Properties)
		}
	}
	if s.Timeout != 0 {
		w.field("timeout", s.Timeout)
	}
	if s.AssertedEvents != nil {
		w.key("assertedEvents")
		w.open('[')
		for _, e := range s.AssertedEvents {
			w.sep()
			w.open('{')
			w.field("type", e.Type)
			w.field("url", e.URL)
			w.field("title", e.Title)
			w.extra(e.Extra)
			w.close('}')
		}
		w.close(']')
	}
	w.extra(s.Extra)
	w.close('}')
}

func (w *writer) extension(x Extension) {
	w.open('{')
	w.field("version", x.Version)
	if x.Recorder != "" {
		w.field("recorder", x.Recorder)
	}
	w.key("viewport")
	w.open('{')
	w.field("width", x.Viewport.Width)
	w.field("height", x.Viewport.Height)
	w.close('}')
	if x.Parameters != nil {
		w.key("parameters")
		w.open('[')
		for _, p := range x.Parameters {
			w.sep()
			w.open('{')
			w.field("name", p.Name)
			if p.Label != "" {
				w.field("label", p.Label)
			}
			if p.Default != "" {
				w.field("default", p.Default)
			}
			w.close('}')
		}
		w.close(']')
	}
	if x.Masked != nil {
		w.field("masked", x.Masked)
	}
	if x.Events != nil {
		w.key("events")
		w.open('[')
		for _, e := range x.Events {
			w.sep()
			w.event(e)
		}
		w.close(']')
	}
	if x.Targets != nil {
		w.key("targets")
		w.open('[')
		for _, t := range x.Targets {
			w.sep()
			w.open('{')
			w.field("step", t.Step)
			w.nodeFields(t.Node)
			w.close('}')
		}
		w.close(']')
	}
	if x.Outlines != nil {
		w.key("outlines")
		w.open('[')
		for _, o := range x.Outlines {
			w.sep()
			w.outline(o)
		}
		w.close(']')
	}
	w.close('}')
}

func (w *writer) outline(o Outline) {
	w.open('{')
	w.field("before", o.Before)
	w.field("url", o.URL)
	if o.Title != "" {
		w.field("title", o.Title)
	}
	if o.Truncated {
		w.field("truncated", true)
	}
	w.key("nodes")
	w.open('[')
	for _, n := range o.Nodes {
		w.sep()
		w.open('{')
		w.nodeFields(n)
		w.close('}')
	}
	w.close(']')
	w.close('}')
}

// nodeFields writes a node's members, leaving out those at their zero
// value as the recorder does.
func (w *writer) nodeFields(n Node) {
	w.field("ref", n.Ref)
	w.field("parent", n.Parent)
	w.field("tag", n.Tag)
	for _, f := range []struct{ k, v string }{{"role", n.Role}, {"name", n.Name}, {"label", n.Label}, {"text", n.Text}, {"value", n.Value}} {
		if f.v != "" {
			w.field(f.k, f.v)
		}
	}
	if n.Masked {
		w.field("masked", true)
	}
	if n.Sensitive {
		w.field("sensitive", true)
	}
	if len(n.Attributes) > 0 {
		w.field("attributes", n.Attributes) // encoding/json sorts the keys
	}
	if n.Interactive {
		w.field("interactive", true)
	}
	if n.Checked != nil {
		w.field("checked", *n.Checked)
	}
	if n.Disabled {
		w.field("disabled", true)
	}
	if len(n.Frame) > 0 {
		w.field("frame", n.Frame)
	}
	if n.Shadow {
		w.field("shadow", true)
	}
	if p := n.Place; p != nil {
		w.key("place")
		w.open('{')
		w.field("container", p.Container)
		w.field("index", p.Index)
		w.field("of", p.Of)
		w.field("row", p.Row)
		w.field("column", p.Column)
		if p.ColumnHeader != "" {
			w.field("column_header", p.ColumnHeader)
		}
		if p.RowKey != "" {
			w.field("row_key", p.RowKey)
		}
		w.close('}')
	}
	if n.Heading != "" {
		w.field("heading", n.Heading)
	}
	if n.Landmark != "" {
		w.field("landmark", n.Landmark)
	}
}

func (w *writer) event(e Event) {
	w.open('{')
	w.field("kind", e.Kind)
	w.field("t", e.T)
	if e.X != 0 || e.Y != 0 {
		w.field("x", e.X)
		w.field("y", e.Y)
	}
	if e.Path != nil {
		w.field("path", e.Path)
	}
	if e.Key != "" {
		w.field("key", e.Key)
	}
	if e.Target != "" {
		w.field("target", e.Target)
	}
	if e.Box != [4]float64{} {
		w.field("box", e.Box)
	}
	if e.ScrollY != 0 || e.Kind == "scroll" {
		w.field("scroll_y", e.ScrollY)
	}
	w.close('}')
}
