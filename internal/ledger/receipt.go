package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/tlog/client"
	"github.com/allmende/allmende/internal/tlog/receipt"
)

// The JSON receipt formats, documented in docs/ledger.md. Version 1
// proves one of a member's own events and opens its commitment; version 2
// proves a payment: it names the member account paid and, for a split that
// commits to its shares, carries the member's share line and its path to
// the entry's shares root.
const (
	ReceiptFormat        = "allmende-receipt@v1"
	PaymentReceiptFormat = "allmende-receipt@v2"
)

// Receipt is what a member keeps to prove, without the server, that an
// event is in the public log and what it stands for: the entry, the salt and
// content that open its commitment (for the member's own events), the
// payment it made them (for payments), and a C2SP tlog-proof (index,
// inclusion proof, signed checkpoint) whose extra data is the entry.
type Receipt struct {
	Format  string `json:"format"`
	Entry   string `json:"entry"`
	Salt    string `json:"salt,omitempty"`
	Content string `json:"content,omitempty"`
	Erased  bool   `json:"erased,omitempty"`
	// Account is the member account the event paid (version 2 only).
	Account string `json:"account,omitempty"`
	// Share is the account's share line, for an entry that commits to its
	// members' shares rather than publishing them (version 2 only).
	Share     *ShareProof `json:"share,omitempty"`
	TlogProof string      `json:"tlog_proof"`
}

// ErrNotYetLogged is returned for an event that waits in the outbox: its
// receipt exists once a checkpoint covers it, usually within seconds.
var ErrNotYetLogged = problem.New(problem.Conflict, "this event is not in the public log yet; try again in a few seconds")

// Receipt builds a member's receipt for an event: one of their own events
// (with the salt and content that open its commitment), or any event that
// paid them — a split that paid them a share, with their share line and
// its path. Nobody else's private half is in it: not the salt of an event
// about another member, nor another member's share line. An event that is
// neither the member's nor paid them is reported as not found.
func (l *Ledger) Receipt(ctx context.Context, log *tlog.Log, memberID int64, eventID string) (*Receipt, error) {
	var entry, salt, content []byte
	var idx, owner sql.NullInt64
	var publicID string
	err := l.db.Read().QueryRowContext(ctx, `
		SELECT e.entry, e.salt, e.content, e.log_index, e.member_id, m.public_id
		FROM ledger_events e JOIN members m ON m.id = $2 WHERE e.event_id = $1`,
		eventID, memberID).Scan(&entry, &salt, &content, &idx, &owner, &publicID)
	notFound := problem.New(problem.NotFound, "you have no event %s", eventID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: receipt: %w", err)
	}
	e, err := ParseEntry(entry)
	if err != nil {
		return nil, fmt.Errorf("ledger: receipt: event %s: %w", eventID, err)
	}
	account := "member:" + publicID
	r := &Receipt{Format: ReceiptFormat, Entry: string(entry)}
	share, err := l.shareProof(ctx, e, account)
	if err != nil {
		return nil, err
	}
	if share != nil || e.posting(account) > 0 {
		r.Format, r.Account, r.Share = PaymentReceiptFormat, account, share
	}
	own := owner.Valid && owner.Int64 == memberID
	if !own && r.Account == "" {
		return nil, notFound
	}
	if own {
		r.Salt, r.Content, r.Erased = hex.EncodeToString(salt), string(content), salt == nil
	}
	if !idx.Valid {
		return nil, ErrNotYetLogged
	}
	tr, err := log.Receipt(ctx, uint64(idx.Int64))
	if errors.Is(err, tlog.ErrNotCovered) {
		return nil, ErrNotYetLogged
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: receipt: %w", err)
	}
	r.TlogProof = string(tr.Marshal())
	return r, nil
}

// shareProof returns account's share line in e with its path to the
// entry's shares root, or nil if e pays account no committed share. The
// path is checked before it is handed out: a tree that does not give the
// published root is the server's fault, not the member's.
func (l *Ledger) shareProof(ctx context.Context, e Entry, account string) (*ShareProof, error) {
	if e.Shares == nil {
		return nil, nil
	}
	var stored []byte
	err := l.db.Read().QueryRowContext(ctx, `SELECT lines FROM ledger_shares WHERE event_id = $1`, e.ID).Scan(&stored)
	if err != nil {
		return nil, fmt.Errorf("ledger: share lines of %s: %w", e.ID, err)
	}
	// A canonical line starts with its account: no need to parse the
	// others to find it.
	prefix := []byte(`{"account":"` + account + `",`)
	lines := bytes.Split(stored, []byte("\n"))
	leaves := make([][]byte, len(lines))
	mine := -1
	for i, line := range lines {
		leaves[i] = rfc6962.DefaultHasher.HashLeaf(line)
		if bytes.HasPrefix(line, prefix) {
			mine = i
		}
	}
	if mine < 0 {
		return nil, nil
	}
	p := proofFor(lines[mine], mine, leaves)
	if _, err := p.Verify(e); err != nil {
		return nil, fmt.Errorf("ledger: the stored share lines of %s: %w", e.ID, err)
	}
	return p, nil
}

// ParseReceipt reads a JSON receipt of either version.
func ParseReceipt(b []byte) (*Receipt, error) {
	var r Receipt
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	switch r.Format {
	case ReceiptFormat:
		if r.Account != "" || r.Share != nil {
			return nil, fmt.Errorf("receipt: a %s receipt names no payment; %s does", ReceiptFormat, PaymentReceiptFormat)
		}
	case PaymentReceiptFormat:
		if r.Account == "" {
			return nil, fmt.Errorf("receipt: a %s receipt names the account it paid", PaymentReceiptFormat)
		}
	default:
		return nil, fmt.Errorf("receipt: format %q, want %q or %q", r.Format, ReceiptFormat, PaymentReceiptFormat)
	}
	return &r, nil
}

// Payment is what a payment receipt proves an entry paid.
type Payment struct {
	Account string
	Amount  int64
	// Scope is the share line's own scope (a model version, say), if any;
	// the event's is the entry's.
	Scope string
	// Committed is true when the entry commits to the payment without
	// publishing it (a share line), false when it publishes the posting.
	Committed bool
}

// Verified is what a receipt was checked to prove.
type Verified struct {
	Entry      Entry
	Proof      *receipt.Receipt
	Checkpoint *client.Checkpoint
	// Opened is true when the receipt's salt and content open the
	// entry's commitment; false for an erased event or a payment receipt
	// for someone else's event.
	Opened bool
	// Paid is the payment a version 2 receipt proves, nil for version 1.
	Paid *Payment
}

// Verify checks a receipt with nothing but the log's verifier: the
// commitment in the entry opens to the salt and content (when the receipt
// has them), the payment it names is in the entry — its share line leads
// to the entry's shares root, or the entry publishes the posting — and the
// tlog-proof proves the entry is in a checkpoint signed by v. The caller
// should also check that checkpoint against the live log
// (client.CheckReceipt) to be sure the log still contains it.
func (r *Receipt) Verify(v note.Verifier) (*Verified, error) {
	e, err := ParseEntry([]byte(r.Entry))
	if err != nil {
		return nil, fmt.Errorf("receipt entry: %w", err)
	}
	out := &Verified{Entry: e}
	// A version 1 receipt always opens its entry, unless erased; a payment
	// receipt does when it is for the member's own event.
	if !r.Erased && (r.Format == ReceiptFormat || r.Salt != "" || r.Content != "") {
		salt, err := hex.DecodeString(r.Salt)
		if err != nil || len(salt) == 0 {
			return nil, errors.New("receipt: the salt is not hex")
		}
		if got := Commit(salt, []byte(r.Content)); got != e.Commitment {
			return nil, fmt.Errorf("receipt: commitment mismatch: the entry commits to %s but salt and content hash to %s", e.Commitment, got)
		}
		out.Opened = true
	}
	switch {
	case r.Share != nil:
		line, err := r.Share.Verify(e)
		if err != nil {
			return nil, fmt.Errorf("receipt: %w", err)
		}
		if line.Account != r.Account {
			return nil, fmt.Errorf("receipt: %w: the line pays %s, the receipt claims %s", ErrShare, line.Account, r.Account)
		}
		out.Paid = &Payment{Account: line.Account, Amount: line.Amount, Scope: line.Scope, Committed: true}
	case r.Account != "":
		amount := e.posting(r.Account)
		if amount <= 0 {
			return nil, fmt.Errorf("receipt: the entry pays %s nothing", r.Account)
		}
		out.Paid = &Payment{Account: r.Account, Amount: amount}
	}
	if out.Proof, err = receipt.Parse([]byte(r.TlogProof)); err != nil {
		return nil, err
	}
	if out.Checkpoint, err = client.VerifyReceipt(out.Proof, []byte(r.Entry), v); err != nil {
		return nil, err
	}
	return out, nil
}
