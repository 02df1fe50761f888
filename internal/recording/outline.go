package recording

// What a learner needs besides the steps: for each step that acts on an
// element, how to find that element again in words a page keeps (Target),
// and at the start and after each navigation a compact outline of the page
// (Outline) — its visible text and interactive elements, described the same
// way. Selectors say where an element was; these say what it was, so that a
// program learned from several recordings can find "the button whose text
// is the input" or "the link in the row whose Name column is X" on a page
// whose layout, order or content differs.
//
// The JSON form is the "targets" and "outlines" members of the "allmende"
// object, documented as a JSON Schema in docs/recording.schema.json. The
// same privacy rules hold as for typed values: sensitive fields are never
// described, a field's value is masked unless the member kept it (made it a
// parameter), and the member sees outlines on the review page and can
// remove them.

// Limits on targets and outlines.
const (
	// MaxOutlines is the most outlines one recording may carry.
	MaxOutlines = 200
	// MaxNodes is the most nodes one outline may hold.
	MaxNodes = 2000
	// MaxNodeText bounds a node's text, name, label and value, in
	// characters; the recorder cuts longer text.
	MaxNodeText = 200
	// MaxAttributes is the most attributes a node may keep.
	MaxAttributes = 16
)

// Target describes the element a step acted on.
type Target struct {
	// Step is the index of the step (click, doubleClick, change, hover,
	// keyDown on a focused field…) it describes.
	Step int `json:"step"`
	Node
}

// Outline is one moment of a page as the learner sees it.
type Outline struct {
	// Before is the index of the step the page was in this state for: 0 at
	// the start, and after a navigation the index of the step after it.
	Before int    `json:"before"`
	URL    string `json:"url"`
	Title  string `json:"title,omitempty"`
	// Nodes are the page's visible text blocks and interactive elements in
	// document order.
	Nodes []Node `json:"nodes"`
	// Truncated says the page had more than MaxNodes nodes: those kept are
	// what a person acts on, headings and lists first, then list items
	// and table cells, then text.
	Truncated bool `json:"truncated,omitempty"`

	// Capture names the live capture this outline came from
	// (replay.CaptureOutline), so that the node actions find its
	// elements again; it is never written to a recording.
	Capture string `json:"-"`
}

// Node is one element of a page, described in words the page keeps.
type Node struct {
	// Ref numbers the node within its outline (its index in Nodes); a
	// target's Ref is the node's in the outline the step ran on, or -1.
	Ref int `json:"ref"`
	// Parent is the Ref of the nearest ancestor in the outline, -1 if none.
	Parent int `json:"parent"`
	// Tag is the element's lower-case name ("button", "a", "td", "input").
	Tag string `json:"tag"`
	// Role is the ARIA role, explicit or implicit ("button", "link",
	// "checkbox", "row", "cell", "option", "textbox", "heading").
	Role string `json:"role,omitempty"`
	// Name is the accessible name.
	Name string `json:"name,omitempty"`
	// Label is the text of the field's label (<label for>, a wrapping
	// label, aria-labelledby), if any.
	Label string `json:"label,omitempty"`
	// Text is the element's visible text, whitespace collapsed.
	Text string `json:"text,omitempty"`
	// Value is a field's value, Masked unless the member kept it.
	Value string `json:"value,omitempty"`
	// Masked says that Value was withheld.
	Masked bool `json:"masked,omitempty"`
	// Sensitive marks a password, card or one-time-code field: it is
	// described by its kind and label only, its value never read (Masked
	// is set too).
	Sensitive bool `json:"sensitive,omitempty"`
	// Attributes are the element's stable attributes: id, name, type,
	// placeholder, title, alt, for, href, value of buttons and options,
	// data-testid and the like, aria-* — never style, never generated ids.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Interactive is set for elements a person can act on.
	Interactive bool `json:"interactive,omitempty"`
	// Checked is a checkbox's or radio button's state; nil for others.
	Checked *bool `json:"checked,omitempty"`
	// Disabled is set for disabled controls.
	Disabled bool `json:"disabled,omitempty"`
	// Frame is the path of child-frame indexes from the main frame, nil in
	// the main frame; Shadow says the node is inside a shadow root.
	Frame  []int `json:"frame,omitempty"`
	Shadow bool  `json:"shadow,omitempty"`
	// Place is where the node stands among similar siblings.
	Place *Place `json:"place,omitempty"`
	// Heading is the text of the nearest heading before the node, and
	// Landmark the nearest enclosing landmark or dialog ("dialog Confirm
	// delivery", "navigation Main").
	Heading  string `json:"heading,omitempty"`
	Landmark string `json:"landmark,omitempty"`
}

// Place is a node's position among similar siblings: its index in a list,
// or its row and column in a table.
type Place struct {
	// Container is the Ref of the list, table or group, -1 if not in the
	// outline.
	Container int `json:"container"`
	// Index is 0-based among the container's items of the same kind; Of
	// is how many there are.
	Index int `json:"index"`
	Of    int `json:"of"`
	// Row and Column are 0-based positions in a table (Row counts body
	// rows, not the header), -1 outside one. ColumnHeader is the header
	// text of the node's column; RowKey is the text of the row's first
	// cell (or its row header), which usually names the row.
	Row          int    `json:"row"`
	Column       int    `json:"column"`
	ColumnHeader string `json:"column_header,omitempty"`
	RowKey       string `json:"row_key,omitempty"`
}
