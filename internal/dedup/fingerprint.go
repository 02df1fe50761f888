package dedup

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"slices"
	"strings"

	"github.com/allmende/allmende/internal/picture"
)

// DNA is the exact fingerprint of a record: SHA-256 over its normalised
// content. It is what a contributor is shown as the identity of their record,
// and two records with the same DNA are the same data.
type DNA [sha256.Size]byte

// dnaPrefix marks the printable form of a DNA.
const dnaPrefix = "dna:"

// String returns the printable form: "dna:" and 64 lower-case hex digits.
func (d DNA) String() string { return dnaPrefix + hex.EncodeToString(d[:]) }

// Short returns "dna:" and the first 12 hex digits, for display where the
// full form does not fit. Like a short git hash it identifies, it does not
// prove: compare full DNAs.
func (d DNA) Short() string { return dnaPrefix + hex.EncodeToString(d[:6]) }

// MarshalText implements encoding.TextMarshaler with the String form.
func (d DNA) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; see [ParseDNA].
func (d *DNA) UnmarshalText(text []byte) error {
	v, err := ParseDNA(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ErrDNASyntax is returned by [ParseDNA] for text that is not a DNA.
var ErrDNASyntax = errors.New("not a DNA: want \"dna:\" and 64 hex digits")

// ParseDNA parses the String form of a DNA; the "dna:" prefix is optional
// and hex digits may be upper or lower case.
func ParseDNA(s string) (DNA, error) {
	var d DNA
	h := strings.TrimPrefix(s, dnaPrefix)
	if len(h) != 2*len(d) {
		return d, fmt.Errorf("parse %q: %w", s, ErrDNASyntax)
	}
	if _, err := hex.Decode(d[:], []byte(h)); err != nil {
		return d, fmt.Errorf("parse %q: %w", s, ErrDNASyntax)
	}
	return d, nil
}

// Kind says which near-duplicate measure applies to a fingerprint.
type Kind uint8

const (
	// KindText is free text or a structured record of text fields:
	// near duplicates by estimated Jaccard similarity of MinHash signatures.
	KindText Kind = 1
	// KindImage is a picture: near duplicates by Hamming distance of
	// perceptual hashes.
	KindImage Kind = 2
)

func (k Kind) String() string {
	switch k {
	case KindText:
		return "text"
	case KindImage:
		return "image"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Fingerprint is everything the [Index] stores about a record: its exact DNA
// and, depending on its kind, a MinHash signature or a perceptual hash.
type Fingerprint struct {
	Kind Kind
	DNA  DNA
	// MinHash is the signature of a text's shingles; nil for an image and
	// for text with no letters or digits, which can only be an exact
	// duplicate.
	MinHash *Signature
	// PHash is the perceptual hash of an image; zero for text.
	PHash PHash
}

// Domain-separation tags: the DNA of a text can never equal that of a
// record whose fields happen to encode to the same bytes.
const (
	textTag   = "allmende/dedup/text/v1\n"
	recordTag = "allmende/dedup/record/v1\n"
)

// FingerprintText fingerprints free text. The DNA is SHA-256 over a
// domain tag and [NormalizeText](s); the signature is over character
// 5-shingles of its words.
func FingerprintText(s string) Fingerprint {
	norm := NormalizeText(s)
	h := sha256.New()
	h.Write([]byte(textTag))
	h.Write([]byte(norm))
	fp := Fingerprint{Kind: KindText, MinHash: minHash(appendShingles(nil, shingleText(norm)))}
	h.Sum(fp.DNA[:0])
	return fp
}

// Field is one named value of a structured record, such as the question
// and the answer of a Q&A pair.
type Field struct {
	Name  string
	Value string
}

// FingerprintRecord fingerprints a structured record. Its canonical
// encoding, which the DNA hashes after a domain tag, is: the fields sorted by
// normalised name, then by normalised value; for each, the normalised name
// and the normalised value, each preceded by its length in bytes as a
// uvarint. Field order in the input therefore does not matter, while moving
// text from one field to another does.
//
// The signature is over the shingles of every value, cut per field so that
// no shingle spans two fields, and without the names: a record copied into
// free text, or a question and answer swapped, is still a near duplicate.
func FingerprintRecord(fields []Field) Fingerprint {
	norm := make([]Field, len(fields))
	for i, f := range fields {
		norm[i] = Field{NormalizeText(f.Name), NormalizeText(f.Value)}
	}
	slices.SortFunc(norm, func(a, b Field) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	enc := []byte(recordTag)
	var shingles []uint64
	for _, f := range norm {
		enc = binary.AppendUvarint(enc, uint64(len(f.Name)))
		enc = append(enc, f.Name...)
		enc = binary.AppendUvarint(enc, uint64(len(f.Value)))
		enc = append(enc, f.Value...)
		shingles = appendShingles(shingles, shingleText(f.Value))
	}
	return Fingerprint{Kind: KindText, DNA: sha256.Sum256(enc), MinHash: minHash(shingles)}
}

// MaxImagePixels bounds the size of an image FingerprintImage decodes. The
// header is checked first, so that a small file claiming a huge picture
// cannot make the decoder allocate gigabytes.
const MaxImagePixels = picture.MaxPixels

// Errors of FingerprintImage.
var (
	ErrImageFormat = errors.New("not a JPEG, PNG or GIF image")
	ErrImageSize   = errors.New("image too large or empty")
)

// FingerprintImage fingerprints an encoded JPEG, PNG or GIF image (the
// first frame of a GIF). The DNA is the plain SHA-256 of the file, so that a
// contributor can check it with any sha256sum tool; it is not taken over
// decoded pixels because decoders may change their rounding between
// releases, which would change every DNA. A copy with different metadata or
// re-encoded pixels has another DNA and is caught by the perceptual hash
// instead. The picture is decoded within picture's bounds, among a few
// decodes at a time; it stops waiting for one when ctx is done.
func FingerprintImage(ctx context.Context, data []byte) (Fingerprint, error) {
	var ph PHash
	err := picture.Use(ctx, data, func(img image.Image, _ string) error {
		ph = PerceptualHash(img)
		return nil
	})
	switch {
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return Fingerprint{}, fmt.Errorf("fingerprint image: %w", err)
	case errors.Is(err, picture.ErrTooLarge):
		return Fingerprint{}, fmt.Errorf("fingerprint image: %w: %w", ErrImageSize, err)
	case err != nil:
		return Fingerprint{}, fmt.Errorf("fingerprint image: %w: %w", ErrImageFormat, err)
	}
	return Fingerprint{Kind: KindImage, DNA: sha256.Sum256(data), PHash: ph}, nil
}
