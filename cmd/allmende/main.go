// Command allmende runs the Allmende data cooperative: the server, the demo,
// and the command-line tools that check its algorithms and its public log.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// stdio is what a subcommand reads and writes, so tests can run commands in
// process without touching the real terminal.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// A command is one subcommand. run parses its own flags from args.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, io stdio) error
}

// commands lists every subcommand in the order `allmende --help` shows them.
var commands = []command{
	{"demo", "run a seeded demo cooperative on an embedded database", runDemo},
	{"serve", "run the cooperative's server", runServe},
	{"steward", "create a steward (the first member of a new cooperative)", runSteward},
	{"export", "write a datanet's records as JSON Lines or CSV, optionally k-anonymous", runExport},
	{"backup", "write a backup of the data folder (without keys)", runBackup},
	{"keys", "write the vault and log keys once, for replicas sharing a PostgreSQL database (init)", runKeys},
	{"log", "verify the public transparency log (and measure it)", runLog},
	{"receipt", "verify a receipt offline: that the log signed its entry and what the entry paid you", runReceipt},
	{"pii", "find or redact personal data in text, one document per line (scan, redact)", runPII},
	{"aggregate", "infer true answers and worker reliability from crowd answers (CSV)", runAggregate},
	{"replay", "replay a browser recording (Chrome Recorder JSON) in Chromium, step by step", runReplay},
	{"record", "record browser work with the recorder extension into a file (steps, targets, page outlines)", runRecord},
	{"train", "train a text classifier (linear or kNN) on labelled JSON Lines; writes the model and its card", runTrain},
	{"predict", "label texts (JSON Lines on stdin) with a trained classifier", runPredict},
	{"explain", "name the training records that influenced each prediction, with their weights", runExplain},
	{"learn", "learn a program from 1-5 demonstrations of a task (recordings with outlines)", runLearn},
	{"act", "run a learned program in Chromium on a page, step by step", runAct},
	{"attrib", "trace model outputs to datanet records and value training data (index, trace, erase, knn-shapley)", runAttrib},
}

// errUsage marks an error that was caused by the command line, so main exits
// with status 2 like the flag package does.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdio{os.Stdin, os.Stdout, os.Stderr})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 {
		usage(io.err)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(io.out)
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], io)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(io.err, "allmende %s: %v\n", c.name, err)
			return 2
		case errors.As(err, new(exitCode)):
			fmt.Fprintf(io.err, "allmende %s: %v\n", c.name, err)
			var ec exitCode
			errors.As(err, &ec)
			return ec.code
		default:
			fmt.Fprintf(io.err, "allmende %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(io.err, "allmende: unknown command %q; run 'allmende --help' for the list\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "allmende runs a data cooperative: fair-paid data work, member-owned data, a public verifiable ledger.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: allmende <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'allmende <command> --help' for the flags of a command.")
}

// newFlags returns a flag set whose --help prints the command's synopsis
// above its flags.
func newFlags(name, synopsis string, io stdio) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: allmende %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args. --help prints the usage; a bad flag becomes one
// line that says what is wrong and where to look, rather than the whole
// usage text.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		_, _ = out.Write(buf.Bytes())
		return err
	case err != nil:
		return fmt.Errorf("%w: %v (see 'allmende %s --help')", errUsage, err, fs.Name())
	}
	return nil
}

// parseFlagsAndFiles parses args whose files may come before, between or
// after the flags, as the synopses of replay, learn and act show, and
// returns the files in order.
func parseFlagsAndFiles(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for rest := args; ; {
		if err := parseFlags(fs, rest); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return files, nil
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}
