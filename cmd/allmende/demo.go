package main

import (
	"cmp"
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/demo"
	"github.com/allmende/allmende/internal/points"
)

func runDemo(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("demo", "demo [--addr :8080] [--data DIR]", io)
	var f serverFlags
	f.register(fs, "allmende-demo")
	f.logLevel = "warn"
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	// The demo's automations replay its own practice pages, on this
	// machine.
	cfg.ReplayAllowPrivate = true
	log, err := f.logger(io)
	if err != nil {
		return err
	}
	ln, err := app.Listen(f.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	mln, err := f.listenMetrics()
	if err != nil {
		return err
	}
	if mln != nil {
		defer mln.Close()
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	seeded, err := demo.SeedAt(ctx, a, app.URL(ln.Addr()))
	if err != nil {
		return fmt.Errorf("seed the demo cooperative: %w", err)
	}
	return serve(ctx, a, log, ln, mln, func(url string) {
		out := io.out
		fmt.Fprintf(out, "\nAllmende demo is running at %s\n\n", url)
		fmt.Fprintf(out, "Sign in with any of these (password %q):\n", demo.Password)
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		for _, acc := range demo.Accounts {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", acc.Role, acc.Email, acc.Name)
		}
		tw.Flush()
		if len(seeded.Invitations) > 0 {
			fmt.Fprintf(out, "\nInvitation codes to try joining at %s/signup:\n", url)
			for _, c := range seeded.Invitations {
				fmt.Fprintf(out, "  %s\n", c)
			}
		}
		if seeded.ClientKey != "" {
			fmt.Fprintf(out, "\nCall the demo model as Rita, the paying client (each call costs %s of her deposit and pays the contributors):\n", cmp.Or(cfg.Currency, points.DefaultCurrency).Format(demo.ModelPrice))
			fmt.Fprintf(out, "  curl -s %s/v1/chat/completions -H 'Authorization: Bearer %s' \\\n", url, seeded.ClientKey)
			fmt.Fprintf(out, "    -d '{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Darf mein Vermieter die Kaution behalten?\"}]}'\n", demo.ModelSlug)
			fmt.Fprintf(out, "\nTrain a classifier as Rita on %s/models/%s (field to predict: %s), publish it, then:\n", url, demo.RouterSlug, demo.LabelField)
			fmt.Fprintf(out, "  curl -s %s/api/v1/models/%s/predict -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\\n", url, demo.RouterSlug, seeded.ClientKey)
			fmt.Fprintf(out, "    -d '{\"inputs\":\"The heating has not worked for a week, may I pay less rent?\"}'\n")
		}
		for _, p := range seeded.Voting {
			fmt.Fprintf(out, "\nOpen for votes until %s: %q\n  %s/proposals/%d (a binding proposal that passes waits out the cooperative's timelock, then applies itself)\n",
				p.ClosesAt.Local().Format("15:04:05"), p.Title, url, p.ID)
		}
		fmt.Fprintf(out, "\nData folder: %s (delete it to start over). Stop with Ctrl+C.\n", cfg.DataDir)
	})
}
