// Package ledger records the events that move money or ownership —
// contributions accepted and erased, work paid, rewards split, points turned
// into shares, votes cast, proposals decided — and carries them to the public
// transparency log.
//
// An event has a public half and a private half. The public half (the
// entry) is what the log publishes: the event type, a pseudonymous member
// id, the datanet or project, amounts, and a commitment SHA-256(salt ‖
// content) to the private half. The private half (content and salt) stays in
// the database, lets a member prove what an entry stands for, and is deleted
// on erasure, after which the entry can no longer be linked to anyone. A
// reward split, which pays many members at once, publishes what they got
// together and commits to each member's share line through a Merkle tree
// (shares.go), so that each member can prove their part with a receipt
// while the log names none of them. The encoding is specified in
// docs/ledger.md.
package ledger

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/points"
)

// Type names a kind of ledger event.
type Type string

// The event types. Their names are part of the log format: never rename one.
const (
	MemberJoined         Type = "member.joined"
	ContributionAccepted Type = "contribution.accepted"
	ContributionErased   Type = "contribution.erased"
	TaskPaid             Type = "task.paid"
	EscrowFunded         Type = "escrow.funded"
	FundsDeposited       Type = "funds.deposited"
	RewardSplit          Type = "reward.split"
	SharesIssued         Type = "shares.issued"
	VoteCast             Type = "vote.cast"
	ProposalDecided      Type = "proposal.decided"
	RecordingPaid        Type = "recording.paid"
	RunEscrowed          Type = "run.escrowed"
	RunRefunded          Type = "run.refunded"
	// ModelTrained links a model version to the Merkle root over its
	// training records' DNAs; it moves no points.
	ModelTrained Type = "model.trained"
	// PayoutPaid is money paid out of a member's account to the member,
	// recorded by a steward who paid it outside the system: the member's
	// account down, the payouts account up. Its content is the payout's
	// number, never how or where it was paid.
	PayoutPaid Type = "payout.paid"
)

var knownTypes = map[Type]bool{
	MemberJoined: true, ContributionAccepted: true, ContributionErased: true, DatanetVersioned: true, TaskPaid: true, EscrowFunded: true, FundsDeposited: true,
	RewardSplit: true, SharesIssued: true, VoteCast: true, ProposalDecided: true,
	RecordingPaid: true, RunEscrowed: true, RunRefunded: true, ModelTrained: true, PayoutPaid: true,
}

// DatanetVersioned commits to a datanet version — its number, record count
// and the Merkle root over its records' DNAs — that an export for LLM
// trainers carries; it moves no points and names no member. Its name is
// part of the log format, as the types above.
const DatanetVersioned Type = "datanet.versioned"

// Posting moves Amount points into (positive) or out of (negative) an
// account. The postings of one event sum to zero.
type Posting struct {
	Account string `json:"account"`
	Amount  int64  `json:"amount"`
}

// Event is what a domain package asks the ledger to record.
type Event struct {
	Type Type
	// MemberID is the internal id of the member the event is about, or 0;
	// the log shows only their public pseudonym.
	MemberID int64
	// Scope is the datanet, project, model or proposal, e.g. "datanet:3".
	Scope    string
	Postings []Posting
	// Content is the private detail the entry commits to (a fingerprint, a
	// record id, a vote's option): it is hashed into the entry, never
	// published, and erasable.
	Content any
	// ShareScope is what each share line of a split names, e.g. a model
	// version ("version:12"); empty for none. See ShareLine.
	ShareScope string
}

// Entry is the public half of an event, exactly as the log stores it. The
// field order is the canonical order; see docs/ledger.md.
type Entry struct {
	V          int       `json:"v"`
	ID         string    `json:"id"`
	Type       Type      `json:"type"`
	Time       int64     `json:"time"`
	Member     string    `json:"member,omitempty"`
	Scope      string    `json:"scope,omitempty"`
	Postings   []Posting `json:"postings,omitempty"`
	Shares     *Shares   `json:"shares,omitempty"`
	Commitment string    `json:"commitment"`
}

// The versions of the entry encoding. Version 1 publishes every posting;
// version 2, written for reward splits that pay members, adds Shares and
// publishes the members' postings as one sum (MembersAccount). Both are
// read for ever: the log keeps every entry it was given.
const (
	EntryVersion       = 1
	SharesEntryVersion = 2
)

var (
	accountPattern = regexp.MustCompile(`^[a-z]+(:[A-Za-z0-9_.-]+)*$`)
	scopePattern   = regexp.MustCompile(`^[a-z]+:[A-Za-z0-9_.-]+$`)
)

func (ev Event) validate() error {
	if !knownTypes[ev.Type] {
		return fmt.Errorf("ledger: unknown event type %q", ev.Type)
	}
	if ev.Scope != "" && !scopePattern.MatchString(ev.Scope) {
		return fmt.Errorf("ledger: scope %q is not of the form kind:id", ev.Scope)
	}
	if ev.ShareScope != "" && (!commitsShares(ev.Type) || !scopePattern.MatchString(ev.ShareScope)) {
		return fmt.Errorf("ledger: share scope %q on a %s event", ev.ShareScope, ev.Type)
	}
	amounts := make([]int64, len(ev.Postings))
	for i, p := range ev.Postings {
		if !accountPattern.MatchString(p.Account) {
			return fmt.Errorf("ledger: account %q is not of the form kind:id", p.Account)
		}
		if p.Amount == 0 {
			return fmt.Errorf("ledger: posting to %s has amount 0", p.Account)
		}
		amounts[i] = p.Amount
	}
	// Checked: amounts that wrap around to zero must not pass for a
	// balanced event, since the log would keep them for ever.
	if sum, err := points.Sum(amounts...); err != nil || sum != 0 {
		return fmt.Errorf("ledger: postings of a %s event sum to %d (%v), not 0", ev.Type, sum, err)
	}
	return nil
}

// sealed is an event turned into its stored form.
type sealed struct {
	id      string
	entry   []byte
	salt    []byte
	content []byte
	lines   []committedLine
}

// seal draws the event id and salt, encodes the private content
// canonically, and builds the public entry that commits to it.
func seal(ev Event, memberPublicID string, now time.Time) (sealed, error) {
	if err := ev.validate(); err != nil {
		return sealed{}, err
	}
	content, err := canonicalContent(ev.Content)
	if err != nil {
		return sealed{}, err
	}
	postings, version := ev.Postings, EntryVersion
	var lines []committedLine
	var shares *Shares
	if commitsShares(ev.Type) {
		if postings, lines, shares, err = splitShares(ev.Postings, ev.ShareScope); err != nil {
			return sealed{}, err
		}
		if shares != nil {
			version = SharesEntryVersion
		}
	}
	id := make([]byte, 16)
	salt := make([]byte, 32)
	rand.Read(id)
	rand.Read(salt)
	e := Entry{
		V:          version,
		ID:         hex.EncodeToString(id),
		Type:       ev.Type,
		Time:       now.Unix(),
		Member:     memberPublicID,
		Scope:      ev.Scope,
		Postings:   postings,
		Shares:     shares,
		Commitment: Commit(salt, content),
	}
	entry, err := json.Marshal(e)
	if err != nil {
		return sealed{}, fmt.Errorf("ledger: encode entry: %w", err)
	}
	return sealed{id: e.ID, entry: entry, salt: salt, content: content, lines: lines}, nil
}

// canonicalContent encodes v as JSON with sorted object keys and no
// insignificant space, which encoding/json does for maps and for structs
// (in field order); a nil content commits to the empty object.
func canonicalContent(v any) ([]byte, error) {
	if v == nil {
		return []byte("{}"), nil
	}
	// Round-trip through a generic value so structs, too, come out with
	// sorted keys and the encoding depends on the data alone.
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("ledger: encode content: %w", err)
	}
	var generic any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("ledger: encode content: %w", err)
	}
	return json.Marshal(generic)
}

// Commit returns the hex SHA-256 of salt ‖ content: the commitment an entry
// carries. Anyone holding the salt and content can recompute it.
func Commit(salt, content []byte) string {
	h := sha256.New()
	h.Write(salt)
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// ParseEntry decodes an entry read back from the log.
func ParseEntry(b []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Entry{}, fmt.Errorf("ledger: parse entry: %w", err)
	}
	switch {
	case e.V == EntryVersion && e.Shares != nil:
		return Entry{}, fmt.Errorf("ledger: a version %d entry with shares", e.V)
	case e.V == SharesEntryVersion:
		if err := e.Shares.check(e); err != nil {
			return Entry{}, err
		}
	case e.V != EntryVersion:
		return Entry{}, fmt.Errorf("ledger: entry version %d, this allmende reads %d and %d", e.V, EntryVersion, SharesEntryVersion)
	}
	if len(e.ID) != 32 {
		return Entry{}, fmt.Errorf("ledger: entry id %q is not 32 hex digits", e.ID)
	}
	return e, nil
}
