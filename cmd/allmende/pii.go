package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/allmende/allmende/internal/privacy"
)

// maxLine is the longest input line pii reads; a longer line is reported
// and skipped, so one runaway document does not exhaust memory.
const maxLine = 16 << 20

// runPII finds personal data in text (pii scan) or replaces it with typed
// placeholders (pii redact).
//
// Input is one document per line, UTF-8: plain text whose id is the line
// number (from 1), or with --json an object {"id":…,"text":…} per line whose
// id (a string or a number) is echoed exactly as given. A line that is not
// valid UTF-8, not a valid object or longer than 16 MiB is reported on
// standard error with its line number and skipped; the other lines are
// processed, and the command exits with status 1 at the end. In plain-text
// redact mode a skipped line is printed empty, so output line n is always
// input line n, and an unredacted line is never echoed.
//
// pii scan prints {"id":…,"spans":[{"start":…,"end":…,"type":…,"score":…}]}
// per document, with offsets in Unicode code points.
func runPII(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 {
		piiUsage(io.err)
		return fmt.Errorf("%w: missing subcommand: scan or redact", errUsage)
	}
	var redact bool
	switch args[0] {
	case "scan":
	case "redact":
		redact = true
	case "-h", "-help", "--help", "help":
		piiUsage(io.err)
		return flag.ErrHelp
	default:
		piiUsage(io.err)
		return fmt.Errorf("%w: unknown subcommand %q: want scan or redact", errUsage, args[0])
	}
	name := "pii " + args[0]
	fs := newFlags(name, name+" [--json] [--min-score S] [file]", io)
	jsonIn := fs.Bool("json", false, `read {"id":…,"text":…} objects, one per line, instead of plain lines`)
	minScore := fs.Float64("min-score", privacy.DefaultMinScore, "report only findings scoring at least `S` (0–1)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *minScore < 0 || *minScore > 1 {
		return fmt.Errorf("%w: --min-score %v is not between 0 and 1", errUsage, *minScore)
	}
	in := io.in
	switch fs.NArg() {
	case 0:
	case 1:
		if path := fs.Arg(0); path != "-" {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			in = f
		}
	default:
		return fmt.Errorf("%w: at most one input file, got %d", errUsage, fs.NArg())
	}

	p := piiRun{redact: redact, json: *jsonIn, minScore: *minScore, out: bufio.NewWriterSize(io.out, 64<<10)}
	lines := lineReader{r: bufio.NewReaderSize(in, 64<<10)}
	for {
		if err := ctx.Err(); err != nil {
			p.out.Flush()
			return err
		}
		line, more, err := lines.next()
		if !more {
			break
		}
		if err != nil && !errors.Is(err, errLineTooLong) {
			p.out.Flush()
			return fmt.Errorf("reading line %d: %w", lines.n, err)
		}
		if err == nil {
			err = p.document(lines.n, line)
		}
		if err != nil {
			p.failed++
			fmt.Fprintf(io.err, "allmende %s: line %d: %v\n", name, lines.n, err)
			if p.redact && !p.json {
				p.out.WriteByte('\n')
			}
		}
	}
	if err := p.out.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	if p.failed > 0 {
		return fmt.Errorf("%d of %d lines could not be read", p.failed, lines.n)
	}
	return nil
}

func piiUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: allmende pii scan [--json] [--min-score S] [file]")
	fmt.Fprintln(w, "       allmende pii redact [--json] [--min-score S] [file]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "scan prints the personal data found in each line as JSON (offsets in code points);")
	fmt.Fprintln(w, "redact prints each line with that data replaced by <TYPE> placeholders.")
}

// piiRun is one invocation's settings and output.
type piiRun struct {
	redact, json bool
	minScore     float64
	out          *bufio.Writer
	failed       int
	buf          []byte
}

var (
	errNotUTF8 = errors.New("not valid UTF-8")
	errBadID   = errors.New(`"id" must be a string or a number`)
	errNoText  = errors.New(`"text" must be a string`)
)

// document processes one input line.
func (p *piiRun) document(n int, line []byte) error {
	if !utf8.Valid(line) {
		return fmt.Errorf("%w (first bad byte at offset %d)", errNotUTF8, firstInvalid(line))
	}
	id, text := strconv.AppendInt(nil, int64(n), 10), string(line)
	if p.json {
		var err error
		if id, text, err = decodeDoc(line); err != nil {
			return err
		}
	}
	b := p.buf[:0]
	if p.redact {
		redacted, _ := privacy.Redact(text, p.minScore)
		if p.json {
			b = append(b, `{"id":`...)
			b = append(b, id...)
			b = append(b, `,"text":`...)
			b = appendJSONString(b, redacted)
			b = append(b, "}\n"...)
		} else {
			b = append(append(b, redacted...), '\n')
		}
	} else {
		spans := privacy.RuneOffsets(text, privacy.Scan(text, p.minScore))
		b = append(b, `{"id":`...)
		b = append(b, id...)
		b = append(b, `,"spans":[`...)
		for k, sp := range spans {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"start":`...)
			b = strconv.AppendInt(b, int64(sp.Start), 10)
			b = append(b, `,"end":`...)
			b = strconv.AppendInt(b, int64(sp.End), 10)
			b = append(b, `,"type":"`...)
			b = append(b, sp.Type...)
			b = append(b, `","score":`...)
			b = strconv.AppendFloat(b, sp.Score, 'f', -1, 64)
			b = append(b, '}')
		}
		b = append(b, "]}\n"...)
	}
	p.buf = b
	_, err := p.out.Write(b)
	return err
}

// decodeDoc reads {"id":…,"text":…}; other fields are ignored. The id is
// returned as written, so 7, "7" and 7.0 come back unchanged.
func decodeDoc(line []byte) (id []byte, text string, err error) {
	var doc struct {
		ID   json.RawMessage `json:"id"`
		Text *string         `json:"text"`
	}
	if err := json.Unmarshal(line, &doc); err != nil {
		return nil, "", fmt.Errorf("not a JSON object: %w", err)
	}
	if len(doc.ID) == 0 {
		return nil, "", errBadID
	}
	switch c := doc.ID[0]; {
	case c == '"', c == '-', c >= '0' && c <= '9':
	default:
		return nil, "", errBadID
	}
	if doc.Text == nil {
		return nil, "", errNoText
	}
	return doc.ID, *doc.Text, nil
}

// appendJSONString appends s as a JSON string, leaving < and > readable:
// the placeholders are the point of the output.
func appendJSONString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes; bytes.Buffer never fails
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

func firstInvalid(b []byte) int {
	for k := 0; k < len(b); {
		r, size := utf8.DecodeRune(b[k:])
		if r == utf8.RuneError && size == 1 {
			return k
		}
		k += size
	}
	return len(b)
}

var errLineTooLong = fmt.Errorf("longer than %d MiB", maxLine>>20)

// lineReader reads lines of any length up to maxLine; n counts the lines
// read so far.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
	n   int
}

// next returns the next line without its "\n" or "\r\n", and more=false
// at the end of the input. A line longer than maxLine is consumed and
// reported as errLineTooLong.
func (lr *lineReader) next() (line []byte, more bool, err error) {
	lr.buf = lr.buf[:0]
	tooLong, read := false, false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong {
			if len(lr.buf)+len(chunk) > maxLine+2 {
				tooLong, lr.buf = true, lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if !read {
				return nil, false, nil
			}
			break
		}
		if err != nil {
			return nil, true, err
		}
		break
	}
	lr.n++
	if tooLong {
		return nil, true, errLineTooLong
	}
	line = bytes.TrimSuffix(lr.buf, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > maxLine {
		return nil, true, errLineTooLong
	}
	return line, true, nil
}
