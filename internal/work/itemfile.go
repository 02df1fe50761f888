package work

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/problem"
)

// MaxItems bounds one upload of items.
const MaxItems = 10000

// itemLine is one line of a JSONL item file: a text to classify, or a pair
// of texts to compare; optionally its known answer (gold) and whether it
// belongs to the qualification test.
type itemLine struct {
	Text          string          `json:"text"`
	A             string          `json:"a"`
	B             string          `json:"b"`
	Name          string          `json:"name"`
	Gold          json.RawMessage `json:"gold"`
	Qualification bool            `json:"qualification"`
}

// ParseItems reads text items for a project from JSON Lines:
// {"text": …} for text classification, {"a": …, "b": …} for pairwise,
// each with an optional "gold" answer and "qualification": true. Every
// problem is reported with its line; nothing is returned if there is one.
func ParseItems(p Project, r io.Reader) ([]NewItem, error) {
	var items []NewItem
	var problems []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
	}
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		if len(items) >= MaxItems {
			return nil, problem.New(problem.TooLarge, "at most %d items per upload", MaxItems)
		}
		if !utf8.Valid(raw) {
			bad("not valid UTF-8")
			continue
		}
		var it itemLine
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&it); err != nil {
			bad("not a valid item: %v", err)
			continue
		}
		var ni NewItem
		switch p.TaskType {
		case TextClassification:
			if strings.TrimSpace(it.Text) == "" || it.A != "" || it.B != "" {
				bad(`a text classification item is {"text": …}`)
				continue
			}
			ni.Text = it.Text
		case Pairwise:
			if strings.TrimSpace(it.A) == "" || strings.TrimSpace(it.B) == "" || it.Text != "" {
				bad(`a pairwise item is {"a": …, "b": …}`)
				continue
			}
			ni.Text, ni.TextB = it.A, it.B
		default:
			return nil, problem.New(problem.Invalid, "%s projects take images (a COCO file), not text items", p.TaskType)
		}
		if utf8.RuneCountInString(ni.Text) > 20000 || utf8.RuneCountInString(ni.TextB) > 20000 {
			bad("a text is longer than 20000 characters")
			continue
		}
		if msg := problem.TextProblem(ni.Text + ni.TextB); msg != "" {
			bad("the text %s", msg)
			continue
		}
		if msg := problem.LineProblem(it.Name); msg != "" {
			bad("the name %s", msg)
			continue
		}
		ni.Name = it.Name
		if ni.Name == "" {
			ni.Name = fmt.Sprintf("line %d", line)
		}
		if len(it.Gold) > 0 && string(it.Gold) != "null" {
			if _, err := annotation.Parse(it.Gold, annotation.Spec{TaskType: annotation.TaskType(p.TaskType), Labels: p.Labels}); err != nil {
				bad("gold answer: %v", err)
				continue
			}
			ni.Gold = it.Gold
		}
		if it.Qualification && ni.Gold == nil {
			bad("a qualification item needs a gold answer")
			continue
		}
		ni.Qualification = it.Qualification
		items = append(items, ni)
	}
	if err := sc.Err(); err != nil {
		return nil, problem.New(problem.BadRequest, "cannot read the item file: %v", err)
	}
	if len(problems) > 0 {
		fields := map[string]string{}
		for i, pr := range problems {
			if i == 50 {
				fields["more"] = fmt.Sprintf("%d more problems", len(problems)-50)
				break
			}
			k, v, _ := strings.Cut(pr, ": ")
			fields[k] = v
		}
		return nil, &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("%d items are not valid; nothing was added", len(problems)), Fields: fields}
	}
	if len(items) == 0 {
		return nil, problem.New(problem.BadRequest, "the file holds no item")
	}
	return items, nil
}
