package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"os"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/tlog/client"
	"github.com/allmende/allmende/internal/tlog/receipt"
)

// logCommands are the subcommands of `allmende log`.
var logCommands = []command{
	{name: "verify", summary: "check the public log: checkpoint signature, tiles, consistency with a saved state, a receipt", run: runLogVerify},
	{name: "bench", summary: "measure raw log appends and ledger events end to end on this machine", run: runLogBench},
}

// runLog dispatches `allmende log <subcommand>`.
func runLog(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(io.err, "Usage: allmende log <subcommand> [flags]")
		fmt.Fprintln(io.err)
		fmt.Fprintln(io.err, "Subcommands:")
		for _, c := range logCommands {
			fmt.Fprintf(io.err, "  %-8s %s\n", c.name, c.summary)
		}
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand", errUsage)
		}
		return flag.ErrHelp
	}
	for _, c := range logCommands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], io)
		}
	}
	return fmt.Errorf("%w: unknown subcommand %q; run 'allmende log --help' for the list", errUsage, args[0])
}

func runLogVerify(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("log verify", `log verify --url URL --key KEYFILE [--state FILE [--full]] [--receipt FILE [--entry FILE]]

Checks the checkpoint's signature, the tiles of the tree's right edge, and
(the audit) every entry and tile: that they hash to the signed root and that
each entry is a ledger event the log holds only once. With --state it keeps
the last verified checkpoint in FILE and the event ids in FILE.events; the
next run proves the new tree contains the saved one (consistency proof:
rollback, fork) and audits only the entries added since. Entries and tiles
verified before are not read again, so one altered in place afterwards
passes unless the consistency proof uses it; --full audits them all again.
See docs/ledger.md.`, io)
	logURL := fs.String("url", "", "base URL of the log, e.g. https://coop.example/log/ (required)")
	keyFile := fs.String("key", "", "file holding the log's note verifier key, as served at /log/key (required)")
	stateFile := fs.String("state", "", "file keeping the last verified checkpoint; checked for consistency, then updated")
	receiptFile := fs.String("receipt", "", "a receipt (c2sp.org/tlog-proof) to check against the log")
	entryFile := fs.String("entry", "", "the exact bytes of the entry the receipt is for (default: the entry inside the receipt)")
	audit := fs.Bool("audit", true, "download and check every entry and tile added since the saved state (all of them without --state)")
	full := fs.Bool("full", false, "audit every entry and tile from the first, also those verified before (the saved state is still checked for consistency)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *logURL == "" || *keyFile == "" {
		return fmt.Errorf("%w: --url and --key are required", errUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if *entryFile != "" && *receiptFile == "" {
		return fmt.Errorf("%w: --entry needs --receipt", errUsage)
	}

	vkey, err := os.ReadFile(*keyFile)
	if err != nil {
		return fmt.Errorf("reading the log key: %w", err)
	}
	c, err := client.New(*logURL, string(vkey), nil)
	if err != nil {
		return err
	}
	opts := client.VerifyOptions{Audit: *audit, Full: *full}
	if *stateFile != "" {
		if opts.Saved, err = client.LoadState(*stateFile, c.Verifier()); err != nil {
			return err
		}
	}
	// The event ids of the entries verified so far, to find a copy of an
	// old event among the new entries.
	var events *ledger.EventSet
	eventsFile := *stateFile + ".events"
	if *audit {
		if opts.Saved != nil && !opts.Full {
			if events, err = ledger.LoadEventSet(eventsFile, opts.Saved.Size); err != nil {
				return err
			}
			if events == nil {
				fmt.Fprintf(io.out, "events      %s does not list the events of the saved tree of size %d: auditing the whole log\n", eventsFile, opts.Saved.Size)
				opts.Full = true
			}
		}
		if events == nil {
			events = ledger.NewEventSet()
		}
		opts.EachEntry = events.Add
	}
	if *receiptFile != "" {
		raw, err := os.ReadFile(*receiptFile)
		if err != nil {
			return fmt.Errorf("reading the receipt: %w", err)
		}
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
			// Allmende's JSON receipt: check that the entry's commitment
			// opens to the salt and content first, then the proof as usual.
			lr, err := ledger.ParseReceipt(raw)
			if err != nil {
				return fmt.Errorf("receipt %s: %w", *receiptFile, err)
			}
			ok, err := lr.Verify(c.Verifier())
			if err != nil {
				return fmt.Errorf("receipt %s: %w", *receiptFile, err)
			}
			opts.Receipt, opts.Entry = ok.Proof, []byte(lr.Entry)
			printOpened(io, lr, ok)
		} else if opts.Receipt, err = receipt.Parse(raw); err != nil {
			return fmt.Errorf("receipt %s: %w", *receiptFile, err)
		}
		if *entryFile != "" {
			if opts.Entry, err = os.ReadFile(*entryFile); err != nil {
				return fmt.Errorf("reading the entry: %w", err)
			}
		}
	}

	rep, err := c.Verify(ctx, opts)
	printReport(io, c, opts, rep)
	if err != nil {
		return err
	}
	if rep.Audit != nil {
		fmt.Fprintf(io.out, "events      all %d entries are ledger events, each event once\n", events.Len())
	}
	if *stateFile != "" {
		// The list before the state: a list longer than the saved tree is
		// fine, a shorter one makes the next run audit everything.
		if rep.Audit != nil {
			if err := events.Save(eventsFile); err != nil {
				return err
			}
		}
		if err := client.SaveState(*stateFile, rep.Latest); err != nil {
			return err
		}
		fmt.Fprintf(io.out, "state       saved the checkpoint of size %d to %s\n", rep.Latest.Size, *stateFile)
	}
	fmt.Fprintln(io.out, "OK")
	return nil
}

// printReport prints one line per check that passed, so that on failure the
// reader sees how far verification got before the error.
func printReport(io stdio, c *client.Client, o client.VerifyOptions, rep *client.Report) {
	v := c.Verifier()
	if cp := rep.Latest; cp != nil {
		fmt.Fprintf(io.out, "checkpoint  %s size %d root %s: signature verified with key %s+%08x\n",
			cp.Origin, cp.Size, base64.StdEncoding.EncodeToString(cp.Hash), v.Name(), v.KeyHash())
	}
	if rep.Tree {
		fmt.Fprintf(io.out, "tiles       the tiles of the tree's right edge hash to the checkpoint root\n")
	}
	if o.Saved == nil {
		if rep.Tree {
			fmt.Fprintf(io.out, "state       no saved checkpoint to compare with\n")
		}
	} else if rep.Consistent {
		fmt.Fprintf(io.out, "consistent the log still contains the saved tree of size %d (consistency proof of %d hashes)\n", o.Saved.Size, rep.ConsistencyProof)
	}
	if a := rep.Audit; a != nil {
		fmt.Fprintf(io.out, "audit       entries %d to %d (%d entries, %d bundles, %d tiles) hash to the checkpoint root and match the tiles\n",
			a.From, a.To, a.To-a.From, a.Bundles, a.Tiles)
	}
	if cp := rep.ReceiptCheckpoint; cp != nil {
		fmt.Fprintf(io.out, "receipt     entry %d is in the signed tree of size %d (inclusion proof of %d hashes), which the latest tree contains\n",
			o.Receipt.Index, cp.Size, len(o.Receipt.Proof))
	}
}
