package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/tlog"
	"github.com/allmende/allmende/internal/tlog/client"
	"github.com/allmende/allmende/internal/tlog/receipt"
)

// ReceiptFormat names the JSON receipt format, documented in docs/ledger.md.
const ReceiptFormat = "allmende-receipt@v1"

// Receipt is what a member keeps to prove, without the server, that an
// event is in the public log and what it stands for: the entry, the salt and
// content that open its commitment, and a C2SP tlog-proof (index, inclusion
// proof, signed checkpoint) whose extra data is the entry.
type Receipt struct {
	Format    string `json:"format"`
	Entry     string `json:"entry"`
	Salt      string `json:"salt,omitempty"`
	Content   string `json:"content,omitempty"`
	Erased    bool   `json:"erased,omitempty"`
	TlogProof string `json:"tlog_proof"`
}

// ErrNotYetLogged is returned for an event that waits in the outbox: its
// receipt exists once a checkpoint covers it, usually within seconds.
var ErrNotYetLogged = problem.New(problem.Conflict, "this event is not in the public log yet; try again in a few seconds")

// Receipt builds the receipt of one of a member's events. Another member's
// event is reported as not found: the salt in a receipt is private.
func (l *Ledger) Receipt(ctx context.Context, log *tlog.Log, memberID int64, eventID string) (*Receipt, error) {
	var entry, salt, content []byte
	var idx sql.NullInt64
	err := l.db.Read().QueryRowContext(ctx, `
		SELECT entry, salt, content, log_index FROM ledger_events WHERE event_id = $1 AND member_id = $2`,
		eventID, memberID).Scan(&entry, &salt, &content, &idx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.New(problem.NotFound, "you have no event %s", eventID)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: receipt: %w", err)
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
	return &Receipt{
		Format:    ReceiptFormat,
		Entry:     string(entry),
		Salt:      hex.EncodeToString(salt),
		Content:   string(content),
		Erased:    salt == nil,
		TlogProof: string(tr.Marshal()),
	}, nil
}

// ParseReceipt reads a JSON receipt.
func ParseReceipt(b []byte) (*Receipt, error) {
	var r Receipt
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	if r.Format != ReceiptFormat {
		return nil, fmt.Errorf("receipt: format %q, want %q", r.Format, ReceiptFormat)
	}
	return &r, nil
}

// Verify checks a receipt with nothing but the log's verifier: the
// commitment in the entry opens to the salt and content, and the tlog-proof
// proves the entry is in a checkpoint signed by v. It returns that
// checkpoint; the caller should also check it against the live log
// (client.CheckReceipt) to be sure the log still contains it.
func (r *Receipt) Verify(v note.Verifier) (*receipt.Receipt, *client.Checkpoint, error) {
	e, err := ParseEntry([]byte(r.Entry))
	if err != nil {
		return nil, nil, fmt.Errorf("receipt entry: %w", err)
	}
	if !r.Erased {
		salt, err := hex.DecodeString(r.Salt)
		if err != nil || len(salt) == 0 {
			return nil, nil, errors.New("receipt: the salt is not hex")
		}
		if got := Commit(salt, []byte(r.Content)); got != e.Commitment {
			return nil, nil, fmt.Errorf("receipt: commitment mismatch: the entry commits to %s but salt and content hash to %s", e.Commitment, got)
		}
	}
	tp, err := receipt.Parse([]byte(r.TlogProof))
	if err != nil {
		return nil, nil, err
	}
	cp, err := client.VerifyReceipt(tp, []byte(r.Entry), v)
	if err != nil {
		return nil, nil, err
	}
	return tp, cp, nil
}
