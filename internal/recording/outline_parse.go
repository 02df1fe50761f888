package recording

import (
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/privacy"
)

// parseTargets reads allmende.targets: at most one per step, in step
// order, each describing a step that acts on an element.
func parseTargets(raw json.RawMessage, steps []Step, masked []int, errs *errorList) []Target {
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		errs.add(-1, "", "allmende.targets", "must be an array of targets")
		return nil
	}
	if len(list) > len(steps) {
		errs.add(-1, "", "allmende.targets", "%d targets for %d steps: at most one per step", len(list), len(steps))
		return nil
	}
	targets := make([]Target, 0, len(list))
	for i, e := range list {
		if errs.full() {
			break
		}
		field := fmt.Sprintf("allmende.targets[%d]", i)
		fields, err := decodeObject(e)
		if err != nil {
			errs.add(-1, "", field, "must be an object")
			continue
		}
		o := &object{m: fields, errs: errs, step: -1, prefix: field + "."}
		var t Target
		step, ok := o.integer("step", true)
		switch {
		case !ok:
		case step < 0 || step >= len(steps):
			o.fail("step", "%d is not the index of a step (0 to %d)", step, len(steps)-1)
		case len(targets) > 0 && step <= targets[len(targets)-1].Step:
			o.fail("step", "step %d comes after step %d: targets are listed once per step, in step order", step, targets[len(targets)-1].Step)
		default:
			t.Step = step
		}
		t.Node = parseNode(o, MaxNodes)
		if t.Ref < -1 {
			o.fail("ref", "%d is not a node of an outline (-1 for none)", t.Ref)
		}
		if t.Parent < -1 || t.Parent >= MaxNodes {
			o.fail("parent", "%d is not a node of an outline (-1 for none)", t.Parent)
		}
		if ok && slices.Contains(masked, step) && t.Value != "" {
			o.fail("value", "step %d's value is masked, so its target may not carry it", step)
		}
		o.unknown()
		targets = append(targets, t)
	}
	return targets
}

// parseOutlines reads allmende.outlines: page states in step order.
func parseOutlines(raw json.RawMessage, steps []Step, errs *errorList) []Outline {
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		errs.add(-1, "", "allmende.outlines", "must be an array of outlines")
		return nil
	}
	if len(list) > MaxOutlines {
		errs.add(-1, "", "allmende.outlines", "%d outlines, at most %d are accepted", len(list), MaxOutlines)
		return nil
	}
	outlines := make([]Outline, 0, len(list))
	for i, e := range list {
		if errs.full() {
			break
		}
		field := fmt.Sprintf("allmende.outlines[%d]", i)
		fields, err := decodeObject(e)
		if err != nil {
			errs.add(-1, "", field, "must be an object")
			continue
		}
		o := &object{m: fields, errs: errs, step: -1, prefix: field + "."}
		var ol Outline
		if b, ok := o.integer("before", true); ok {
			switch {
			case b < 0 || b > len(steps):
				o.fail("before", "%d is not the index of a step (0 to %d)", b, len(steps))
			case len(outlines) > 0 && b < outlines[len(outlines)-1].Before:
				o.fail("before", "%d comes before %d: outlines are listed in step order", b, outlines[len(outlines)-1].Before)
			default:
				ol.Before = b
			}
		}
		ol.URL, _ = o.str("url", true)
		ol.Title, _ = o.str("title", false)
		o.text("title", ol.Title)
		ol.Truncated, _ = o.boolean("truncated", false)
		if raw, ok := o.take("nodes"); ok {
			ol.Nodes = parseNodes(raw, errs, field+".nodes")
		} else {
			o.fail("nodes", "missing")
		}
		o.unknown()
		outlines = append(outlines, ol)
	}
	return outlines
}

func parseNodes(raw json.RawMessage, errs *errorList, field string) []Node {
	var list []json.RawMessage
	if !isArray(raw) || json.Unmarshal(raw, &list) != nil {
		errs.add(-1, "", field, "must be an array of nodes")
		return nil
	}
	if len(list) > MaxNodes {
		errs.add(-1, "", field, "%d nodes, at most %d are accepted", len(list), MaxNodes)
		return nil
	}
	nodes := make([]Node, 0, len(list))
	for i, e := range list {
		if errs.full() {
			break
		}
		f := fmt.Sprintf("%s[%d]", field, i)
		fields, err := decodeObject(e)
		if err != nil {
			errs.add(-1, "", f, "must be an object")
			continue
		}
		o := &object{m: fields, errs: errs, step: -1, prefix: f + "."}
		n := parseNode(o, len(list))
		if _, ok := fields["ref"]; ok && n.Ref != i {
			o.fail("ref", "is %d, but a node's ref is its index in the outline (%d)", n.Ref, i)
		}
		if n.Parent < -1 || n.Parent >= i {
			o.fail("parent", "%d is not an earlier node of the outline (-1 for none)", n.Parent)
		}
		if n.Place != nil && n.Place.Container >= len(list) {
			o.fail("place.container", "%d is not a node of the outline (-1 for none)", n.Place.Container)
		}
		o.unknown()
		nodes = append(nodes, n)
	}
	return nodes
}

// parseNode reads a node's fields from o (the caller reports unknown
// ones). refs bounds references to other nodes.
func parseNode(o *object, refs int) Node {
	var n Node
	n.Ref, _ = o.integer("ref", true)
	n.Parent, _ = o.integer("parent", true)
	n.Tag, _ = o.str("tag", true)
	if len(n.Tag) == 0 || len(n.Tag) > 64 {
		if _, ok := o.m["tag"]; ok {
			o.fail("tag", "must be an element name of 1 to 64 characters")
		}
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"role", &n.Role}, {"name", &n.Name}, {"label", &n.Label}, {"text", &n.Text},
		{"value", &n.Value}, {"heading", &n.Heading}, {"landmark", &n.Landmark},
	} {
		*f.dst, _ = o.str(f.name, false)
		o.text(f.name, *f.dst)
	}
	n.Masked, _ = o.boolean("masked", false)
	n.Sensitive, _ = o.boolean("sensitive", false)
	if raw, ok := o.take("attributes"); ok {
		var m map[string]string
		switch {
		case !isObject(raw) || json.Unmarshal(raw, &m) != nil:
			o.fail("attributes", "must be an object whose values are strings")
		case len(m) > MaxAttributes:
			o.fail("attributes", "%d attributes, at most %d", len(m), MaxAttributes)
		default:
			for k, v := range m {
				if k == "" || len(k) > 64 {
					o.fail("attributes", "%q is not an attribute name", k)
				}
				o.text("attributes."+k, v)
			}
			if len(m) > 0 {
				n.Attributes = m
			}
		}
	}
	n.Interactive, _ = o.boolean("interactive", false)
	if c, ok := o.boolean("checked", false); ok {
		n.Checked = &c
	}
	n.Disabled, _ = o.boolean("disabled", false)
	if f := o.frame(); len(f) > 0 {
		n.Frame = f
	}
	n.Shadow, _ = o.boolean("shadow", false)
	if raw, ok := o.take("place"); ok {
		n.Place = parsePlace(raw, o)
	}
	if n.Place != nil && (n.Place.Container < -1 || n.Place.Container >= refs) {
		o.fail("place.container", "%d is not a node of the outline (-1 for none)", n.Place.Container)
	}
	// The privacy rules the recorder follows, checked again: a sensitive
	// field is described by its kind and label only, and a masked value is
	// not there.
	if n.Sensitive && !n.Masked {
		o.fail("masked", "a sensitive field's value is always masked")
	}
	if n.Masked && n.Value != "" {
		o.fail("value", "a masked value must not be sent")
	}
	if n.Sensitive && n.Text != "" {
		o.fail("sensitive", "a sensitive field is described by its kind and label only")
	}
	if n.Value != "" && holdsPaymentData(n.Value) {
		o.fail("value", "looks like a payment card number or an IBAN: such a field is sensitive and its value is never sent")
	}
	return n
}

// holdsPaymentData repeats the recorder's check on a field's value with
// the server's own detectors (Luhn and issuer ranges, IBAN MOD 97-10).
func holdsPaymentData(v string) bool {
	for _, s := range privacy.Scan(v, privacy.DefaultMinScore) {
		if s.Type == privacy.CreditCard || s.Type == privacy.IBANCode {
			return true
		}
	}
	return false
}

func parsePlace(raw json.RawMessage, parent *object) *Place {
	fields, err := decodeObject(raw)
	if err != nil {
		parent.fail("place", "must be an object")
		return nil
	}
	o := &object{m: fields, errs: parent.errs, step: -1, prefix: parent.prefix + "place."}
	var p Place
	p.Container, _ = o.integer("container", true)
	p.Index, _ = o.integer("index", true)
	p.Of, _ = o.integer("of", true)
	p.Row, _ = o.integer("row", true)
	p.Column, _ = o.integer("column", true)
	p.ColumnHeader, _ = o.str("column_header", false)
	o.text("column_header", p.ColumnHeader)
	p.RowKey, _ = o.str("row_key", false)
	o.text("row_key", p.RowKey)
	if p.Of < 0 || p.Index < 0 || p.Index >= max(p.Of, 1) {
		o.fail("index", "%d of %d is not a place in a list", p.Index, p.Of)
	}
	if p.Row < -1 || p.Column < -1 {
		o.fail("row", "row %d, column %d: -1 outside a table, else from 0", p.Row, p.Column)
	}
	o.unknown()
	return &p
}

// text checks that a node's text is within MaxNodeText characters.
func (o *object) text(field, s string) {
	if n := utf8.RuneCountInString(s); n > MaxNodeText {
		o.fail(field, "%d characters, at most %d", n, MaxNodeText)
	}
}
