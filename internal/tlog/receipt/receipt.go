// Package receipt reads and writes transparency-log receipts in the text
// format of C2SP tlog-proof (https://c2sp.org/tlog-proof, version
// "c2sp.org/tlog-proof@v1"): a log index, a Merkle inclusion proof and the
// signed checkpoint it leads to, optionally preceded by opaque extra data.
//
// A receipt proves, offline, that an entry is in the log. Allmende puts the
// log entry itself in the extra data, so a member can keep one file and check
// it against the log's public key without asking the server anything; the
// extra data is not signed, but it is authenticated once the inclusion proof
// of its hash verifies. This package only parses and encodes: checking the
// signature and the proof is the job of package client.
package receipt

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
)

// Header is the first line of every receipt.
const Header = "c2sp.org/tlog-proof@v1"

// maxProofHashes bounds the inclusion proof: a tree of at most 2^64 entries
// has paths of at most 64 hashes.
const maxProofHashes = 64

// ErrMalformed is wrapped by every error Parse returns, so callers can tell a
// damaged file from one that parses but does not verify.
var ErrMalformed = errors.New("malformed receipt")

// A Receipt is a parsed tlog-proof.
type Receipt struct {
	// Extra is the opaque extra data, nil when the receipt has none.
	// Allmende stores the log entry here.
	Extra []byte
	// Index is the zero-based position of the entry in the log.
	Index uint64
	// Proof is the RFC 6962 inclusion proof, from the leaf's sibling up to
	// the root's child; each hash is 32 bytes.
	Proof [][]byte
	// Checkpoint is the signed checkpoint (a signed note), verbatim.
	Checkpoint []byte
}

var b64 = base64.StdEncoding.Strict()

// Marshal encodes r in the tlog-proof text format.
func (r *Receipt) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(Header + "\n")
	if len(r.Extra) > 0 {
		b.WriteString("extra " + b64.EncodeToString(r.Extra) + "\n")
	}
	b.WriteString("index " + strconv.FormatUint(r.Index, 10) + "\n")
	for _, h := range r.Proof {
		b.WriteString(b64.EncodeToString(h) + "\n")
	}
	b.WriteString("\n")
	b.Write(r.Checkpoint)
	return b.Bytes()
}

// Parse decodes a tlog-proof. It accepts exactly what Marshal writes: the
// extra line, if present, must not be empty, the index has no leading zeroes,
// every proof line is the standard base64 of 32 bytes, and a checkpoint
// follows the empty line. It does not check signatures or proofs.
func Parse(data []byte) (*Receipt, error) {
	rest := data
	line := func() ([]byte, bool) {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return nil, false
		}
		l := rest[:i]
		rest = rest[i+1:]
		return l, true
	}

	l, ok := line()
	if !ok || string(l) != Header {
		return nil, fmt.Errorf("%w: first line is not %q", ErrMalformed, Header)
	}
	r := &Receipt{}

	l, ok = line()
	if ok && bytes.HasPrefix(l, []byte("extra ")) {
		enc := l[len("extra "):]
		if len(enc) == 0 {
			return nil, fmt.Errorf("%w: empty extra line", ErrMalformed)
		}
		extra, err := decode(enc)
		if err != nil {
			return nil, fmt.Errorf("%w: extra data is not base64: %v", ErrMalformed, err)
		}
		r.Extra = extra
		l, ok = line()
	}

	if !ok || !bytes.HasPrefix(l, []byte("index ")) {
		return nil, fmt.Errorf("%w: missing index line", ErrMalformed)
	}
	idx, err := parseIndex(string(l[len("index "):]))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	r.Index = idx

	for {
		l, ok = line()
		if !ok {
			return nil, fmt.Errorf("%w: missing empty line before the checkpoint", ErrMalformed)
		}
		if len(l) == 0 {
			break
		}
		if len(r.Proof) == maxProofHashes {
			return nil, fmt.Errorf("%w: inclusion proof longer than %d hashes", ErrMalformed, maxProofHashes)
		}
		h, err := decode(l)
		if err != nil || len(h) != sha256.Size {
			return nil, fmt.Errorf("%w: proof line %d is not a base64 SHA-256 hash", ErrMalformed, len(r.Proof)+1)
		}
		r.Proof = append(r.Proof, h)
	}

	if len(rest) == 0 {
		return nil, fmt.Errorf("%w: missing checkpoint", ErrMalformed)
	}
	r.Checkpoint = bytes.Clone(rest)
	return r, nil
}

// decode reads strict standard base64. The decoder skips carriage returns,
// which would let two different files parse to the same receipt, so they are
// refused here.
func decode(s []byte) ([]byte, error) {
	if bytes.IndexByte(s, '\r') >= 0 {
		return nil, errors.New("carriage return in base64")
	}
	return b64.DecodeString(string(s))
}

// parseIndex accepts a decimal uint64 without sign or leading zeroes, as the
// spec requires; strconv alone would also take "007".
func parseIndex(s string) (uint64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("index %q is not a decimal without leading zeroes", s)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("index %q is not a decimal without leading zeroes", s)
	}
	return n, nil
}
