package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/allmende/allmende/internal/truth"
)

const aggregateSynopsis = "aggregate [--method mv|ds|glad|mace] [--numeric [--method mean|median]] [--workers FILE] [--report TRUTH.csv] [answers.csv|-]"

// categoricalMethods maps --method names to the truth package's methods.
var categoricalMethods = map[string]func(*truth.Dataset, truth.Options) (truth.Result, error){
	"mv":   func(d *truth.Dataset, _ truth.Options) (truth.Result, error) { return truth.MajorityVote(d) },
	"ds":   truth.DawidSkene,
	"glad": truth.GLAD,
	"mace": truth.MACE,
}

var numericMethods = map[string]func(*truth.NumericDataset, truth.NumericOptions) (truth.NumericResult, error){
	"mean":   truth.Mean,
	"median": truth.Median,
}

// runAggregate infers the true answer to each question from the answers of
// several workers (the CSV format of the public truth-inference benchmarks)
// and writes question,truth to stdout in question order.
func runAggregate(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("aggregate", aggregateSynopsis, io)
	method := fs.String("method", "", "inference method: mv (majority vote), ds (Dawid–Skene, the default), glad, mace; with --numeric: mean (the default) or median")
	numeric := fs.Bool("numeric", false, "answers are numbers; infer values with worker bias correction")
	noBias := fs.Bool("no-bias", false, "with --numeric: do not correct worker bias")
	workersFile := fs.String("workers", "", "also write worker,reliability (and bias, with --numeric) to `FILE`")
	report := fs.String("report", "", "print accuracy (MAE and RMSE with --numeric) against the ground truth in `FILE` (question,truth) to stderr")
	maxIter := fs.Int("max-iter", 100, "maximum EM or refinement rounds")
	tol := fs.Float64("tol", 0, "stop when no posterior (value, with --numeric) moves more than this; 0 for the method's default")

	// Flags may follow the file name too (allmende aggregate answers.csv
	// --method mv): the flag package stops at the first argument that is
	// not a flag, so parse again after each one.
	var files []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) > 1 {
		return fmt.Errorf("%w: one answers file at most, got %d", errUsage, len(files))
	}
	if *maxIter <= 0 || *tol < 0 {
		return fmt.Errorf("%w: --max-iter must be positive and --tol not negative", errUsage)
	}
	if *noBias && !*numeric {
		return fmt.Errorf("%w: --no-bias needs --numeric", errUsage)
	}
	name := "-"
	if len(files) == 1 {
		name = files[0]
	}

	in, closeIn, err := openInput(name, io.in)
	if err != nil {
		return err
	}
	defer closeIn()
	if *numeric {
		if *method == "" {
			*method = "mean"
		}
		run, ok := numericMethods[*method]
		if !ok {
			return fmt.Errorf("%w: unknown method %q with --numeric; want mean or median", errUsage, *method)
		}
		return aggregateNumeric(ctx, in, name, run, truth.NumericOptions{MaxIterations: *maxIter, Tolerance: *tol, NoBias: *noBias}, *workersFile, *report, *method, io)
	}
	if *method == "" {
		*method = "ds"
	}
	run, ok := categoricalMethods[*method]
	if !ok {
		return fmt.Errorf("%w: unknown method %q; want mv, ds, glad or mace (mean or median need --numeric)", errUsage, *method)
	}
	return aggregateCategorical(ctx, in, name, run, truth.Options{MaxIterations: *maxIter, Tolerance: *tol}, *workersFile, *report, *method, io)
}

func aggregateCategorical(ctx context.Context, in io.Reader, name string,
	run func(*truth.Dataset, truth.Options) (truth.Result, error), opts truth.Options,
	workersFile, report, method string, io stdio) error {
	d, err := truth.ReadAnswers(in)
	if err != nil {
		return fmt.Errorf("read answers from %s: %w", inputName(name), err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := run(d, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	err = writeCSV(io.out, []string{"question", "truth"}, len(d.Items), func(i int) []string {
		if r.Labels[i] < 0 {
			return nil
		}
		return []string{d.Items[i], d.Labels[r.Labels[i]]}
	})
	if err != nil {
		return fmt.Errorf("write truths: %w", err)
	}
	if workersFile != "" {
		err := writeCSVFile(workersFile, []string{"worker", "reliability"}, len(d.Workers), func(w int) []string {
			return []string{d.Workers[w], formatFloat(r.Reliability[w])}
		})
		if err != nil {
			return err
		}
	}
	if report == "" {
		return nil
	}
	known, err := readTruthFile(report, truth.ReadTruth)
	if err != nil {
		return err
	}
	acc, n := truth.Accuracy(d, r, known)
	if n == 0 {
		return fmt.Errorf("report: no question of %s is in the answers", report)
	}
	correct := int(math.Round(acc * float64(n)))
	fmt.Fprintf(io.err, "%s: accuracy %.4f (%d of %d questions with a known truth)\n", method, acc, correct, n)
	return nil
}

func aggregateNumeric(ctx context.Context, in io.Reader, name string,
	run func(*truth.NumericDataset, truth.NumericOptions) (truth.NumericResult, error), opts truth.NumericOptions,
	workersFile, report, method string, io stdio) error {
	d, err := truth.ReadNumericAnswers(in)
	if err != nil {
		return fmt.Errorf("read answers from %s: %w", inputName(name), err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := run(d, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	err = writeCSV(io.out, []string{"question", "truth"}, len(d.Items), func(i int) []string {
		return []string{d.Items[i], formatFloat(r.Values[i])}
	})
	if err != nil {
		return fmt.Errorf("write truths: %w", err)
	}
	if workersFile != "" {
		err := writeCSVFile(workersFile, []string{"worker", "reliability", "bias"}, len(d.Workers), func(w int) []string {
			return []string{d.Workers[w], formatFloat(r.Reliability[w]), formatFloat(r.Bias[w])}
		})
		if err != nil {
			return err
		}
	}
	if report == "" {
		return nil
	}
	known, err := readTruthFile(report, truth.ReadNumericTruth)
	if err != nil {
		return err
	}
	mae, rmse, n := truth.NumericError(d, r, known)
	if n == 0 {
		return fmt.Errorf("report: no question of %s is in the answers", report)
	}
	fmt.Fprintf(io.err, "%s: mean absolute error %.6g, root mean squared error %.6g (%d questions with a known truth)\n", method, mae, rmse, n)
	return nil
}

// openInput opens the named file, or returns stdin for "-".
func openInput(name string, stdin io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("open answers: %w", err)
	}
	return f, func() { f.Close() }, nil
}

func inputName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

func readTruthFile[T any](name string, read func(io.Reader) (map[string]T, error)) (map[string]T, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open ground truth: %w", err)
	}
	defer f.Close()
	known, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("read ground truth from %s: %w", name, err)
	}
	return known, nil
}

// writeCSV writes header and then row(i) for i in [0, n), skipping nil rows.
func writeCSV(w io.Writer, header []string, n int, row func(int) []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range n {
		if r := row(i); r != nil {
			if err := cw.Write(r); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeCSVFile(name string, header []string, n int, row func(int) []string) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("create workers file: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close workers file: %w", cerr)
		}
	}()
	if err := writeCSV(f, header, n, row); err != nil {
		return fmt.Errorf("write workers file %s: %w", name, err)
	}
	return nil
}

// formatFloat prints the shortest decimal that reads back as the same
// float64, so that outputs can be compared exactly across runs.
func formatFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}
