package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/ledger"
)

// receiptCommands are the subcommands of `allmende receipt`.
var receiptCommands = []command{
	{name: "verify", summary: "check a receipt offline: the signed checkpoint, the entry's inclusion, the commitment and the payment it proves", run: runReceiptVerify},
}

// runReceipt dispatches `allmende receipt <subcommand>`.
func runReceipt(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(io.err, "Usage: allmende receipt <subcommand> [flags]")
		fmt.Fprintln(io.err)
		fmt.Fprintln(io.err, "Subcommands:")
		for _, c := range receiptCommands {
			fmt.Fprintf(io.err, "  %-8s %s\n", c.name, c.summary)
		}
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand", errUsage)
		}
		return flag.ErrHelp
	}
	for _, c := range receiptCommands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], io)
		}
	}
	return fmt.Errorf("%w: unknown subcommand %q; run 'allmende receipt --help' for the list", errUsage, args[0])
}

func runReceiptVerify(_ context.Context, args []string, io stdio) error {
	fs := newFlags("receipt verify", `receipt verify --key KEYFILE FILE

Checks a JSON receipt (allmende-receipt@v1 or @v2) without the network:
the checkpoint's signature with the log's key, the entry's inclusion proof
to that checkpoint, that the salt and content open the entry's commitment
(for one's own events), and the payment a v2 receipt names: the member's
share line and its path to the entry's shares root, or the posting the
entry publishes. To know the log still holds the checkpoint, also run
allmende log verify --url URL --key KEYFILE --receipt FILE. See
docs/ledger.md.`, io)
	keyFile := fs.String("key", "", "file holding the log's note verifier key, as served at /log/key (required)")
	// The file may come before or after the flags.
	var files []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if *keyFile == "" || len(files) != 1 {
		return fmt.Errorf("%w: give --key KEYFILE and one receipt file", errUsage)
	}
	vkey, err := os.ReadFile(*keyFile)
	if err != nil {
		return fmt.Errorf("reading the log key: %w", err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		return fmt.Errorf("the log key in %s: %w", *keyFile, err)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		return fmt.Errorf("reading the receipt: %w", err)
	}
	r, err := ledger.ParseReceipt(raw)
	if err != nil {
		return fmt.Errorf("receipt %s: %w", files[0], err)
	}
	ok, err := r.Verify(v)
	if err != nil {
		return fmt.Errorf("receipt %s: %w", files[0], err)
	}
	cp := ok.Checkpoint
	fmt.Fprintf(io.out, "checkpoint  %s size %d root %s: signature verified with key %s+%08x\n",
		cp.Origin, cp.Size, base64.StdEncoding.EncodeToString(cp.Hash), v.Name(), v.KeyHash())
	e := ok.Entry
	fmt.Fprintf(io.out, "entry       event %s (%s%s) is entry %d of that tree (inclusion proof of %d hashes)\n",
		e.ID, e.Type, scopeSuffix(e.Scope), ok.Proof.Index, len(ok.Proof.Proof))
	printOpened(io, r, ok)
	fmt.Fprintln(io.out, "OK (offline: to know the log still holds this checkpoint, run allmende log verify with --receipt)")
	return nil
}

func scopeSuffix(scope string) string {
	if scope == "" {
		return ""
	}
	return ", " + scope
}

// printOpened says what a verified receipt proves about its entry: that
// its commitment opens, and the payment it names.
func printOpened(io stdio, r *ledger.Receipt, ok *ledger.Verified) {
	switch {
	case r.Erased:
		fmt.Fprintf(io.out, "commitment  the event was erased: its entry stays in the log but no longer opens to anything\n")
	case ok.Opened:
		fmt.Fprintf(io.out, "commitment  the entry's commitment opens to the receipt's salt and content %s\n", r.Content)
	}
	p := ok.Paid
	if p == nil {
		return
	}
	scope := ""
	if p.Scope != "" {
		scope = " for " + p.Scope
	}
	if p.Committed {
		fmt.Fprintf(io.out, "paid        %s was paid %d points%s: its share line is line %d of the %d the entry commits to (proof of %d hashes); the log publishes neither\n",
			p.Account, p.Amount, scope, r.Share.Index, ok.Entry.Shares.Count, len(r.Share.Proof))
		return
	}
	fmt.Fprintf(io.out, "paid        %s was paid %d points: the entry publishes the posting\n", p.Account, p.Amount)
}
