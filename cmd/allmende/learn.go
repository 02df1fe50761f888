package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/allmende/allmende/internal/program"
	"github.com/allmende/allmende/internal/recording"
)

// exitCode is an error that asks for a particular exit status.
type exitCode struct {
	code int
	err  error
}

func (e exitCode) Error() string { return e.err.Error() }
func (e exitCode) Unwrap() error { return e.err }

// runLearn learns a program from demonstrations (recordings with targets
// and outlines), prints it in plain words and writes it with --out. It
// exits 3 when the demos leave a step ambiguous, asking for another.
func runLearn(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("learn", "learn DEMO.json... [--out PROGRAM.json] [--json]", io)
	out := fs.String("out", "", "write the program (JSON, docs/program.md) to this `file`")
	asJSON := fs.Bool("json", false, "print the program as JSON instead of in words")
	files, err := parseFlagsAndFiles(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 || len(files) > program.MaxDemos {
		return fmt.Errorf("%w: want 1 to %d demonstration files, got %d", errUsage, program.MaxDemos, len(files))
	}
	var demos []recording.Recording
	for i, f := range files {
		data, err := readRecording(f, io.in)
		if err != nil {
			return err
		}
		rec, err := recording.Parse(data)
		if err != nil {
			return fmt.Errorf("demo %d (%s) is not a recording:\n%w", i+1, f, err)
		}
		demos = append(demos, rec)
	}
	prog, err := program.Learn(demos)
	if err != nil {
		var amb *program.Ambiguous
		var de *program.DemoError
		switch {
		case errors.As(err, &amb):
			return exitCode{3, err}
		case errors.As(err, &de):
			return fmt.Errorf("%w (%s)", err, files[de.Demo-1])
		}
		return err
	}
	data, err := prog.Marshal()
	if err != nil {
		return err
	}
	if *out != "" {
		if err := os.WriteFile(*out, data, 0o644); err != nil {
			return err
		}
	}
	if *asJSON {
		_, err = io.out.Write(data)
		return err
	}
	fmt.Fprint(io.out, prog.Describe())
	return nil
}
