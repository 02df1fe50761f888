package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/member"
)

// runSteward creates a steward directly in the database: how a new
// cooperative gets its first member, and how one locked out of its last
// steward gets back in. The password is read from ALLMENDE_PASSWORD or the
// first line of standard input, never from the command line, where other
// users of the machine could read it.
func runSteward(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("steward", "steward --email EMAIL --name NAME [--data DIR] [--db URL --vault-key FILE]  (password from $ALLMENDE_PASSWORD or stdin)", io)
	var f serverFlags
	f.register(fs, "allmende-data")
	email := fs.String("email", "", "the steward's e-mail address")
	name := fs.String("name", "", "the steward's name")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return fmt.Errorf("%w: --email and --name are required", errUsage)
	}
	password := os.Getenv("ALLMENDE_PASSWORD")
	if password == "" {
		fmt.Fprint(io.err, "Password for the new steward (at least 10 characters): ")
		line, err := bufio.NewReader(io.in).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("no password given: set ALLMENDE_PASSWORD or type it on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	// The server may be running: leave its transparency log alone; the
	// "member joined" event waits in the outbox for it.
	cfg.Offline = true
	log, err := f.logger(io)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	m, err := a.Members.Found(ctx, *email, *name, password, member.RoleSteward)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "steward %s created (public id %s); sign in at the server's /signin\n", m.Email, m.PublicID)
	return nil
}
