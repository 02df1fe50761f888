package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// splitReceipt records a model call's split that pays m-ada 40 and m-bob
// 30 on a served test log, publishes it, and writes ada's receipt to a
// file, whose path it returns with the log.
func splitReceipt(t *testing.T) (*testLog, string) {
	t.Helper()
	tl := startTestLog(t, t.TempDir(), "log")
	db := storetest.Open(t, store.SQLite)
	l := ledger.New(db)
	var ada int64
	err := db.InTx(t.Context(), func(tx *store.Tx) error {
		for _, who := range []string{"ada", "bob"} {
			var id int64
			if err := tx.QueryRowContext(t.Context(), `INSERT INTO members (public_id, email, name, password_hash, role, created_at)
				VALUES ($1, $2, $3, 'x', 'member', 0) RETURNING id`, "m-"+who, who+"@example.org", who).Scan(&id); err != nil {
				return err
			}
			if who == "ada" {
				ada = id
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var eventID string
	err = db.InTx(t.Context(), func(tx *store.Tx) error {
		eventID, err = l.Record(t.Context(), tx, ledger.Event{Type: ledger.RewardSplit, Scope: "model:1", Postings: []ledger.Posting{
			{Account: "member:m-ada", Amount: 40}, {Account: "member:m-bob", Amount: 30}, {Account: "member:m-client", Amount: -100}, {Account: "treasury", Amount: 30}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ledger.NewPublisher(l, tl.log, nil).Run(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	var r *ledger.Receipt
	for {
		r, err = l.Receipt(t.Context(), tl.log, ada, eventID)
		if !errors.Is(err, ledger.ErrNotYetLogged) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(r)
	file := filepath.Join(t.TempDir(), "allmende-receipt.json")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return tl, file
}

func runReceiptCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runReceipt(t.Context(), args, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
	return out.String(), err
}

// TestReceiptVerify: a member's receipt for their share of a split
// verifies offline with nothing but the log's key (the file before or
// after the flags) and, with the network, against the live log; a copy
// with another amount or pseudonym in the share line does not.
func TestReceiptVerify(t *testing.T) {
	tl, file := splitReceipt(t)
	for _, args := range [][]string{{"verify", "--key", tl.keyFile, file}, {"verify", file, "--key", tl.keyFile}} {
		out, err := runReceiptCLI(t, args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		for _, want := range []string{"signature verified", "reward.split, model:1", "member:m-ada was paid 40 points", "line 0 of the 2 the entry commits to", "OK"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	}
	out, err := runCLI(t, "verify", "--url", tl.url, "--key", tl.keyFile, "--receipt", file)
	if err != nil || !strings.Contains(out, "member:m-ada was paid 40 points") || !strings.Contains(out, "which the latest tree contains") {
		t.Fatalf("log verify with the receipt: %v\n%s", err, out)
	}

	raw, _ := os.ReadFile(file)
	for _, tt := range []struct{ name, from, to string }{
		{"another amount", `\"amount\":40`, `\"amount\":400`},
		{"another pseudonym", `\"account\":\"member:m-ada\"`, `\"account\":\"member:m-bob\"`},
	} {
		if !bytes.Contains(raw, []byte(tt.from)) {
			t.Fatalf("%s: the receipt has no %s: %s", tt.name, tt.from, raw)
		}
		bad := filepath.Join(t.TempDir(), "bad.json")
		os.WriteFile(bad, bytes.Replace(raw, []byte(tt.from), []byte(tt.to), 1), 0o644)
		if out, err := runReceiptCLI(t, "verify", "--key", tl.keyFile, bad); err == nil || strings.Contains(out, "OK") {
			t.Errorf("%s: verified: %v\n%s", tt.name, err, out)
		}
	}
	if _, err := runReceiptCLI(t, "verify", file); !errors.Is(err, errUsage) {
		t.Errorf("no key: %v", err)
	}
}
