package datanet

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/allmende/allmende/internal/problem"
)

// Format is how a batch of records is written.
type Format string

const (
	// FormatJSON is one JSON object, or an array of them.
	FormatJSON Format = "json"
	// FormatJSONL is one JSON object per line (JSON Lines), the format
	// Hugging Face datasets and most dataset tools read and write.
	FormatJSONL Format = "jsonl"
)

// maxLine bounds one JSONL line: a record is at most a few tens of
// kilobytes of text; anything much longer is not a record.
const maxLine = 1 << 20

// ParseRecords reads a batch of records for datanet d. Records that are
// wrong are collected in the submission's Errors with their index (and
// line), so one bad record among thousands is named precisely; only a body
// that cannot be read as a whole is an error.
func (d Datanet) ParseRecords(format Format, r io.Reader) (Submission, error) {
	var sub Submission
	add := func(i, line int, raw []byte) {
		rec, rerr := d.parseRecord(raw)
		if rerr != nil {
			rerr.Index, rerr.Line = i, line
			sub.Errors = append(sub.Errors, *rerr)
			return
		}
		sub.Records = append(sub.Records, rec)
		sub.Lines = append(sub.Lines, line)
		sub.Indexes = append(sub.Indexes, i)
	}
	switch format {
	case FormatJSONL:
		br := bufio.NewReaderSize(r, 64<<10)
		line, i := 0, 0
		for {
			raw, err := readLine(br)
			if errors.Is(err, io.EOF) && len(raw) == 0 {
				break
			}
			line++
			if errors.Is(err, errLineTooLong) {
				sub.Errors = append(sub.Errors, RecordError{Index: i, Line: line, Message: fmt.Sprintf("line longer than %d bytes", maxLine)})
				i++
				continue
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return Submission{}, err
			}
			if len(bytes.TrimSpace(raw)) == 0 {
				continue
			}
			if i >= MaxBatch {
				return Submission{}, problem.New(problem.TooLarge, "a submission holds at most %d records", MaxBatch)
			}
			add(i, line, raw)
			i++
		}
	case FormatJSON:
		body, err := io.ReadAll(r)
		if err != nil {
			return Submission{}, err
		}
		body = bytes.TrimSpace(body)
		if len(body) > 0 && body[0] == '[' {
			var items []json.RawMessage
			if err := json.Unmarshal(body, &items); err != nil {
				return Submission{}, problem.New(problem.BadRequest, "the body is not a JSON array of records: %v", err)
			}
			if len(items) > MaxBatch {
				return Submission{}, problem.New(problem.TooLarge, "a submission holds at most %d records; this one has %d", MaxBatch, len(items))
			}
			for i, it := range items {
				add(i, 0, it)
			}
		} else {
			add(0, 0, body)
		}
	default:
		return Submission{}, problem.New(problem.Unsupported, "records come as JSON or JSONL, not %q", format)
	}
	if len(sub.Records)+len(sub.Errors) == 0 {
		return Submission{}, problem.New(problem.BadRequest, "the body holds no record")
	}
	return sub, nil
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline; a line longer than maxLine
// is skipped to its end and reported.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			return line, err
		}
		if len(line)+len(chunk) > maxLine {
			for isPrefix {
				if _, isPrefix, err = br.ReadLine(); err != nil {
					return nil, err
				}
			}
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		if !isPrefix {
			return line, nil
		}
	}
}
