package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/allmende/allmende/internal/app"
)

// runKeys dispatches `allmende keys <subcommand>`; init is the only one.
func runKeys(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(io.err, "Usage: allmende keys init --out DIR [--origin ORIGIN]")
		fmt.Fprintln(io.err)
		fmt.Fprintln(io.err, "Subcommands:")
		fmt.Fprintf(io.err, "  %-8s %s\n", "init", "write a new vault key and log signing key, once, for the replicas of a cooperative on PostgreSQL")
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand", errUsage)
		}
		return flag.ErrHelp
	}
	if args[0] != "init" {
		return fmt.Errorf("%w: unknown subcommand %q; run 'allmende keys --help' for the list", errUsage, args[0])
	}
	return runKeysInit(ctx, args[1:], io)
}

// runKeysInit writes the two keys every replica of a cooperative on a
// shared database is given. It prints where they are and the log's public
// key, never the secrets.
func runKeysInit(_ context.Context, args []string, io stdio) error {
	fs := newFlags("keys init", `keys init --out DIR [--origin ORIGIN]

Writes DIR/vault.key (the key that wraps every member's key) and DIR/log.key
(the transparency log's signing key), mode 0600, and never replaces a key
that exists. Give every replica the same two files with --vault-key and
--log-key (or ALLMENDE_VAULT_KEY_FILE and ALLMENDE_LOG_KEY_FILE), and keep a
copy somewhere safe: backups never hold keys, and a lost vault key makes
everything sealed unreadable. See the README, "Running a real cooperative".`, io)
	out := fs.String("out", "", "folder to write vault.key and log.key into (created, mode 0700, if missing; required)")
	origin := fs.String("origin", "", "name of the log in its checkpoints: the public URL of /log without the scheme, e.g. coop.example/log (default: this host's name + /log)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *out == "" {
		return fmt.Errorf("%w: --out is required", errUsage)
	}
	k, err := app.InitKeys(*out, *origin)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "vault key written to %s\n", k.VaultFile)
	fmt.Fprintf(io.out, "log signing key written to %s (origin %s)\n", k.LogFile, k.Origin)
	fmt.Fprintf(io.out, "log public key (served at /log/key; give it to auditors): %s\n", k.LogPublicKey)
	fmt.Fprintf(io.out, "Start every replica with: --vault-key %s --log-key %s\n", k.VaultFile, k.LogFile)
	fmt.Fprintln(io.out, "Keep a copy of both files somewhere safe: backups never hold them.")
	return nil
}

// config is the configuration the flags give (baseConfig), with the
// cooperative's key files from --vault-key and --log-key or, failing them,
// the environment: every command that opens a cooperative on a shared
// database needs its keys.
func (f *serverFlags) config() (app.Config, error) {
	cfg, err := f.baseConfig()
	if err != nil {
		return cfg, err
	}
	cfg.VaultKeyFile = cmp.Or(f.vaultKey, os.Getenv("ALLMENDE_VAULT_KEY_FILE"))
	cfg.LogKeyFile = cmp.Or(f.logKey, os.Getenv("ALLMENDE_LOG_KEY_FILE"))
	return cfg, nil
}
