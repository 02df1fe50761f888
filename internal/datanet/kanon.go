package datanet

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/privacy"
	"github.com/allmende/allmende/internal/problem"
)

// A k-anonymous export is a datanet's table made safe to hand to someone
// who could link it with other data: the quasi-identifiers (fields such as
// age or region that are harmless alone but identify a person together)
// are generalised by Mondrian (privacy.Anonymize) until every combination
// of their values is shared by at least k records. It is offered to the
// same people as a version's export (MayExport), over the same records: the
// accepted ones whose contributor's consent stands, so an erased or
// withdrawn record, or one whose contributor paused, is never in it.
//
// The table has no record id: the public log names each contribution's
// id beside its contributor's pseudonym, so an id would undo the
// generalisation at once.

// MaxKAnonRecords bounds the records a k-anonymous export reads: Mondrian
// needs all of them in memory at once. The operator exports larger
// datanets with `allmende export --k` on the server.
const MaxKAnonRecords = 100_000

// MaxQuasi bounds the quasi-identifiers of one export; a datanet has at
// most 20 fields anyway (see Datanet.validate).
const MaxQuasi = 20

// KAnonRequest is what a k-anonymous export is asked for.
type KAnonRequest struct {
	// K is the smallest size of a group of records that share their
	// quasi-identifiers' values, from 2 to the number of records.
	K int
	// Quasi are the quasi-identifiers: fields of the datanet, each once.
	Quasi []string
}

// ParseKAnon reads a k-anonymous export's request as a person or program
// gives it: k as a whole number, the quasi-identifiers as one or more
// values, each a comma-separated list of the datanet's fields (a form's
// checkboxes send one value per field, a URL often one list). Every
// problem is invalid input naming the field, "k" or "quasi" (or
// "datanet", for a datanet of images or recordings). Whether k
// exceeds the records is for KAnonymous to say, which counts them.
func ParseKAnon(d Datanet, k string, quasi []string) (KAnonRequest, error) {
	if d.RecordKind != KindText && d.RecordKind != KindQA {
		return KAnonRequest{}, &problem.Error{Kind: problem.Invalid, Message: "only text and question-and-answer datanets export as k-anonymous tables",
			Fields: map[string]string{"datanet": fmt.Sprintf("%s holds %s records", d.Slug, d.RecordKind)}}
	}
	var req KAnonRequest
	bad := problem.Fields{}
	k = strings.TrimSpace(k)
	switch n, err := strconv.Atoi(k); {
	case k == "":
		bad.Add("k", "is required: a whole number from 2")
	case err != nil:
		bad.Add("k", "must be a whole number from 2, not %q", clip(k, 20))
	case n < 2:
		bad.Add("k", "must be at least 2 (k = 1 changes nothing), got %d", n)
	case n > MaxKAnonRecords:
		bad.Add("k", "must be at most %d", MaxKAnonRecords)
	default:
		req.K = n
	}
	for _, v := range quasi {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			switch {
			case name == "":
			case len(req.Quasi) >= MaxQuasi:
				bad.Add("quasi", "at most %d quasi-identifiers", MaxQuasi)
			case !slices.Contains(d.Fields, name):
				if len(d.Fields) == 0 {
					bad.Add("quasi", "%s has no fields to generalise", d.Slug)
				} else {
					bad.Add("quasi", "%q is not a field of %s; its fields are %s", clip(name, 40), d.Slug, strings.Join(d.Fields, ", "))
				}
			case slices.Contains(req.Quasi, name):
				bad.Add("quasi", "%q is listed twice", name)
			default:
				req.Quasi = append(req.Quasi, name)
			}
		}
	}
	if len(req.Quasi) == 0 {
		if len(d.Fields) == 0 {
			bad.Add("quasi", "%s has no fields to generalise", d.Slug)
		}
		bad.Add("quasi", "choose at least one quasi-identifier among %s", strings.Join(d.Fields, ", "))
	}
	if err := bad.Err(); err != nil {
		return KAnonRequest{}, err
	}
	return req, nil
}

// clip shortens what a person typed for a message about it.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// KAnonymous is a k-anonymous table of a datanet and what it cost: how
// many values of each quasi-identifier were generalised, how many records
// were left out.
type KAnonymous struct {
	Datanet string   `json:"datanet"`
	K       int      `json:"k"`
	Quasi   []string `json:"quasi_identifiers"`
	// Records counts the records read: accepted, consent standing.
	Records int `json:"records"`
	// Exported counts the rows of the table: Records less Suppressed.
	Exported   int `json:"exported"`
	Suppressed int `json:"suppressed"`
	// Groups counts the equivalence classes: sets of at least K rows
	// whose quasi-identifiers read the same.
	Groups int `json:"groups"`
	// Loss is the normalised certainty penalty, 0 (nothing changed) to 1
	// (every quasi-identifier generalised to its whole domain).
	Loss   float64      `json:"information_loss"`
	Fields []KAnonField `json:"fields"`
	// Columns are the table's columns in order: the record's parts (text,
	// or question and answer), then the datanet's fields.
	Columns []string `json:"columns"`
	// Rows are the table, in the order the records were accepted.
	Rows []map[string]string `json:"-"`
	// generalised[i][q] says whether row i's quasi-identifier q changed.
	generalised []map[string]bool
}

// KAnonField says how much one quasi-identifier was generalised.
type KAnonField struct {
	Field string `json:"field"`
	// Numeric fields become ranges "[30,39]", others sets "{a,b}" or "*".
	Numeric     bool `json:"numeric"`
	Generalised int  `json:"generalised"`
	Distinct    int  `json:"distinct_after"`
}

// KAnonRow is a row of the table for a preview: each column's value and
// whether generalisation changed it.
type KAnonRow struct {
	Values      map[string]string `json:"values"`
	Generalised []string          `json:"generalised"`
}

// Sample returns up to n rows for a preview, rows with a generalised value
// first (they show what the export did), each group of rows in table
// order.
func (a KAnonymous) Sample(n int) []KAnonRow {
	var changed, same []KAnonRow
	for i, row := range a.Rows {
		if len(changed) >= n {
			break
		}
		r := KAnonRow{Values: row, Generalised: []string{}}
		for _, q := range a.Quasi {
			if a.generalised[i][q] {
				r.Generalised = append(r.Generalised, q)
			}
		}
		if len(r.Generalised) > 0 {
			changed = append(changed, r)
		} else if len(same) < n {
			same = append(same, r)
		}
	}
	out := append(changed, same...)
	return out[:min(n, len(out))]
}

// KAnonymous makes a k-anonymous table of a datanet's accepted, consented
// records for actor (see MayExport).
func (s *Service) KAnonymous(ctx context.Context, actor member.Member, slug string, req KAnonRequest) (KAnonymous, error) {
	if !MayExport(actor) {
		return KAnonymous{}, problem.New(problem.Forbidden, "requesters and stewards export datanets")
	}
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return KAnonymous{}, err
	}
	// The request was parsed against the datanet, but it may have been
	// built by hand, or the datanet may be another than it was parsed for.
	quasi := make([]string, len(req.Quasi))
	copy(quasi, req.Quasi)
	if _, err := ParseKAnon(d, strconv.Itoa(req.K), quasi); err != nil {
		return KAnonymous{}, err
	}
	var n int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) `+ConsentedAccepted, d.ID).Scan(&n); err != nil {
		return KAnonymous{}, fmt.Errorf("k-anonymous export: %w", err)
	}
	if n > MaxKAnonRecords {
		return KAnonymous{}, problem.New(problem.Conflict, "%s has %d records; a k-anonymous export here reads at most %d — the operator can export it with allmende export --k on the server", d.Slug, n, MaxKAnonRecords)
	}
	if req.K > n {
		return KAnonymous{}, &problem.Error{Kind: problem.Invalid, Message: "k is larger than the datanet",
			Fields: map[string]string{"k": fmt.Sprintf("at most %d: %s has %d records that may be exported", n, d.Slug, n)}}
	}
	columns := []string{"text"}
	if d.RecordKind == KindQA {
		columns = []string{"question", "answer"}
	}
	columns = append(columns, d.Fields...)
	rows := make([]map[string]string, 0, n)
	var after int64
	for {
		page, err := s.consentedPage(ctx, d.ID, after)
		if err != nil {
			return KAnonymous{}, err
		}
		if len(page) == 0 {
			break
		}
		for _, p := range page {
			after = p.id
			rec, _, err := s.open(ctx, p.publicID, p.keyID, p.content, nil)
			if err != nil {
				return KAnonymous{}, fmt.Errorf("k-anonymous export %s: %w", p.publicID, err)
			}
			row := make(map[string]string, len(columns))
			for _, f := range d.Fields {
				row[f] = rec.Fields[f]
			}
			if d.RecordKind == KindQA {
				row["question"], row["answer"] = rec.Question, rec.Answer
			} else {
				row["text"] = rec.Text
			}
			rows = append(rows, row)
		}
	}
	// Records accepted since the count: k is still at most the rows, and
	// fewer rows (an erasure meanwhile) make Anonymize suppress them all,
	// which the result says.
	an, err := privacy.Anonymize(rows, req.Quasi, req.K)
	if err != nil {
		return KAnonymous{}, fmt.Errorf("k-anonymous export: %w", err)
	}
	out := KAnonymous{Datanet: d.Slug, K: req.K, Quasi: req.Quasi, Records: len(rows), Exported: len(an.Records), Suppressed: an.Suppressed,
		Groups: an.Groups, Loss: an.Loss, Columns: columns, Rows: an.Records, generalised: make([]map[string]bool, len(an.Records))}
	for _, f := range an.Fields {
		out.Fields = append(out.Fields, KAnonField{Field: f.Field, Numeric: f.Numeric, Generalised: f.Generalised, Distinct: f.Distinct})
	}
	for i, row := range an.Records {
		out.generalised[i] = map[string]bool{}
		for _, q := range req.Quasi {
			out.generalised[i][q] = row[q] != rows[i][q]
		}
	}
	return out, nil
}

type sealedRow struct {
	id, keyID int64
	publicID  string
	content   []byte
}

// consentedPage reads the next page of accepted, consented records after
// the row id.
func (s *Service) consentedPage(ctx context.Context, datanetID, after int64) ([]sealedRow, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT c.id, c.public_id, c.key_id, c.content `+ConsentedAccepted+` AND c.id > $2 ORDER BY c.id LIMIT 500`, datanetID, after)
	if err != nil {
		return nil, fmt.Errorf("k-anonymous export: %w", err)
	}
	var page []sealedRow
	for rows.Next() {
		var r sealedRow
		if err := rows.Scan(&r.id, &r.publicID, &r.keyID, &r.content); err != nil {
			rows.Close()
			return nil, fmt.Errorf("k-anonymous export: %w", err)
		}
		page = append(page, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("k-anonymous export: %w", err)
	}
	return page, nil
}

// KAnonFormats are the files a k-anonymous table downloads as.
var KAnonFormats = []string{"csv", "jsonl"}

// Write writes the table as CSV (a header row, then the rows) or JSON
// Lines (an object per row, the columns as keys). An unknown format is
// invalid input naming the field "format"; nothing is written then.
func (a KAnonymous) Write(w io.Writer, format string) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(a.Columns); err != nil {
			return err
		}
		rec := make([]string, len(a.Columns))
		for _, row := range a.Rows {
			for i, c := range a.Columns {
				rec[i] = row[c]
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case "jsonl":
		enc := json.NewEncoder(w)
		for _, row := range a.Rows {
			obj := make(map[string]string, len(a.Columns))
			for _, c := range a.Columns {
				obj[c] = row[c]
			}
			if err := enc.Encode(obj); err != nil {
				return err
			}
		}
		return nil
	}
	return KAnonFormatError()
}

// File says how a table in format is downloaded: its media type and
// file name; an unknown format is invalid input naming "format".
func (a KAnonymous) File(format string) (mediaType, name string, err error) {
	base := fmt.Sprintf("%s-k%d-anonymous", a.Datanet, a.K)
	switch format {
	case "csv":
		return "text/csv; charset=utf-8", base + ".csv", nil
	case "jsonl":
		return "application/x-ndjson", base + ".jsonl", nil
	}
	return "", "", KAnonFormatError()
}

// KAnonFormatError is the problem of a download format that is not one.
func KAnonFormatError() error {
	return &problem.Error{Kind: problem.Invalid, Message: "unknown download format", Fields: map[string]string{"format": "csv or jsonl"}}
}
