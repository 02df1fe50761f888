package datanet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/dedup"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// FineTuneFormat is a JSON Lines layout that a real LLM trainer reads.
// The layouts follow the trainers' own documentation: Axolotl's dataset
// formats (docs/dataset-formats: chat_template with a "messages" list,
// alpaca, completion) and LLaMA-Factory's data/README (alpaca and sharegpt,
// described to it by an entry of dataset_info.json).
type FineTuneFormat string

const (
	// Chat is {"messages":[{"role":"user",…},{"role":"assistant",…}]}:
	// Axolotl's chat_template type (and OpenAI's fine-tuning files).
	Chat FineTuneFormat = "chat"
	// Alpaca is {"instruction","input","output"}: Axolotl's alpaca type
	// and LLaMA-Factory's alpaca format.
	Alpaca FineTuneFormat = "alpaca"
	// ShareGPT is {"conversations":[{"from":"human",…},{"from":"gpt",…}]}:
	// LLaMA-Factory's sharegpt format (Axolotl reads it as chat_template
	// with field_messages: conversations).
	ShareGPT FineTuneFormat = "sharegpt"
	// Completion is {"text"}: raw text for continued pre-training, Axolotl's
	// completion type and LLaMA-Factory's pre-training columns. The one
	// layout a text datanet has, since its records hold no question.
	Completion FineTuneFormat = "completion"
)

// FineTuneFormats lists the layouts, for forms and messages.
var FineTuneFormats = []FineTuneFormat{Chat, Alpaca, ShareGPT, Completion}

// fineTuneLine is one record in the layout: nil, false when the record
// has nothing to train on in it (a question-and-answer record without an
// answer).
func (f FineTuneFormat) line(r Record) (any, bool) {
	type message struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	type turn struct {
		From  string `json:"from"`
		Value string `json:"value"`
	}
	if f == Completion {
		t := r.joined()
		return map[string]string{"text": t}, strings.TrimSpace(t) != ""
	}
	if strings.TrimSpace(r.Question) == "" || strings.TrimSpace(r.Answer) == "" {
		return nil, false
	}
	switch f {
	case Chat:
		return map[string][]message{"messages": {{"user", r.Question}, {"assistant", r.Answer}}}, true
	case Alpaca:
		return map[string]string{"instruction": r.Question, "input": "", "output": r.Answer}, true
	case ShareGPT:
		return map[string][]turn{"conversations": {{"human", r.Question}, {"gpt", r.Answer}}}, true
	}
	return nil, false
}

// ParseFineTuneFormat reads a layout's name as a person or program gives
// it, refusing what is not one (422 naming the field "format").
func ParseFineTuneFormat(s string, kind RecordKind) (FineTuneFormat, error) {
	f := FineTuneFormat(strings.TrimSpace(s))
	if !slices.Contains(FineTuneFormats, f) {
		return "", &problem.Error{Kind: problem.Invalid, Message: "unknown export format",
			Fields: map[string]string{"format": "chat, alpaca, sharegpt or completion"}}
	}
	if kind == KindText && f != Completion {
		return "", &problem.Error{Kind: problem.Invalid, Message: "a text datanet's records hold no question and answer",
			Fields: map[string]string{"format": "completion, for a text datanet"}}
	}
	return f, nil
}

// Manifest is written beside the data: which version it is, its
// commitment, and what left it since the version was made.
type Manifest struct {
	Datanet string         `json:"datanet"`
	Version int            `json:"version"`
	Format  FineTuneFormat `json:"format"`
	Licence string         `json:"licence"`
	// Commitment is the version's (see Version.Commitment); Scheme says
	// how it is computed.
	Commitment string `json:"commitment"`
	Scheme     string `json:"commitment_scheme"`
	// EventID is the datanet.versioned event of the public log that
	// commits to the version.
	EventID string `json:"event_id"`
	Records int    `json:"records"`
	// Exported counts the lines of the data file; Withheld the version's
	// records erased or withdrawn since, or whose contributor paused
	// consent, which no export writes again; Skipped those with nothing
	// to train on in this layout.
	Exported int `json:"exported"`
	Withheld int `json:"withheld"`
	Skipped  int `json:"skipped"`
	// ExportedCommitment is the commitment to the exported records'
	// DNAs (listed in DNAs): equal to Commitment when nothing was
	// withheld or skipped.
	ExportedCommitment string    `json:"exported_commitment"`
	DNAs               []string  `json:"dnas"`
	File               string    `json:"file"`
	SHA256             string    `json:"sha256"`
	CreatedAt          time.Time `json:"version_created_at"`
}

// FineTune writes a version of a datanet in a trainer's layout, for actor
// (see MayExport): the data file, manifest.json, LLaMA-Factory's
// dataset_info.json and an Axolotl datasets entry (axolotl.yml), each
// through create, which opens a file of the export (in a zip, in a
// folder). Only records still accepted, with their contributor's consent
// standing, are written.
func (s *Service) FineTune(ctx context.Context, actor member.Member, slug string, number int, format string, create func(name string) (io.Writer, error)) (Manifest, error) {
	if !MayExport(actor) {
		return Manifest{}, problem.New(problem.Forbidden, "requesters and stewards export datanets for training")
	}
	return s.OperatorFineTune(ctx, slug, number, format, create)
}

// OperatorFineTune is FineTune for the operator at the command line (see
// OperatorVersion).
func (s *Service) OperatorFineTune(ctx context.Context, slug string, number int, format string, create func(name string) (io.Writer, error)) (Manifest, error) {
	d, err := s.BySlug(ctx, slug)
	if err != nil {
		return Manifest{}, err
	}
	f, err := ParseFineTuneFormat(format, d.RecordKind)
	if err != nil {
		return Manifest{}, err
	}
	v, err := s.VersionOf(ctx, slug, number)
	if err != nil {
		return Manifest{}, err
	}
	man := Manifest{Datanet: d.Slug, Version: v.Number, Format: f, Licence: d.Licence, Commitment: v.Commitment, Scheme: CommitmentScheme, EventID: v.EventID,
		Records: v.Records, File: fmt.Sprintf("%s-v%d-%s.jsonl", d.Slug, v.Number, f), CreatedAt: v.CreatedAt, DNAs: []string{}}
	w, err := create(man.File)
	if err != nil {
		return Manifest{}, err
	}
	sum := sha256.New()
	out := io.MultiWriter(w, sum)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var dnas []dedup.DNA
	err = s.versionRecords(ctx, v, func(dna dedup.DNA, r Record) error {
		line, ok := f.line(r)
		if !ok {
			man.Skipped++
			return nil
		}
		dnas = append(dnas, dna)
		man.Exported++
		return enc.Encode(line)
	})
	if err != nil {
		return Manifest{}, err
	}
	man.Withheld = v.Records - man.Exported - man.Skipped
	man.ExportedCommitment = Commitment(dnas)
	for _, d := range dnas {
		man.DNAs = append(man.DNAs, d.String())
	}
	man.SHA256 = hex.EncodeToString(sum.Sum(nil))
	if err := writeJSON(create, "manifest.json", man); err != nil {
		return Manifest{}, err
	}
	if err := writeJSON(create, "dataset_info.json", llamaFactoryInfo(man)); err != nil {
		return Manifest{}, err
	}
	w, err = create("axolotl.yml")
	if err != nil {
		return Manifest{}, err
	}
	if _, err := io.WriteString(w, axolotlEntry(man)); err != nil {
		return Manifest{}, err
	}
	return man, nil
}

func writeJSON(create func(string) (io.Writer, error), name string, v any) error {
	w, err := create(name)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// DatasetName is the name the export's entries give the dataset in the
// trainers' configurations.
func (m Manifest) DatasetName() string {
	return strings.NewReplacer("-", "_", ".", "_").Replace(m.Datanet) + fmt.Sprintf("_v%d", m.Version)
}

// llamaFactoryInfo is the dataset_info.json entry LLaMA-Factory needs to
// read the file (data/README.md of LLaMA-Factory): its formatting and
// which columns or tags hold what.
func llamaFactoryInfo(m Manifest) map[string]any {
	e := map[string]any{"file_name": m.File}
	switch m.Format {
	case Alpaca:
		e["formatting"] = "alpaca"
		e["columns"] = map[string]string{"prompt": "instruction", "query": "input", "response": "output"}
	case ShareGPT:
		e["formatting"] = "sharegpt"
		e["columns"] = map[string]string{"messages": "conversations"}
		e["tags"] = map[string]string{"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt"}
	case Chat:
		// The OpenAI layout is sharegpt formatting with OpenAI's tags.
		e["formatting"] = "sharegpt"
		e["columns"] = map[string]string{"messages": "messages"}
		e["tags"] = map[string]string{"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"}
	case Completion:
		e["columns"] = map[string]string{"prompt": "text"}
	}
	return map[string]any{m.DatasetName(): e}
}

// axolotlEntry is the datasets entry of an Axolotl configuration that
// reads the file; strings are written as JSON, which YAML reads as they
// are.
func axolotlEntry(m Manifest) string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	var b strings.Builder
	fmt.Fprintf(&b, "# Axolotl datasets entry for %s version %d (commitment %s).\n", m.Datanet, m.Version, m.Commitment)
	fmt.Fprintf(&b, "datasets:\n  - path: %s\n    ds_type: json\n", q(m.File))
	switch m.Format {
	case Chat:
		b.WriteString("    type: chat_template\n    field_messages: messages\n    message_property_mappings:\n      role: role\n      content: content\n")
	case ShareGPT:
		b.WriteString("    type: chat_template\n    field_messages: conversations\n    message_property_mappings:\n      role: from\n      content: value\n    roles:\n      user: [\"human\"]\n      assistant: [\"gpt\"]\n")
	case Alpaca:
		b.WriteString("    type: alpaca\n")
	case Completion:
		b.WriteString("    type: completion\n    field: text\n")
	}
	return b.String()
}

// versionRecords calls fn for each record of a version that is still
// accepted and whose contributor's consent still stands, in the order
// they were accepted, opened with their content keys, in pages.
func (s *Service) versionRecords(ctx context.Context, v Version, fn func(dedup.DNA, Record) error) error {
	var after int64
	for {
		rows, err := s.db.Read().QueryContext(ctx, `SELECT c.id, c.public_id, c.key_id, c.content, c.blob, c.dna `+ConsentedAccepted+`
			AND c.id > $2 AND c.id IN (SELECT contribution_id FROM datanet_version_records WHERE version_id = $3) ORDER BY c.id LIMIT 500`, v.datanetID, after, v.ID)
		if err != nil {
			return fmt.Errorf("export version: %w", err)
		}
		type row struct {
			publicID, dna string
			keyID         int64
			content       []byte
			blob          *string
		}
		var page []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&after, &r.publicID, &r.keyID, &r.content, &r.blob, &r.dna); err != nil {
				rows.Close()
				return fmt.Errorf("export version: %w", err)
			}
			page = append(page, r)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("export version: %w", err)
		}
		if len(page) == 0 {
			return nil
		}
		for _, r := range page {
			rec, _, err := s.open(ctx, r.publicID, r.keyID, r.content, r.blob)
			if problem.Is(err, problem.NotFound) {
				continue // erased since the page was read
			}
			if err != nil {
				return fmt.Errorf("export %s: %w", r.publicID, err)
			}
			dna, err := dedup.ParseDNA(r.dna)
			if err != nil {
				return fmt.Errorf("export %s: %w", r.publicID, err)
			}
			if err := fn(dna, rec); err != nil {
				return err
			}
		}
	}
}
