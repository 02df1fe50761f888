// Command practicebench measures learned programs on Allmende's practice
// suite (internal/practice): for each kind of task it makes five
// demonstrations with scripted hands while the recorder records
// (internal/recorder, as `allmende record` does), learns a program from
// the first 1, 3 and 5 (internal/program), runs each program on N fresh
// instances in one shared Chromium (internal/actor) and checks the page
// after each run; as the baseline it replays the first demonstration's
// recording on the same instances (internal/replay). It prints a markdown
// table per kind and the mean:
//
//	go run ./cmd/practicebench -n 100 > bench.md
//
// or in parts, merged into one table:
//
//	go run ./cmd/practicebench -n 50 -kinds a,b -json a.json …
//	go run ./cmd/practicebench -n 50 -first 50 -no-own -kinds a,b -json b.json …
//	go run ./cmd/practicebench -merge a.json,b.json > bench.md
//
// Instances of run i have seed 1000+i, demonstration d seed d (1–5), so a
// table can be made again. A program learned from 3 demos that is the
// same as the one from 1 (byte for byte) is not run twice: its results
// are the same instances' results.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/practice"
)

func main() {
	var o options
	flag.IntVar(&o.N, "n", 100, "fresh instances per kind and number of demos")
	flag.IntVar(&o.Replays, "replays", 20, "fresh instances the baseline replays (each failing replay waits for its step timeout)")
	flag.StringVar(&o.Demos, "demos", "1,3,5", "numbers of demonstrations to learn from")
	flag.StringVar(&o.Kinds, "kinds", "", "comma-separated kinds to run (default all)")
	flag.StringVar(&o.Out, "out", "", "also write the table to this file")
	flag.DurationVar(&o.RunTimeout, "run-timeout", 30*time.Second, "bound of one run")
	flag.BoolVar(&o.Verbose, "v", false, "log each failed run's reason")
	flag.IntVar(&o.Parallel, "parallel", 1, "fresh instances run at once (success is the same; their run times then include each other's load)")
	flag.StringVar(&o.DemoDir, "demo-dir", "", "keep the demonstrations in this directory and reuse those kept there")
	flag.IntVar(&o.First, "first", 0, "number of the first fresh instance (seed 1000+first): to run the instances in parts")
	flag.BoolVar(&o.NoOwn, "no-own", false, "skip the timings on demo 1's own instance (a part that only adds fresh instances)")
	flag.StringVar(&o.JSON, "json", "", "also write the results to this file, for -merge")
	mergeList := flag.String("merge", "", "comma-separated result files (-json) of parts to add up into one table; nothing is run")
	list := flag.Bool("list", false, "list the kinds of task (markdown) and exit")
	flag.Parse()
	if *mergeList != "" {
		if err := mergeFiles(o, strings.Split(*mergeList, ",")); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *list {
		for _, k := range practice.Kinds() {
			params := ""
			if len(k.Params) > 0 {
				params = " — run parameters: " + strings.Join(k.Params, ", ")
			}
			fmt.Printf("- `%s`: %s%s\n", k.Name, k.Covers, params)
		}
		return
	}
	if err := run(context.Background(), o); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, o options) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: practice.Server{}, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	o.Base = "http://" + ln.Addr().String()
	o.Log = log.New(os.Stderr, "", log.Ltime)
	kinds := practice.Kinds()
	if o.Kinds != "" {
		kinds = nil
		for _, name := range strings.Split(o.Kinds, ",") {
			k, ok := practice.Lookup(strings.TrimSpace(name))
			if !ok {
				return fmt.Errorf("no practice kind %q", name)
			}
			kinds = append(kinds, k)
		}
	}
	b, err := newBench(ctx, o)
	if err != nil {
		return err
	}
	defer b.close()
	var rows []row
	for _, k := range kinds {
		r := b.kind(ctx, k)
		o.Log.Printf("%s: %s", k.Name, r.summary())
		rows = append(rows, r)
	}
	p := partOf(o, rows)
	if o.JSON != "" {
		if err := writePart(o.JSON, p); err != nil {
			return err
		}
	}
	return printTable(o, p)
}

// printTable prints the table of p, and writes it to -out.
func printTable(o options, p part) error {
	table := markdown(p)
	fmt.Print(table)
	if o.Out != "" {
		return os.WriteFile(o.Out, []byte(table), 0o644)
	}
	return nil
}

// mergeFiles prints the table of the parts in files (and writes their sum
// to -json).
func mergeFiles(o options, files []string) error {
	var parts []part
	for _, f := range files {
		p, err := readPart(f)
		if err != nil {
			return err
		}
		parts = append(parts, p)
	}
	p, err := merge(parts)
	if err != nil {
		return err
	}
	if o.JSON != "" {
		if err := writePart(o.JSON, p); err != nil {
			return err
		}
	}
	return printTable(o, p)
}
