package program

// Version is the version of the program format this package reads and
// writes.
const Version = 1

// Actions a step can take.
const (
	ActNavigate    = "navigate"    // go to URL
	ActClick       = "click"       // click the target
	ActDoubleClick = "doubleClick" // double-click the target
	ActHover       = "hover"       // move the mouse onto the target
	ActType        = "type"        // put Value into the target field
	ActSelect      = "select"      // choose the option Value in the target list
	ActCheck       = "check"       // tick the target check box (clicked only if not ticked)
	ActUncheck     = "uncheck"     // untick it
	ActPress       = "press"       // press Key wherever the focus is
	ActForEach     = "forEach"     // do Body once for each item of Over
)

// MaxRepeat bounds a Repeat step.
const MaxRepeat = 60

// Program is a learned task.
type Program struct {
	Version int    `json:"version"`
	Title   string `json:"title,omitempty"`
	// Demos is how many demonstrations it was learned from; a step's
	// Demos lists them by number, from 1.
	Demos int `json:"demos"`
	// Start is where the first demo started; a run may start elsewhere.
	Start  string  `json:"start,omitempty"`
	Inputs []Input `json:"inputs,omitempty"`
	Steps  []Step  `json:"steps"`
	// Dismiss says a run closes a dialog the demos never showed when it
	// covers a step's target, by the rule of Dismissal (its only
	// refusing or closing button, else its only accepting one), and then
	// does the step.
	Dismiss bool `json:"dismiss,omitempty"`
}

// Input is a value that differs between runs: a run parameter, or text
// the program reads from the page.
type Input struct {
	// Name is how values refer to it.
	Name string `json:"name"`
	// Param names the run parameter that gives it, when it is one.
	Param string `json:"param,omitempty"`
	// Label says what it is, for people.
	Label string `json:"label,omitempty"`
	// Extract is the rule that reads it from the page, when it is not a
	// parameter.
	Extract *Extract `json:"extract,omitempty"`
	// List says the value is a list (a loop's items): the text is split
	// at List (", " …) into items.
	List string `json:"list,omitempty"`
	// Empty says the rule may find no text on a page that has the
	// instruction it reads from (a text that begins with Extract.In):
	// the value is then empty (a list of no items), not missing.
	Empty bool `json:"empty,omitempty"`
	// Examples are its values in the demos, in demo order, for people
	// checking what was learned (never a masked value).
	Examples []string `json:"examples,omitempty"`
}

// Extract reads a value from a page outline: it finds one node (by exactly
// one of StartsWith, Follows, Field or Row+Column), takes a part of its
// text (Quote, or the part after StartsWith, then Split/Part) and
// transforms it.
type Extract struct {
	// StartsWith: the node whose text begins with this; the value is the
	// rest of the text (or a quoted phrase in it, with Quote).
	StartsWith string `json:"starts_with,omitempty"`
	// Follows: the node just after the one whose whole text is this (a
	// label and its value: "Order number" then "A-1234").
	Follows string `json:"follows,omitempty"`
	// Field: the value of the field whose label (or name) is this.
	Field string `json:"field,omitempty"`
	// Row and Column: the table cell in the row whose key (first cell) is
	// Row, in the column whose header is Column.
	Row    string `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
	// After: the text in which the words After are followed by the value
	// and then by the words Before (or the end of the text, less a full
	// stop) — a value inside a sentence: "from Paris to Lyon". After "^"
	// is the start of the text: the value begins it and runs up to
	// Before, which must follow ("Reject the claim of …").
	After  string `json:"after,omitempty"`
	Before string `json:"before,omitempty"`
	// In, with After, keeps to texts that begin with this word (the
	// instruction's first word), so that a note that happens to hold
	// the same small words is not read.
	In string `json:"in,omitempty"`
	// KeyColumn and KeyInput: with Column, the cell in the column Column
	// of the table row whose KeyColumn cell reads the input KeyInput
	// ("the Email of the person the instruction names").
	KeyColumn string `json:"key_column,omitempty"`
	KeyInput  string `json:"key_input,omitempty"`
	// Quote is 1 for the first quoted phrase of the text ("…", “…”, '…',
	// «…»), 2 for the second; 0 for the whole text; -1 for all of them,
	// one per line (a list).
	Quote int `json:"quote,omitempty"`
	// Split and Part take the Part-th piece (from 1; negative counts from
	// the end) of the text split at Split.
	Split string `json:"split,omitempty"`
	Part  int    `json:"part,omitempty"`
	// Chars keeps the first Chars characters (what one types into an
	// autocomplete).
	Chars int `json:"chars,omitempty"`
	// Transform changes the text found (see Transforms).
	Transform string `json:"transform,omitempty"`
}

// Value is what a step types, or a query compares with: a constant, an
// input, or the current loop item, optionally transformed and put between
// a constant prefix and suffix. Exactly one of Const, Input and Item is
// set.
type Value struct {
	Const     *string `json:"const,omitempty"`
	Input     string  `json:"input,omitempty"`
	Item      bool    `json:"item,omitempty"`
	Transform string  `json:"transform,omitempty"`
	// Prefix and Suffix are put around the text after the transform
	// (a button "Choose Starter" is "Choose " and the plan's name).
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
}

// Const returns a constant value.
func Const(s string) *Value { return &Value{Const: &s} }

// Query finds nodes of an outline. Every field set must hold; Nth then
// picks one of the nodes that match the rest, in document order.
type Query struct {
	Role string `json:"role,omitempty"`
	Tag  string `json:"tag,omitempty"`
	// Name, Text and Label compare the node's accessible name, visible
	// text and label (whitespace collapsed) with a value.
	Name  *Value `json:"name,omitempty"`
	Text  *Value `json:"text,omitempty"`
	Label *Value `json:"label,omitempty"`
	// Attr compares one stable attribute (id, name, data-testid…).
	Attr      string `json:"attr,omitempty"`
	AttrValue *Value `json:"attr_value,omitempty"`
	// Row compares the key (first cell) of the table row the node is in;
	// Column the header of its column.
	Row    *Value `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
	// Where: the node's table row has, in the column Where.Column, a cell
	// whose text is Where.Value ("the link in the row whose From is X").
	Where *Where `json:"where,omitempty"`
	// Landmark and Heading compare the node's enclosing landmark or dialog
	// and the nearest heading before it.
	Landmark string `json:"landmark,omitempty"`
	Heading  string `json:"heading,omitempty"`
	// Nth (from 1) picks one of the matches in document order.
	Nth int `json:"nth,omitempty"`
	// Of breaks a tie: when several nodes match the rest, those in a list
	// of Of items are kept (the hour "10", not the minute "10").
	Of int `json:"of,omitempty"`
}

// Where is a condition on the other cells of a node's table row.
type Where struct {
	Column string `json:"column"`
	Value  *Value `json:"value"`
	// Starts: the cell's text begins with the value, as a whole word
	// ("every mail whose subject starts with Invoice").
	Starts bool `json:"starts,omitempty"`
}

// Step is one step of a program.
type Step struct {
	Action string `json:"action"`
	// Target is the element the step acts on (all actions but navigate,
	// press and forEach).
	Target *Query `json:"target,omitempty"`
	// Value is what type and select put in.
	Value *Value `json:"value,omitempty"`
	// Key is what press presses ("Enter").
	Key string `json:"key,omitempty"`
	// URL is where navigate goes (relative to the page it is on when the
	// demos agree on a path only).
	URL string `json:"url,omitempty"`
	// Optional steps were in some demos only (a dialog that appears
	// sometimes): a run does them when their target is there and skips
	// them otherwise.
	Optional bool `json:"optional,omitempty"`
	// Late says the target was not on the page when the demo began
	// acting on it: the run waits for it.
	Late bool `json:"late,omitempty"`
	// Repeat: the demos did this a different number of times in a row
	// (a calendar's "Next month"): the run does it until the next step's
	// target is on the page, perhaps not at all, at most MaxRepeat times.
	Repeat bool `json:"repeat,omitempty"`
	// Until, on a Repeat step, is what the run repeats it until instead
	// of the next step's target: the query matches exactly one node (a
	// count that reads the number the instruction gives).
	Until *Query `json:"until,omitempty"`
	// Opposite, on a step repeated Until a count reads a number, is the
	// control beside the count that counts the other way ("−" beside
	// "+"), and Counts is the way the demos' clicks counted ("up" or
	// "down"): a run whose count is already past the number clicks
	// Opposite instead (the demos all added guests; this run removes
	// some).
	Opposite *Query `json:"opposite,omitempty"`
	Counts   string `json:"counts,omitempty"`
	// Scroll: the demos scrolled to reach the target (a list that loads
	// more as it scrolls): the run scrolls the page and its lists down
	// while it looks for the target.
	Scroll bool `json:"scroll,omitempty"`
	// Over is forEach's list: a list input, or every node a query
	// matches (Each; the item is the node's name or text).
	Over *Value `json:"over,omitempty"`
	Each *Query `json:"each,omitempty"`
	Body []Step `json:"body,omitempty"`
	// Why says, for people, what the step looks for and why; Demos
	// lists the demos (from 1) that agree on it.
	Why   string `json:"why,omitempty"`
	Demos []int  `json:"demos,omitempty"`
}
