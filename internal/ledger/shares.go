package ledger

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/allmende/allmende/internal/points"
)

// MembersAccount is the one public posting that stands for every member a
// split pays: its amount is the sum of the split's share lines, whose
// accounts and amounts the entry only commits to.
const MembersAccount = "members"

// maxShareLines bounds the lines one entry commits to. A model call pays
// at most 200 records' contributors plus its builder; a receipt's proof
// is then at most 8 hashes.
const maxShareLines = 1024

// ShareLine is one member's part of a split: the member's account, what it
// was paid, a random salt, and optionally what the part was for (a model
// version, say). The entry of the split commits to its lines through a
// Merkle tree without publishing them, so the log shows what the members
// were paid together but neither who they are nor what each got; a
// member's receipt holds their line and its path to the root. Fields are
// in the order of their JSON names, so that encoding/json writes a line
// canonically (sorted keys, no space).
type ShareLine struct {
	Account string `json:"account"`
	Amount  int64  `json:"amount"`
	// Salt is 32 random bytes in lowercase hex: without it anyone could
	// try the public pseudonyms and small amounts against the root.
	Salt  string `json:"salt"`
	Scope string `json:"scope,omitempty"`
}

// Shares is what a version 2 entry publishes about its share lines: the
// RFC 6962 Merkle tree hash over them, in lowercase hex, and their number.
type Shares struct {
	Root  string `json:"root"`
	Count int    `json:"count"`
}

// committedLine is a share line in its stored form: the exact canonical
// bytes its leaf hashes.
type committedLine []byte

// joinLines is how a split's lines are stored (ledger_shares.lines): in
// the tree's order, one per text line. A canonical line has no newline:
// encoding/json escapes control characters in strings.
func joinLines(lines []committedLine) []byte {
	var b bytes.Buffer
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.Write(l)
	}
	return b.Bytes()
}

// commitsShares reports whether an event of type t commits to its
// members' shares instead of publishing their postings: a reward split
// pays many members at once (every contributor of a model call), and no
// other event names more than the one member it is about.
func commitsShares(t Type) bool { return t == RewardSplit }

// splitShares separates the postings of a share-committing event into what
// the entry publishes and the share lines it commits to. Every positive
// posting to a member account becomes a line (the payer of a model call
// pays, and stays public as before); their sum is published as one
// posting to MembersAccount. Lines are in account order, which the
// postings' accounts already decide and which carries nothing about how
// the split was computed. No line, no commitment: the postings stay as
// they are.
func splitShares(postings []Posting, scope string) ([]Posting, []committedLine, *Shares, error) {
	var public []Posting
	var paid []Posting
	for _, p := range postings {
		if p.Account == MembersAccount {
			return nil, nil, nil, fmt.Errorf("ledger: the account %q is reserved for a split's share lines", MembersAccount)
		}
		if strings.HasPrefix(p.Account, "member:") && p.Amount > 0 {
			paid = append(paid, p)
		} else {
			public = append(public, p)
		}
	}
	if len(paid) == 0 {
		return postings, nil, nil, nil
	}
	if len(paid) > maxShareLines {
		return nil, nil, nil, fmt.Errorf("ledger: a split of %d share lines; at most %d", len(paid), maxShareLines)
	}
	slices.SortFunc(paid, func(a, b Posting) int { return strings.Compare(a.Account, b.Account) })
	amounts := make([]int64, len(paid))
	lines := make([]committedLine, len(paid))
	leaves := make([][]byte, len(paid))
	for i, p := range paid {
		amounts[i] = p.Amount
		salt := make([]byte, 32)
		rand.Read(salt)
		line, err := json.Marshal(ShareLine{Account: p.Account, Amount: p.Amount, Salt: hex.EncodeToString(salt), Scope: scope})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("ledger: encode a share line: %w", err)
		}
		leaves[i] = rfc6962.DefaultHasher.HashLeaf(line)
		lines[i] = line
	}
	// Each line is within ±MaxTransfer (validate checked the postings), so
	// the sum is checked rather than trusted to fit.
	total, err := points.Sum(amounts...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ledger: the members' shares: %w", err)
	}
	public = append(public, Posting{Account: MembersAccount, Amount: total})
	slices.SortFunc(public, func(a, b Posting) int { return strings.Compare(a.Account, b.Account) })
	return public, lines, &Shares{Root: hex.EncodeToString(treeHash(leaves)), Count: len(lines)}, nil
}

// TreeHash is the Merkle tree hash of RFC 6962 section 2.1 over leaf
// hashes, the empty tree's for none: the one tree that share lines, datanet
// versions and model versions commit to, so one tool checks them all.
func TreeHash(leaves [][]byte) []byte {
	if len(leaves) == 0 {
		return rfc6962.DefaultHasher.EmptyRoot()
	}
	return treeHash(leaves)
}

// treeHash is the Merkle tree hash of RFC 6962 section 2.1 over leaf
// hashes (at least one): the same tree the log is, so the same tools
// check both.
func treeHash(leaves [][]byte) []byte {
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := split(len(leaves))
	return rfc6962.DefaultHasher.HashChildren(treeHash(leaves[:k]), treeHash(leaves[k:]))
}

// inclusionPath is PATH(m, D[n]) of RFC 6962 section 2.1.1: the sibling
// hashes from leaf m up to the root, which proof.VerifyInclusion takes.
func inclusionPath(m int, leaves [][]byte) [][]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := split(len(leaves))
	if m < k {
		return append(inclusionPath(m, leaves[:k]), treeHash(leaves[k:]))
	}
	return append(inclusionPath(m-k, leaves[k:]), treeHash(leaves[:k]))
}

// split is the largest power of two smaller than n (n > 1).
func split(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

// ShareProof is a member's share line with its path to the entry's
// shares root: what a receipt adds to prove that one member was paid one
// amount by a split whose entry publishes neither.
type ShareProof struct {
	// Line is the exact bytes of the share line, as hashed.
	Line string `json:"line"`
	// Index is the line's position among the entry's Count lines.
	Index int `json:"index"`
	// Proof holds the sibling hashes, leaf first, in lowercase hex.
	Proof []string `json:"proof"`
}

// ErrShare is returned when a share line does not belong to its entry.
var ErrShare = errors.New("share line does not verify")

// ParseShareLine reads a share line strictly: only its four fields, in
// canonical form, so that one line has one encoding and one leaf hash.
func ParseShareLine(b []byte) (ShareLine, error) {
	var l ShareLine
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return ShareLine{}, fmt.Errorf("share line: %w", err)
	}
	if canon, err := json.Marshal(l); err != nil || !bytes.Equal(canon, b) {
		return ShareLine{}, fmt.Errorf("share line: not in canonical form")
	}
	if !strings.HasPrefix(l.Account, "member:") || !accountPattern.MatchString(l.Account) {
		return ShareLine{}, fmt.Errorf("share line: account %q is not a member account", l.Account)
	}
	if l.Amount <= 0 || l.Amount > points.MaxTransfer {
		return ShareLine{}, fmt.Errorf("share line: amount %d is outside 1 to %d", l.Amount, points.MaxTransfer)
	}
	if salt, err := hex.DecodeString(l.Salt); err != nil || len(salt) != 32 || strings.ToLower(l.Salt) != l.Salt {
		return ShareLine{}, fmt.Errorf("share line: the salt is not 64 lowercase hex digits")
	}
	if l.Scope != "" && !scopePattern.MatchString(l.Scope) {
		return ShareLine{}, fmt.Errorf("share line: scope %q is not of the form kind:id", l.Scope)
	}
	return l, nil
}

// Verify checks that p's line is one of the share lines e commits to, and
// that it fits what e publishes: the line's amount is at most what the
// split paid all members together. It returns the line.
func (p *ShareProof) Verify(e Entry) (ShareLine, error) {
	if e.Shares == nil {
		return ShareLine{}, fmt.Errorf("%w: the entry commits to no share lines", ErrShare)
	}
	line, err := ParseShareLine([]byte(p.Line))
	if err != nil {
		return ShareLine{}, fmt.Errorf("%w: %w", ErrShare, err)
	}
	root, err := hex.DecodeString(e.Shares.Root)
	if err != nil || len(root) != 32 {
		return ShareLine{}, fmt.Errorf("%w: the entry's shares root is not a hash", ErrShare)
	}
	if p.Index < 0 || p.Index >= e.Shares.Count {
		return ShareLine{}, fmt.Errorf("%w: line %d of %d", ErrShare, p.Index, e.Shares.Count)
	}
	hashes := make([][]byte, len(p.Proof))
	for i, h := range p.Proof {
		if hashes[i], err = hex.DecodeString(h); err != nil || len(hashes[i]) != 32 {
			return ShareLine{}, fmt.Errorf("%w: proof hash %d is not a hash", ErrShare, i)
		}
	}
	leaf := rfc6962.DefaultHasher.HashLeaf([]byte(p.Line))
	// The library's error spells out both roots byte by byte; which line
	// failed says enough.
	if proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(p.Index), uint64(e.Shares.Count), leaf, hashes, root) != nil {
		return ShareLine{}, fmt.Errorf("%w: line %d of %d does not lead to the entry's shares root", ErrShare, p.Index, e.Shares.Count)
	}
	if total := e.posting(MembersAccount); line.Amount > total {
		return ShareLine{}, fmt.Errorf("%w: the line pays %d but the entry pays the members %d in all", ErrShare, line.Amount, total)
	}
	return line, nil
}

// posting is the amount e publishes for account, or 0.
func (e Entry) posting(account string) int64 {
	for _, p := range e.Postings {
		if p.Account == account {
			return p.Amount
		}
	}
	return 0
}

// proofFor builds the share proof of the line at index among leaves.
func proofFor(line []byte, index int, leaves [][]byte) *ShareProof {
	path := inclusionPath(index, leaves)
	out := &ShareProof{Line: string(line), Index: index, Proof: make([]string, len(path))}
	for i, h := range path {
		out.Proof[i] = hex.EncodeToString(h)
	}
	return out
}

// check refuses a version 2 entry whose shares could not have been
// written: no shares, a root that is not a hash, a count outside 1 to
// maxShareLines, or no positive sum paid to the members.
func (s *Shares) check(e Entry) error {
	if s == nil {
		return fmt.Errorf("ledger: a version %d entry without shares", e.V)
	}
	if root, err := hex.DecodeString(s.Root); err != nil || len(root) != 32 || strings.ToLower(s.Root) != s.Root {
		return fmt.Errorf("ledger: shares root %q is not 64 lowercase hex digits", s.Root)
	}
	if s.Count < 1 || s.Count > maxShareLines {
		return fmt.Errorf("ledger: %d share lines; 1 to %d", s.Count, maxShareLines)
	}
	if total := e.posting(MembersAccount); total <= 0 {
		return fmt.Errorf("ledger: the entry commits to share lines but pays the members %d", total)
	}
	return nil
}
