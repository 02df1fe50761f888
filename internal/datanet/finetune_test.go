package datanet_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/dedup"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// files is an export in memory: name → content.
type files map[string]*bytes.Buffer

func (f files) create(name string) (io.Writer, error) {
	if f[name] != nil {
		return nil, fmt.Errorf("%s written twice", name)
	}
	f[name] = &bytes.Buffer{}
	return f[name], nil
}

func qaLines(t *testing.T, d datanet.Datanet, pairs ...[2]string) datanet.Submission {
	t.Helper()
	var b strings.Builder
	for _, p := range pairs {
		js, _ := json.Marshal(map[string]string{"question": p[0], "answer": p[1]})
		b.Write(js)
		b.WriteByte('\n')
	}
	sub, err := d.ParseRecords(datanet.FormatJSONL, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

var qaPairs = map[string][2]string{
	"deposit": {"Can my landlord keep the whole deposit?", "Only for damage beyond normal wear and tear, accounted for in writing."},
	"notice":  {"How much notice do I give to move out?", "Three months to the end of a calendar month."},
	"boiler":  {"Who pays for a broken boiler?", "The landlord repairs the heating at their own cost."},
}

// A version's export is what the trainers read, line by line, in each
// layout; its manifest names the version's commitment, which is the RFC
// 6962 root over the records' DNAs computed independently; a record erased
// after the version was made is not in the export, and the manifest says
// one was withheld.
func TestFineTuneExportIsWhatTrainersRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		qa := e.datanet(t, "qa")
		ids := map[string]string{}
		dnas := map[string]string{}
		for _, who := range []struct {
			id   int64
			keys []string
		}{{e.ada, []string{"deposit", "boiler"}}, {e.bob, []string{"notice"}}} {
			for _, k := range who.keys {
				res, err := e.svc.Contribute(ctx, who.id, "qa", qaLines(t, qa, qaPairs[k]), datanet.IntakeOptions{})
				if err != nil {
					t.Fatal(err)
				}
				ids[k], dnas[k] = res.Outcomes[0].Contribution, res.Outcomes[0].DNA
			}
		}
		// Contributors export nothing; requesters and stewards do.
		if _, err := e.svc.CreateVersion(ctx, member.Member{ID: e.bob, Role: member.RoleMember}, "qa"); !problem.Is(err, problem.Forbidden) {
			t.Fatalf("a contributor made a version: %v", err)
		}
		v, err := e.svc.CreateVersion(ctx, requester(e.ada), "qa")
		if err != nil {
			t.Fatal(err)
		}
		if v.Number != 1 || v.Records != 3 {
			t.Fatalf("version %+v", v)
		}
		if want := rootByHand(t, dnas["deposit"], dnas["notice"], dnas["boiler"]); v.Commitment != want {
			t.Fatalf("commitment %s, want %s", v.Commitment, want)
		}
		// The log commits to the version, naming nobody.
		var typ string
		var member *int64
		if err := db.Read().QueryRowContext(ctx, `SELECT type, member_id FROM ledger_events WHERE event_id = $1`, v.EventID).Scan(&typ, &member); err != nil || typ != "datanet.versioned" || member != nil {
			t.Fatalf("event %q: type %q, member %v, %v", v.EventID, typ, member, err)
		}
		// Erased after the version: gone from every export of it.
		if err := e.svc.Erase(ctx, e.ada, ids["boiler"]); err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"chat", "alpaca", "sharegpt", "completion"} {
			t.Run(format, func(t *testing.T) {
				out := files{}
				man, err := e.svc.FineTune(ctx, requester(e.bob), "qa", 1, format, out.create)
				if err != nil {
					t.Fatal(err)
				}
				data := out[man.File]
				if data == nil || out["manifest.json"] == nil || out["dataset_info.json"] == nil || out["axolotl.yml"] == nil {
					t.Fatalf("files %v", slices.Collect(mapKeys(out)))
				}
				if strings.Contains(data.String(), "heating") {
					t.Fatal("the erased record is in the export")
				}
				lines := parseLines(t, data.Bytes())
				if len(lines) != 2 {
					t.Fatalf("%d lines, want the 2 records not erased:\n%s", len(lines), data)
				}
				q, a := qaPairs["deposit"][0], qaPairs["deposit"][1]
				first := lines[0]
				switch format {
				case "chat":
					var l struct {
						Messages []struct{ Role, Content string } `json:"messages"`
					}
					strict(t, first, &l)
					if len(l.Messages) != 2 || l.Messages[0].Role != "user" || l.Messages[0].Content != q || l.Messages[1].Role != "assistant" || l.Messages[1].Content != a {
						t.Fatalf("chat line %s", first)
					}
				case "alpaca":
					var l struct{ Instruction, Input, Output string }
					strict(t, first, &l)
					if l.Instruction != q || l.Input != "" || l.Output != a {
						t.Fatalf("alpaca line %s", first)
					}
				case "sharegpt":
					var l struct {
						Conversations []struct{ From, Value string } `json:"conversations"`
					}
					strict(t, first, &l)
					if len(l.Conversations) != 2 || l.Conversations[0].From != "human" || l.Conversations[0].Value != q || l.Conversations[1].From != "gpt" || l.Conversations[1].Value != a {
						t.Fatalf("sharegpt line %s", first)
					}
				case "completion":
					var l struct{ Text string }
					strict(t, first, &l)
					if l.Text != q+"\n"+a {
						t.Fatalf("completion line %s", first)
					}
				}
				var m datanet.Manifest
				strict(t, out["manifest.json"].Bytes(), &m)
				sum := sha256.Sum256(data.Bytes())
				if m.Commitment != v.Commitment || m.EventID != v.EventID || m.Records != 3 || m.Exported != 2 || m.Withheld != 1 || m.SHA256 != hex.EncodeToString(sum[:]) {
					t.Fatalf("manifest %+v", m)
				}
				if m.ExportedCommitment != rootByHand(t, m.DNAs...) || !slices.Contains(m.DNAs, dnas["notice"]) || slices.Contains(m.DNAs, dnas["boiler"]) {
					t.Fatalf("exported commitment %s over %v", m.ExportedCommitment, m.DNAs)
				}
				// LLaMA-Factory finds the file and its layout by the entry.
				var info map[string]struct {
					FileName   string            `json:"file_name"`
					Formatting string            `json:"formatting"`
					Columns    map[string]string `json:"columns"`
					Tags       map[string]string `json:"tags"`
				}
				strict(t, out["dataset_info.json"].Bytes(), &info)
				entry, ok := info["qa_v1"]
				if !ok || entry.FileName != man.File {
					t.Fatalf("dataset_info %s", out["dataset_info.json"])
				}
				var keys map[string]any
				strict(t, first, &keys)
				for _, col := range entry.Columns {
					if _, ok := keys[col]; !ok {
						t.Fatalf("dataset_info names column %q, the lines have %v", col, keys)
					}
				}
				if !strings.Contains(out["axolotl.yml"].String(), `path: "`+man.File+`"`) {
					t.Fatalf("axolotl entry:\n%s", out["axolotl.yml"])
				}
			})
		}
		// A member who paused consent is in no new version.
		if _, err := e.svc.ConsentAction(ctx, e.bob, "qa", "pause"); err != nil {
			t.Fatal(err)
		}
		v2, err := e.svc.CreateVersion(ctx, requester(e.ada), "qa")
		if err != nil {
			t.Fatal(err)
		}
		if v2.Number != 2 || v2.Records != 1 || v2.Commitment != rootByHand(t, dnas["deposit"]) {
			t.Fatalf("version 2 %+v", v2)
		}
		// Bad input is refused naming the field.
		for _, c := range []struct {
			slug, format string
			number       int
			field        string
		}{
			{"qa", "parquet", 1, "format"},
			{"notes", "chat", 1, "format"},
		} {
			_, err := e.svc.FineTune(ctx, requester(e.ada), c.slug, c.number, c.format, files{}.create)
			if p, ok := problem.As(err); !ok || p.Kind != problem.Invalid || p.Fields[c.field] == "" {
				t.Fatalf("%+v: %v", c, err)
			}
		}
		if _, err := e.svc.FineTune(ctx, requester(e.ada), "qa", 9, "chat", files{}.create); !problem.Is(err, problem.NotFound) {
			t.Fatalf("version 9: %v", err)
		}
		if _, err := e.svc.CreateVersion(ctx, requester(e.ada), "photos"); !problem.Is(err, problem.Invalid) {
			t.Fatalf("an image datanet versioned for fine-tuning: %v", err)
		}
	})
}

func mapKeys(f files) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range f {
			if !yield(k) {
				return
			}
		}
	}
}

func parseLines(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		out = append(out, slices.Clone(sc.Bytes()))
	}
	return out
}

// strict decodes JSON refusing fields the target does not name: the line
// holds what the trainer's layout has and nothing else.
func strict(t *testing.T, b []byte, v any) {
	t.Helper()
	if _, ok := v.(*map[string]any); !ok {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		return
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

// rootByHand computes the commitment with transparency-dev/merkle's
// compact ranges, not datanet's own tree code.
func rootByHand(t *testing.T, dnas ...string) string {
	t.Helper()
	var raw [][]byte
	for _, s := range dnas {
		d, err := dedup.ParseDNA(s)
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, d[:])
	}
	slices.SortFunc(raw, bytes.Compare)
	cr := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	for _, r := range raw {
		if err := cr.Append(rfc6962.DefaultHasher.HashLeaf(r), nil); err != nil {
			t.Fatal(err)
		}
	}
	root, err := cr.GetRootHash(nil)
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(root)
}

func FuzzParseFineTuneFormat(f *testing.F) {
	for _, s := range []string{"chat", "alpaca", " sharegpt ", "completion", "", "CHAT", "chat\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []datanet.RecordKind{datanet.KindQA, datanet.KindText} {
			got, err := datanet.ParseFineTuneFormat(s, kind)
			if err != nil {
				if p, ok := problem.As(err); !ok || p.Fields["format"] == "" {
					t.Fatalf("%q: a refusal that names no field: %v", s, err)
				}
				continue
			}
			if !slices.Contains(datanet.FineTuneFormats, got) || (kind == datanet.KindText && got != datanet.Completion) {
				t.Fatalf("%q accepted as %q for %s", s, got, kind)
			}
		}
	})
}
