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
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/points"
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

// ErrBadTransfer is returned for postings no caller should ever make: an
// amount of zero or beyond points.MaxTransfer, an account named twice, or
// amounts that do not sum to zero. Amounts people supply are checked
// against their ranges long before; this is the last line of defence.
var ErrBadTransfer = errors.New("reward: not a valid transfer")

// checkPostings refuses postings that could not come from a sound
// computation, before anything is written. The sum is checked, so amounts
// that wrap around to zero do not pass for a balanced transfer.
func checkPostings(postings []ledger.Posting) error {
	if len(postings) < 2 {
		return fmt.Errorf("%w: a transfer needs at least two postings, got %d", ErrBadTransfer, len(postings))
	}
	seen := make(map[string]bool, len(postings))
	amounts := make([]int64, len(postings))
	for i, p := range postings {
		if p.Amount == 0 || p.Amount < -points.MaxTransfer || p.Amount > points.MaxTransfer {
			return fmt.Errorf("%w: %d to %s is outside ±%d and not zero", ErrBadTransfer, p.Amount, p.Account, points.MaxTransfer)
		}
		if seen[p.Account] {
			return fmt.Errorf("%w: %s is posted to twice", ErrBadTransfer, p.Account)
		}
		seen[p.Account] = true
		amounts[i] = p.Amount
	}
	if sum, err := points.Sum(amounts...); err != nil || sum != 0 {
		return fmt.Errorf("%w: the postings sum to %d (%v), not 0", ErrBadTransfer, sum, err)
	}
	return nil
}

// earns reports whether a posting counts as points a member earned, which
// epochs turn into shares: payments to a member's account for work
// (task.paid; bounty.paid, a funder's money for wanted work, and
// contribution.paid, a curated datanet's pay for an accepted record, as a
// task's pay is a requester's) and from revenue (reward.split). Deposits, refunds and
// transfers between a member's own accounts do not.
func earns(t ledger.Type, p ledger.Posting) bool {
	return p.Amount > 0 && strings.HasPrefix(p.Account, "member:") && (t == ledger.TaskPaid || t == ledger.BountyPaid || t == ledger.ContributionPaid || t == ledger.RewardSplit)
}

// Transfer records a transfer: its postings, the ledger event that
// publishes them, and the accounts' new balances. It refuses postings that
// checkPostings refuses, a transfer that would overdraw an account that
// must not go negative, and one that would take a balance beyond int64;
// a refused transfer writes nothing.
//
// The balances are kept as running totals (account_balances), moved with
// checked arithmetic: a balance is then always the exact sum of the
// account's postings and can be read without summing its history. Their
// rows are locked in account order, so that on PostgreSQL two transfers
// out of one account take turns (the second sees the first's debit) and
// transfers that share accounts cannot deadlock; SQLite's writers already
// take turns.
func (s *Service) Transfer(ctx context.Context, tx *store.Tx, ev ledger.Event) (string, error) {
	ids, err := s.TransferAll(ctx, tx, []ledger.Event{ev})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// TransferAll records evs in tx as Transfer records each, in their order,
// and returns their event ids. An epoch's close issues shares to every
// member who earned points: their events travel to the ledger in one
// statement (ledger.RecordAll), and each account is locked, in account
// order, and written once, however many of the transfers touch it. The
// checks are Transfer's, in event order: a transfer that would overdraw
// an account given the ones before it refuses them all.
func (s *Service) TransferAll(ctx context.Context, tx *store.Tx, evs []ledger.Event) ([]string, error) {
	var accounts []string
	for _, ev := range evs {
		if err := checkPostings(ev.Postings); err != nil {
			return nil, err
		}
		for _, p := range ev.Postings {
			accounts = append(accounts, p.Account)
		}
	}
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)
	rows := make(map[string]accountRow, len(accounts))
	for _, a := range accounts {
		cur, err := s.lockAccount(ctx, tx, a)
		if err != nil {
			return nil, err
		}
		rows[a] = cur
	}
	for _, ev := range evs {
		for _, p := range ev.Postings {
			cur := rows[p.Account]
			bal, err := points.Add(cur.balance, p.Amount)
			if err != nil {
				return nil, fmt.Errorf("reward: balance of %s: %w", p.Account, err)
			}
			if p.Amount < 0 && bal < 0 && !mayGoNegative(p.Account) {
				return nil, fmt.Errorf("%w: %s would hold %d", ErrInsufficient, p.Account, bal)
			}
			earned := cur.earned
			if earns(ev.Type, p) {
				if earned, err = points.Add(earned, p.Amount); err != nil {
					return nil, fmt.Errorf("reward: points earned by %s: %w", p.Account, err)
				}
			}
			rows[p.Account] = accountRow{balance: bal, earned: earned}
		}
	}
	ids, err := s.ledger.RecordAll(ctx, tx, evs)
	if err != nil {
		return nil, err
	}
	now := store.Now()
	for i, ev := range evs {
		for _, p := range ev.Postings {
			// A payment into a member's account says its kind of income, which
			// the member's news reads (IncomeSince).
			var income sql.NullString
			if kind := IncomeKindOf(ev.Type, ev.Scope); kind != "" && p.Amount > 0 && strings.HasPrefix(p.Account, "member:") {
				income = sql.NullString{String: string(kind), Valid: true}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO postings (event_id, account, amount, created_at, income) VALUES ($1, $2, $3, $4, $5)`,
				ids[i], p.Account, p.Amount, now, income); err != nil {
				return nil, fmt.Errorf("reward: post to %s: %w", p.Account, err)
			}
		}
	}
	for _, a := range accounts {
		if _, err := tx.ExecContext(ctx, `UPDATE account_balances SET balance = $2, earned = $3 WHERE account = $1`,
			a, rows[a].balance, rows[a].earned); err != nil {
			return nil, fmt.Errorf("reward: balance of %s: %w", a, err)
		}
	}
	for _, ev := range evs {
		kind := IncomeKindOf(ev.Type, ev.Scope)
		if kind == "" {
			continue
		}
		for _, p := range ev.Postings {
			if p.Amount > 0 && strings.HasPrefix(p.Account, "member:") {
				if err := addIncome(ctx, tx, p.Account, kind, p.Amount); err != nil {
					return nil, err
				}
			}
		}
	}
	return ids, nil
}

// accountRow is an account's running totals.
type accountRow struct{ balance, earned int64 }

// lockAccount returns an account's running totals, creating its row at
// zero if it has none, locked until the end of the transaction on
// PostgreSQL.
func (s *Service) lockAccount(ctx context.Context, tx *store.Tx, account string) (accountRow, error) {
	q := `SELECT balance, earned FROM account_balances WHERE account = $1`
	if s.db.Dialect() == store.Postgres {
		q += ` FOR UPDATE`
	}
	for range 2 {
		var r accountRow
		err := tx.QueryRowContext(ctx, q, account).Scan(&r.balance, &r.earned)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return accountRow{}, fmt.Errorf("reward: lock %s: %w", account, err)
		}
		// A new account. Another transaction may be creating it too: the
		// insert then waits for it, and the second read locks its row.
		if _, err := tx.ExecContext(ctx, `INSERT INTO account_balances (account, balance, earned) VALUES ($1, 0, 0) ON CONFLICT (account) DO NOTHING`, account); err != nil {
			return accountRow{}, fmt.Errorf("reward: open %s: %w", account, err)
		}
	}
	return accountRow{}, fmt.Errorf("reward: lock %s: its row does not appear", account)
}

// Balance returns an account's points.
func (s *Service) Balance(ctx context.Context, account string) (int64, error) {
	return balance(ctx, s.db.Read(), account)
}

func balance(ctx context.Context, q store.Querier, account string) (int64, error) {
	var b int64
	err := q.QueryRowContext(ctx, `SELECT balance FROM account_balances WHERE account = $1`, account).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reward: balance of %s: %w", account, err)
	}
	return b, nil
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
	before, err := page.ID("a posting id: the next cursor of the previous page")
	if err != nil {
		return nil, "", err
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
