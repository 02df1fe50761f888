// Package reward keeps the cooperative's points: a double-entry ledger in
// which every transfer is a set of postings summing to zero, recorded in
// the same transaction as the ledger event that publishes it.
//
// Accounts are named by kind: member:<pseudonym> (a member's earnings),
// escrow:project:<id> (a requester's budget, held until the work is paid),
// treasury (the cooperative), shares:<pseudonym> (governance shares), and
// the two kinds of source account that may go negative: funding:<…> —
// money entering from outside — and issue:<…> — shares being issued.
package reward

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Service moves points.
type Service struct {
	db     *store.DB
	ledger *ledger.Ledger
}

// NewService returns the reward service.
func NewService(db *store.DB, l *ledger.Ledger) *Service { return &Service{db: db, ledger: l} }

// MemberAccount is the account of a member's earnings.
func MemberAccount(publicID string) string { return "member:" + publicID }

// EscrowAccount holds a project's budget.
func EscrowAccount(projectID int64) string { return fmt.Sprintf("escrow:project:%d", projectID) }

// FundingAccount is where a requester's money enters the cooperative.
func FundingAccount(publicID string) string { return "funding:requester:" + publicID }

// Treasury is the cooperative's own account.
const Treasury = "treasury"

// mayGoNegative reports whether an account may hold less than nothing:
// only accounts through which money enters from outside.
func mayGoNegative(account string) bool {
	return strings.HasPrefix(account, "funding:") || strings.HasPrefix(account, "issue:")
}

// SharesAccount holds a member's governance shares (not points).
func SharesAccount(publicID string) string { return "shares:" + publicID }

// SharesIssue is where governance shares come from at an epoch close.
const SharesIssue = "issue:shares"

// ErrInsufficient is returned when a transfer would overdraw an account.
var ErrInsufficient = problem.New(problem.Conflict, "not enough points in the account")

// Transfer records a transfer: its postings, and the ledger event that
// publishes them. It refuses transfers that do not sum to zero or that
// would overdraw an account that must not go negative.
func (s *Service) Transfer(ctx context.Context, tx *store.Tx, ev ledger.Event) (string, error) {
	if len(ev.Postings) == 0 {
		return "", fmt.Errorf("reward: a transfer needs postings")
	}
	if err := s.lockDebited(ctx, tx, ev.Postings); err != nil {
		return "", err
	}
	eventID, err := s.ledger.Record(ctx, tx, ev)
	if err != nil {
		return "", err
	}
	if err := addToBalances(ctx, tx, ev.Type, ev.Postings); err != nil {
		return "", err
	}
	now := store.Now()
	for _, p := range ev.Postings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO postings (event_id, account, amount, created_at) VALUES ($1, $2, $3, $4)`,
			eventID, p.Account, p.Amount, now); err != nil {
			return "", fmt.Errorf("reward: post to %s: %w", p.Account, err)
		}
		if p.Amount < 0 && !mayGoNegative(p.Account) {
			bal, err := balance(ctx, tx, p.Account)
			if err != nil {
				return "", err
			}
			if bal < 0 {
				return "", fmt.Errorf("%w: %s would hold %d", ErrInsufficient, p.Account, bal)
			}
		}
	}
	return eventID, nil
}

// lockDebited makes transfers out of the same account take turns on
// PostgreSQL, whose transactions would otherwise each check the balance
// without seeing the other's debit, and overdraw it together. The locks
// are taken in account order and held to the end of the transaction.
// SQLite needs none: its writers already take turns.
func (s *Service) lockDebited(ctx context.Context, tx *store.Tx, postings []ledger.Posting) error {
	if s.db.Dialect() != store.Postgres {
		return nil
	}
	var accounts []string
	for _, p := range postings {
		if p.Amount < 0 && !mayGoNegative(p.Account) {
			accounts = append(accounts, p.Account)
		}
	}
	slices.Sort(accounts)
	for _, a := range slices.Compact(accounts) {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "reward:"+a); err != nil {
			return fmt.Errorf("reward: lock %s: %w", a, err)
		}
	}
	return nil
}

// Balance returns an account's points.
func (s *Service) Balance(ctx context.Context, account string) (int64, error) {
	return balance(ctx, s.db.Read(), account)
}

// BalanceTx is Balance inside a transaction, for decisions that must see
// the transaction's own postings.
func BalanceTx(ctx context.Context, tx *store.Tx, account string) (int64, error) {
	return balance(ctx, tx, account)
}

// Entry is one posting to an account, for a member's history.
type Entry struct {
	id        int64 // the posting's, for the next page
	EventID   string
	Type      ledger.Type
	Scope     string
	Amount    int64
	CreatedAt int64
}

// History lists a page of the postings to an account, newest first, and
// the cursor (a posting id) of the next page, along postings (account, id).
func (s *Service) History(ctx context.Context, account string, page store.Page) ([]Entry, string, error) {
	before := int64(math.MaxInt64)
	if page.Before != "" {
		id, err := strconv.ParseInt(page.Before, 10, 64)
		if err != nil || id <= 0 {
			return nil, "", &problem.Error{Kind: problem.Invalid, Message: "the page to continue from is not known",
				Fields: map[string]string{"before": "a posting id: the next cursor of the previous page"}}
		}
		before = id
	}
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT p.id, p.event_id, e.type, p.amount, p.created_at, e.entry FROM postings p JOIN ledger_events e ON e.event_id = p.event_id
		WHERE p.account = $1 AND p.id < $3 ORDER BY p.id DESC LIMIT $2`, account, page.Fetch(), before)
	if err != nil {
		return nil, "", fmt.Errorf("reward: history of %s: %w", account, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var entry []byte
		if err := rows.Scan(&e.id, &e.EventID, &e.Type, &e.Amount, &e.CreatedAt, &entry); err != nil {
			return nil, "", err
		}
		if pe, err := ledger.ParseEntry(entry); err == nil {
			e.Scope = pe.Scope
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("reward: history of %s: %w", account, err)
	}
	out, next := store.Cut(page, out, func(e Entry) string { return strconv.FormatInt(e.id, 10) })
	return out, next, nil
}
