package annotation

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// AnsweredItem is one item of a task without shapes — a text to classify,
// a pair of texts to compare, or an image to classify — with the answers
// given to it: what the text formats ([ExportAnswerTable],
// [ExportLabelStudioTexts]) deliver.
type AnsweredItem struct {
	ID int64
	// Name is the item's name: the image's file name for an image.
	Name string
	// Text is the text to classify, or text A of a pair; TextB is text B.
	Text, TextB string
	Answers     []ItemAnswer
}

// ItemAnswer is one answer to an item: a label, or a pairwise choice ("a"
// or "b") and its reason. Worker is the pseudonym of whoever gave it; ""
// for a result inferred from several workers' answers.
type ItemAnswer struct {
	Worker string
	Label  string
	Choice string
	Reason string
}

// answerTableColumns are the columns of the answer table of a task type:
// the truth-inference file's question,worker,answer first, then what a
// person needs to read the answer without the project at hand.
func answerTableColumns(t TaskType) ([]string, error) {
	head := []string{"question", "worker", "answer"}
	switch t {
	case ImageClassification:
		return append(head, "image"), nil
	case TextClassification:
		return append(head, "name", "text"), nil
	case Pairwise:
		return append(head, "name", "a", "b", "reason"), nil
	}
	return nil, fmt.Errorf("%w: an answer table holds labels and choices, not %s answers", ErrSpec, t)
}

// ExportAnswerTable writes one CSV row per answer (an item without answers
// gets none), under the header of the task type:
//
//	image_classification: question,worker,answer,image
//	text_classification:  question,worker,answer,name,text
//	pairwise:             question,worker,answer,name,a,b,reason
//
// question is the item's id, answer the label or the choice ("a" or "b").
// The first three columns are the question,worker,answer file of truth
// inference ([ExportCSV]); the others carry the item itself and, for
// pairwise, the worker's reason, so that a spreadsheet shows what was
// judged. Fields are quoted as RFC 4180 requires; since CSV readers fold
// a carriage return before a newline, a text's "\r\n" reads back as "\n".
// Items that break the rules of [ImportAnswerTable] are refused with
// their path.
func ExportAnswerTable(w io.Writer, t TaskType, items []AnsweredItem) error {
	cols, err := answerTableColumns(t)
	if err != nil {
		return err
	}
	var ps problems
	checkAnsweredItems(t, items, &ps)
	if err := ps.err("answers for CSV"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(cols)
	for _, it := range items {
		for _, a := range it.Answers {
			row := []string{strconv.FormatInt(it.ID, 10), a.Worker, a.value(t)}
			switch t {
			case ImageClassification:
				row = append(row, it.Name)
			case TextClassification:
				row = append(row, it.Name, it.Text)
			case Pairwise:
				row = append(row, it.Name, it.Text, it.TextB, a.Reason)
			}
			cw.Write(row)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

func (a ItemAnswer) value(t TaskType) string {
	if t == Pairwise {
		return a.Choice
	}
	return a.Label
}

// checkAnsweredItems checks what both text formats must carry: positive,
// unique ids; names and workers as labels are (see checkName), texts valid
// UTF-8; for pairwise both texts and a choice of "a" or "b", otherwise a
// label and no second text.
func checkAnsweredItems(t TaskType, items []AnsweredItem, ps *problems) {
	ids := map[int64]bool{}
	for i, it := range items {
		at := fmt.Sprintf("items[%d]", i)
		if it.ID <= 0 || ids[it.ID] {
			ps.add(at, "id %d: ids are positive and unique", it.ID)
		}
		ids[it.ID] = true
		if it.Name != "" || t == ImageClassification {
			if msg := checkName(it.Name); msg != "" {
				ps.add(at+".name", "%s", msg)
			}
		}
		for _, f := range []struct{ name, v string }{{"text", it.Text}, {"text_b", it.TextB}} {
			if !utf8.ValidString(f.v) {
				ps.add(at+"."+f.name, "not valid UTF-8")
			}
		}
		switch {
		case t == Pairwise && (it.Text == "" || it.TextB == ""):
			ps.add(at, "a pair needs both texts")
		case t == TextClassification && (it.Text == "" || it.TextB != ""):
			ps.add(at, "a text to classify has one text")
		case t == ImageClassification && (it.Text != "" || it.TextB != ""):
			ps.add(at, "an image has no text")
		}
		for j, a := range it.Answers {
			ap := fmt.Sprintf("%s.answers[%d]", at, j)
			if a.Worker != "" {
				if msg := checkName(a.Worker); msg != "" {
					ps.add(ap+".worker", "%s", msg)
				}
			}
			if t == Pairwise {
				if a.Choice != "a" && a.Choice != "b" || a.Label != "" {
					ps.add(ap, `a pairwise answer is a choice of "a" or "b"`)
				}
				if !utf8.ValidString(a.Reason) || len(a.Reason) > 4*MaxReasonRunes {
					ps.add(ap+".reason", "not valid UTF-8 or too long")
				}
				continue
			}
			if msg := checkName(a.Label); msg != "" || a.Choice != "" || a.Reason != "" {
				ps.add(ap, "a classification answer is a label: %s", cmpString(msg, "and nothing else"))
			}
		}
	}
}

func cmpString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ImportAnswerTable reads what [ExportAnswerTable] writes for the task
// type t: the header (in any letter case, with an optional byte-order
// mark), then one row per answer, rows of one question grouped into one
// item in the order they first appear. The rows of one question must agree
// on the item (its name and texts). question is a positive item id; a
// worker may be empty for an inferred result; empty answers are refused.
// Every problem is reported with its line in a [*ValidationError].
func ImportAnswerTable(r io.Reader, t TaskType) ([]AnsweredItem, error) {
	cols, err := answerTableColumns(t)
	if err != nil {
		return nil, err
	}
	data, err := readAll(r, MaxImportBytes)
	if err != nil {
		return nil, fmt.Errorf("import CSV: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var ps problems
	if !utf8.Valid(data) {
		ps.add("", "not valid UTF-8")
		return nil, ps.err("CSV file")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		ps.add("line 1", "empty; want the header %s", strings.Join(cols, ","))
		return nil, ps.err("CSV file")
	case err != nil:
		ps.add("line 1", "%v", csvProblem(err))
		return nil, ps.err("CSV file")
	}
	if len(header) != len(cols) || !slices.EqualFunc(header, cols, func(h, c string) bool { return strings.EqualFold(strings.TrimSpace(h), c) }) {
		ps.add("line 1", "header %q, want %s", strings.Join(header, ","), strings.Join(cols, ","))
		return nil, ps.err("CSV file")
	}
	var items []AnsweredItem
	index := map[int64]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ps.add("", "%v", csvProblem(err))
			break
		}
		line, _ := cr.FieldPos(0)
		at := fmt.Sprintf("line %d", line)
		if len(rec) != len(cols) {
			ps.add(at, "%d fields, want %d (%s)", len(rec), len(cols), strings.Join(cols, ","))
			continue
		}
		if len(items) >= MaxImages || len(ps.list) >= MaxProblems {
			ps.add("", "too many rows or problems")
			break
		}
		id, err := strconv.ParseInt(rec[0], 10, 64)
		if err != nil || id <= 0 {
			ps.add(at+" question", "%q is not an item id", rec[0])
			continue
		}
		it := AnsweredItem{ID: id}
		a := ItemAnswer{Worker: rec[1]}
		switch t {
		case ImageClassification:
			it.Name, a.Label = rec[3], rec[2]
		case TextClassification:
			it.Name, it.Text, a.Label = rec[3], rec[4], rec[2]
		case Pairwise:
			it.Name, it.Text, it.TextB, a.Choice, a.Reason = rec[3], rec[4], rec[5], rec[2], rec[6]
		}
		var rowPs problems
		checkAnsweredItems(t, []AnsweredItem{{ID: it.ID, Name: it.Name, Text: it.Text, TextB: it.TextB, Answers: []ItemAnswer{a}}}, &rowPs)
		for _, p := range rowPs.list {
			ps.add(at, "%s", p.Message)
		}
		if !rowPs.empty() {
			continue
		}
		k, seen := index[id]
		if !seen {
			index[id] = len(items)
			items = append(items, it)
			k = len(items) - 1
		} else if items[k].Name != it.Name || items[k].Text != it.Text || items[k].TextB != it.TextB {
			ps.add(at, "question %d is named or worded differently on an earlier line", id)
			continue
		}
		items[k].Answers = append(items[k].Answers, a)
	}
	if err := ps.err("CSV file"); err != nil {
		return nil, err
	}
	return items, nil
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: %v", pe.Line, pe.Err)
	}
	return err.Error()
}

// The names Label Studio tasks of texts use, in data and in results'
// from_name: a text classification project's configuration is
// <Text name="text" value="$text"/> with <Choices name="choice" toName="text">,
// a pairwise project's <Text name="text1" value="$text1"/>,
// <Text name="text2" value="$text2"/>, <Pairwise name="pw" toName="text1,text2"/>
// and <TextArea name="reason" toName="text1,text2"/> (see
// [LabelStudioTextConfig]).
const (
	LabelStudioText     = "text"
	LabelStudioText1    = "text1"
	LabelStudioText2    = "text2"
	LabelStudioPairwise = "pw"
	LabelStudioReason   = "reason"
)

// LabelStudioTextConfig returns the labeling configuration that matches
// what [ExportLabelStudioTexts] writes for t (text_classification or
// pairwise).
func LabelStudioTextConfig(t TaskType, labels []string) string {
	var b strings.Builder
	b.WriteString("<View>\n")
	if t == Pairwise {
		fmt.Fprintf(&b, "  <Text name=%q value=\"$%s\"/>\n  <Text name=%q value=\"$%s\"/>\n", LabelStudioText1, LabelStudioText1, LabelStudioText2, LabelStudioText2)
		fmt.Fprintf(&b, "  <Pairwise name=%q toName=\"%s,%s\"/>\n", LabelStudioPairwise, LabelStudioText1, LabelStudioText2)
		fmt.Fprintf(&b, "  <TextArea name=%q toName=\"%s,%s\"/>\n", LabelStudioReason, LabelStudioText1, LabelStudioText2)
	} else {
		fmt.Fprintf(&b, "  <Text name=%q value=\"$%s\"/>\n  <Choices name=%q toName=%q>\n", LabelStudioText, LabelStudioText, LabelStudioChoices, LabelStudioText)
		for _, l := range labels {
			fmt.Fprintf(&b, "    <Choice value=\"%s\"/>\n", xmlEscape(l))
		}
		b.WriteString("  </Choices>\n")
	}
	b.WriteString("</View>\n")
	return b.String()
}

// ExportLabelStudioTexts writes text items (t text_classification or
// pairwise) as a JSON list of Label Studio tasks, one per item: data.text
// (or data.text1 and data.text2) and data.name, and each answer as an
// annotation, the worker's pseudonym in "allmende": {"worker": ...}. A
// label is a "choices" result; a pairwise choice a "pairwise" result with
// value {"selected": "left"} for a, "right" for b
// (https://labelstud.io/tags/pairwise), and its reason a "textarea" result
// (https://labelstud.io/tags/textarea).
func ExportLabelStudioTexts(w io.Writer, t TaskType, items []AnsweredItem) error {
	if t != TextClassification && t != Pairwise {
		return fmt.Errorf("%w: Label Studio text tasks hold texts, not %s", ErrSpec, t)
	}
	var ps problems
	checkAnsweredItems(t, items, &ps)
	if err := ps.err("items for Label Studio"); err != nil {
		return err
	}
	tasks := make([]lsTaskOut, 0, len(items))
	n := 0
	for _, it := range items {
		task := lsTaskOut{ID: it.ID, Data: map[string]string{}}
		if it.Name != "" {
			task.Data["name"] = it.Name
		}
		if t == Pairwise {
			task.Data[LabelStudioText1], task.Data[LabelStudioText2] = it.Text, it.TextB
		} else {
			task.Data[LabelStudioText] = it.Text
		}
		for _, a := range it.Answers {
			n++
			id := "r" + strconv.Itoa(n)
			ann := lsAnnotationOut{Result: []lsResultOut{}}
			if a.Worker != "" {
				ann.Allmende = &extension{Worker: a.Worker}
			}
			if t == Pairwise {
				side := map[string]string{"a": "left", "b": "right"}[a.Choice]
				ann.Result = append(ann.Result, lsResultOut{ID: id, Type: "pairwise", FromName: LabelStudioPairwise, ToName: LabelStudioPairwise,
					Value: map[string]string{"selected": side}})
				if a.Reason != "" {
					ann.Result = append(ann.Result, lsResultOut{ID: id + "-reason", Type: "textarea", FromName: LabelStudioReason, ToName: LabelStudioText1,
						Value: map[string][]string{"text": {a.Reason}}})
				}
			} else {
				ann.Result = append(ann.Result, lsResultOut{ID: id, Type: "choices", FromName: LabelStudioChoices, ToName: LabelStudioText,
					Value: lsChoicesValue{Choices: []string{a.Label}}})
			}
			task.Annotations = append(task.Annotations, ann)
		}
		tasks = append(tasks, task)
	}
	if err := json.NewEncoder(w).Encode(tasks); err != nil {
		return fmt.Errorf("write Label Studio tasks: %w", err)
	}
	return nil
}

type lsTextTaskIn struct {
	ID          int64                `json:"id"`
	Data        map[string]any       `json:"data"`
	Annotations []lsTextAnnotationIn `json:"annotations"`
	Predictions []lsTextAnnotationIn `json:"predictions"`
}

type lsTextAnnotationIn struct {
	Result       []lsTextResultIn `json:"result"`
	WasCancelled bool             `json:"was_cancelled"`
	Allmende     *extension       `json:"allmende"`
}

type lsTextResultIn struct {
	Type     string `json:"type"`
	FromName string `json:"from_name"`
	Value    struct {
		Choices  []string `json:"choices"`
		Selected string   `json:"selected"`
		Text     []string `json:"text"`
	} `json:"value"`
}

// ImportLabelStudioTexts reads a Label Studio JSON export of text tasks for
// t (text_classification or pairwise), as [ExportLabelStudioTexts] writes
// it: a task's id, data.name and data.text (data.text1 and data.text2),
// and per annotation (cancelled ones skipped; predictions are not answers)
// one answer from its "choices" result (one label) or its "pairwise"
// result ("left" is a, "right" b) and "textarea" reason. Results of other
// types are ignored. Problems are listed by task.
func ImportLabelStudioTexts(r io.Reader, t TaskType) ([]AnsweredItem, error) {
	if t != TextClassification && t != Pairwise {
		return nil, fmt.Errorf("%w: Label Studio text tasks hold texts, not %s", ErrSpec, t)
	}
	data, err := readAll(r, MaxImportBytes)
	if err != nil {
		return nil, fmt.Errorf("import Label Studio: %w", err)
	}
	var ps problems
	var tasks []lsTextTaskIn
	if err := decode(data, &tasks); err != nil {
		ps.add("", "want a list of tasks: %v", err)
		return nil, ps.err("Label Studio file")
	}
	if len(tasks) > MaxImages {
		ps.add("", "%d tasks, at most %d", len(tasks), MaxImages)
		return nil, ps.err("Label Studio file")
	}
	items := make([]AnsweredItem, 0, len(tasks))
	text := func(at string, d map[string]any, key string) string {
		v, ok := d[key]
		s, isString := v.(string)
		if ok && !isString {
			ps.add(at, "data.%s must be a string", key)
		}
		return s
	}
	for i, task := range tasks {
		at := fmt.Sprintf("task %d", task.ID)
		if task.ID == 0 {
			at = fmt.Sprintf("tasks[%d]", i)
		}
		it := AnsweredItem{ID: task.ID, Name: text(at, task.Data, "name")}
		if t == Pairwise {
			it.Text, it.TextB = text(at, task.Data, LabelStudioText1), text(at, task.Data, LabelStudioText2)
		} else {
			it.Text = text(at, task.Data, LabelStudioText)
		}
		for j, ann := range task.Annotations {
			if ann.WasCancelled {
				continue
			}
			ap := fmt.Sprintf("%s annotations[%d]", at, j)
			a := ItemAnswer{}
			if ann.Allmende != nil {
				a.Worker = ann.Allmende.Worker
			}
			found := false
			for _, res := range ann.Result {
				switch {
				case t == TextClassification && res.Type == "choices":
					if len(res.Value.Choices) != 1 || found {
						ps.add(ap, "one label per answer")
						continue
					}
					a.Label, found = res.Value.Choices[0], true
				case t == Pairwise && res.Type == "pairwise":
					switch res.Value.Selected {
					case "left":
						a.Choice = "a"
					case "right":
						a.Choice = "b"
					default:
						ps.add(ap, "selected %q: want left or right", res.Value.Selected)
						continue
					}
					found = true
				case t == Pairwise && res.Type == "textarea" && res.FromName == LabelStudioReason:
					a.Reason = strings.Join(res.Value.Text, "\n")
				}
			}
			if !found {
				ps.add(ap, "no answer: want a %s result", map[TaskType]string{TextClassification: "choices", Pairwise: "pairwise"}[t])
				continue
			}
			it.Answers = append(it.Answers, a)
		}
		items = append(items, it)
	}
	checkAnsweredItems(t, items, &ps)
	if err := ps.err("Label Studio file"); err != nil {
		return nil, err
	}
	return items, nil
}
