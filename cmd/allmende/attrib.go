package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/allmende/allmende/internal/attrib"
)

// attribCommands are the subcommands of `allmende attrib`: span tracing of
// a model's output back to a datanet's records, and data valuation.
var attribCommands = []command{
	{name: "index", summary: "add records (JSONL with id and text) to a span index, creating it if needed", run: runAttribIndex},
	{name: "trace", summary: "find the spans of an output text (stdin) that occur in the indexed records", run: runAttribTrace},
	{name: "erase", summary: "erase records from a span index; they are never traced again", run: runAttribErase},
	{name: "knn-shapley", summary: "exact Shapley value of each training point for a k-nearest-neighbour classifier", run: runAttribKNNShapley},
}

// runAttrib dispatches `allmende attrib <subcommand>`.
func runAttrib(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(io.err, "Usage: allmende attrib <subcommand> [flags]")
		fmt.Fprintln(io.err)
		fmt.Fprintln(io.err, "Subcommands:")
		for _, c := range attribCommands {
			fmt.Fprintf(io.err, "  %-12s %s\n", c.name, c.summary)
		}
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand", errUsage)
		}
		return flag.ErrHelp
	}
	for _, c := range attribCommands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], io)
		}
	}
	return fmt.Errorf("%w: unknown subcommand %q; run 'allmende attrib --help' for the list", errUsage, args[0])
}

// runAttribIndex reads records, one JSON object per line, and adds them to
// the index in --out as one new segment (merging older segments as the
// index's policy asks). The batch is added entirely or not at all.
func runAttribIndex(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("attrib index", "attrib index --in records.jsonl --out DIR", io)
	in := fs.String("in", "-", `records, one {"id":…,"text":…} per line; - for stdin`)
	out := fs.String("out", "", "index directory, created if needed (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: want --out DIR and no other arguments", errUsage)
	}
	r, closeIn, err := openInput(*in, io.in)
	if err != nil {
		return err
	}
	defer closeIn()
	x, err := attrib.Open(*out, attrib.Options{Create: true})
	if err != nil {
		return err
	}
	defer x.Close()
	rd := attrib.NewJSONLReader(r)
	n, err := x.Add(ctx, rd.Records())
	var dup *attrib.DuplicateIDError
	var bad *attrib.LineError
	switch {
	case errors.As(err, &bad):
		return fmt.Errorf("%s: %w", inputName(*in), bad)
	case errors.As(err, &dup) && dup.Previous < 0:
		return fmt.Errorf("%s: line %d: id %q is already in the index", inputName(*in), rd.Line(dup.Record), dup.ID)
	case errors.As(err, &dup):
		return fmt.Errorf("%s: line %d: id %q repeats line %d", inputName(*in), rd.Line(dup.Record), dup.ID, rd.Line(dup.Previous))
	case err != nil:
		return fmt.Errorf("%s: %w", inputName(*in), err)
	}
	st := x.Stats()
	fmt.Fprintf(io.err, "added %d records; index: %d records, %d bytes of text, %d bytes on disk, segments: %d\n",
		n, st.Records, st.TextBytes, st.FileBytes, st.Segments)
	return nil
}

// traceSpan is a span as trace prints it; offsets are in code points of
// the output text.
type traceSpan struct {
	Start       int      `json:"start"`
	End         int      `json:"end"`
	Text        string   `json:"text"`
	Count       int64    `json:"count"`
	Records     []string `json:"records"`
	RecordCount int      `json:"record_count"`
	Partial     bool     `json:"partial,omitempty"`
}

// runAttribTrace prints {"spans":[…]}: the maximal spans of the text on
// stdin found in the index, rarest first.
func runAttribTrace(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("attrib trace", "attrib trace --index DIR [--min-len N] [--max-records N] < output.txt", io)
	dir := fs.String("index", "", "index directory (required)")
	minLen := fs.Int("min-len", attrib.DefaultMinLen, "shortest span reported, in characters")
	maxRecords := fs.Int("max-records", attrib.DefaultMaxRecords, "record ids listed per span")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: want --index DIR and the output text on stdin", errUsage)
	}
	if *minLen < 1 || *maxRecords < 1 {
		return fmt.Errorf("%w: --min-len and --max-records must be at least 1", errUsage)
	}
	var text bytes.Buffer
	if _, err := text.ReadFrom(io.in); err != nil {
		return fmt.Errorf("read output text: %w", err)
	}
	x, err := attrib.Open(*dir, attrib.Options{})
	if err != nil {
		return err
	}
	defer x.Close()
	spans, err := x.Trace(ctx, text.String(), attrib.TraceOptions{MinLen: *minLen, MaxRecords: *maxRecords})
	if err != nil {
		return err
	}
	doc := struct {
		Spans []traceSpan `json:"spans"`
	}{Spans: make([]traceSpan, len(spans))}
	for i, s := range spans {
		doc.Spans[i] = traceSpan{s.Start, s.End, s.Text, s.Count, s.Records, s.RecordCount, s.Partial}
		if s.Records == nil {
			doc.Spans[i].Records = []string{}
		}
	}
	enc := json.NewEncoder(io.out)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// idList collects a repeatable --id flag.
type idList []string

func (l *idList) String() string     { return fmt.Sprint(*l) }
func (l *idList) Set(s string) error { *l = append(*l, s); return nil }

func runAttribErase(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("attrib erase", "attrib erase --index DIR --id ID [--id ID …]", io)
	dir := fs.String("index", "", "index directory (required)")
	var ids idList
	fs.Var(&ids, "id", "id of a record to erase (repeatable)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" || len(ids) == 0 || fs.NArg() > 0 {
		return fmt.Errorf("%w: want --index DIR and at least one --id", errUsage)
	}
	x, err := attrib.Open(*dir, attrib.Options{})
	if err != nil {
		return err
	}
	defer x.Close()
	if err := x.Erase(ctx, ids...); err != nil {
		return err
	}
	distinct := map[string]bool{}
	for _, id := range ids {
		distinct[id] = true
	}
	fmt.Fprintf(io.err, "erased %d records; %d remain\n", len(distinct), x.Stats().Records)
	return nil
}

// runAttribKNNShapley prints id,value for every training point, in input
// order: its Shapley value for a k-nearest-neighbour classifier averaged
// over the test points.
func runAttribKNNShapley(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("attrib knn-shapley", "attrib knn-shapley --k K --train train.csv --test test.csv [--soft]", io)
	k := fs.Int("k", 0, "number of neighbours (required, at least 1)")
	trainFile := fs.String("train", "", "training points, CSV rows id,label,x1,x2,… (required; header optional)")
	testFile := fs.String("test", "", "test points, same columns (required)")
	soft := fs.Bool("soft", false, "value the share of the actual neighbours that agree (soft-label KNN, Wang & Jia 2023) instead of the agreeing neighbours divided by K (Jia et al. 2019)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *trainFile == "" || *testFile == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: want --k, --train and --test", errUsage)
	}
	if *k < 1 {
		return fmt.Errorf("%w: --k is %d, want at least 1", errUsage, *k)
	}
	train, err := readPointsFile(*trainFile)
	if err != nil {
		return err
	}
	test, err := readPointsFile(*testFile)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	u := attrib.FixedK
	if *soft {
		u = attrib.Soft
	}
	values, err := attrib.KNNShapley(train, test, *k, u)
	if err != nil {
		return err
	}
	return writeCSV(io.out, []string{"id", "value"}, len(values), func(i int) []string {
		return []string{train.IDs[i], formatFloat(values[i])}
	})
}

func readPointsFile(name string) (*attrib.Points, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := attrib.ReadPoints(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return p, nil
}
