package annotation

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/truth"
)

// Vote is one worker's categorical answer to one question: a row of the
// question,worker,answer CSV that truth inference reads. Worker is a
// pseudonym; Answer is a label or a pairwise choice (see
// [Answer.Categorical]).
type Vote struct {
	Question, Worker, Answer string
}

// ExportCSV writes votes as CSV with the header question,worker,answer, in
// the given order, quoting fields as RFC 4180 requires. Since the reader
// trims fields and folds line endings, a field that is empty, begins or
// ends with white space, contains a carriage return or is not UTF-8 would
// not read back the same, and is refused with its row named.
func ExportCSV(w io.Writer, votes []Vote) error {
	var ps problems
	for i, v := range votes {
		for _, f := range []struct{ name, value string }{{"question", v.Question}, {"worker", v.Worker}, {"answer", v.Answer}} {
			if msg := checkCSVField(f.value); msg != "" {
				ps.add(fmt.Sprintf("votes[%d].%s", i, f.name), "%s", msg)
			}
		}
	}
	if err := ps.err("votes for CSV"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"question", "worker", "answer"})
	for _, v := range votes {
		cw.Write([]string{v.Question, v.Worker, v.Answer})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

func checkCSVField(s string) string {
	switch {
	case s == "":
		return "empty"
	case strings.TrimSpace(s) != s:
		return "begins or ends with white space"
	case strings.ContainsRune(s, '\r'):
		return "contains a carriage return"
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	}
	return ""
}

// ImportCSV reads votes from CSV in the dialect of [truth.ReadAnswers]
// (header question,worker,answer or crowd-kit's task,worker,label, fields
// trimmed, blank lines skipped), in file order. A malformed file fails with
// a [*ValidationError] naming the line.
func ImportCSV(r io.Reader) ([]Vote, error) {
	data, err := readAll(r, MaxImportBytes)
	if err != nil {
		return nil, fmt.Errorf("import CSV: %w", err)
	}
	// Labels and pseudonyms are text; bytes that are not would come out
	// differently in every tool downstream.
	if !utf8.Valid(data) {
		line := 1
		for len(data) > 0 {
			c, size := utf8.DecodeRune(data)
			if c == utf8.RuneError && size == 1 {
				break
			}
			if c == '\n' {
				line++
			}
			data = data[size:]
		}
		return nil, &ValidationError{Subject: "CSV file", Problems: []Problem{{Path: fmt.Sprintf("line %d", line), Message: "not valid UTF-8"}}}
	}
	d, err := truth.ReadAnswers(bytes.NewReader(data))
	if err != nil {
		var pe *truth.ParseError
		if errors.As(err, &pe) {
			path := fmt.Sprintf("line %d", pe.Line)
			if pe.Field != "" {
				path += " " + pe.Field
			}
			return nil, &ValidationError{Subject: "CSV file", Problems: []Problem{{Path: path, Message: pe.Err.Error()}}}
		}
		return nil, fmt.Errorf("import CSV: %w", err)
	}
	votes := make([]Vote, len(d.Answers))
	for i, a := range d.Answers {
		votes[i] = Vote{Question: d.Items[a.Item], Worker: d.Workers[a.Worker], Answer: d.Labels[a.Label]}
	}
	return votes, nil
}
