package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/privacy"
	"github.com/allmende/allmende/internal/shareddata"
)

// exportFixture is a data folder with a text datanet "survey" holding 40
// records with age and region, and an image datanet "photos" with one.
func exportFixture(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	a, err := app.Open(ctx, app.Config{DataDir: dir, Offline: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	m, err := a.Members.Found(ctx, "r@example.org", "R", "correct horse battery", member.RoleRequester)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []datanet.Datanet{
		{Slug: "survey", Name: "Survey", Domain: "d", Client: "c", Purpose: "p", Licence: "l", RecordKind: datanet.KindText, Fields: []string{"age", "region"}},
		{Slug: "photos", Name: "Photos", Domain: "d", Client: "c", Purpose: "p", Licence: "l", RecordKind: datanet.KindImage, Labels: []string{"battery"}},
	} {
		if _, err := a.Datanets.Create(ctx, m, d); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Datanets.ConsentAction(ctx, m.ID, d.Slug, "grant"); err != nil {
			t.Fatal(err)
		}
	}
	survey, _ := a.Datanets.BySlug(ctx, "survey")
	var b strings.Builder
	regions := []string{"Berlin", "Hamburg", "Munich", "Cologne"}
	for i := range 40 {
		fmt.Fprintf(&b, `{"text":"Answer number %d: %s","fields":{"age":"%d","region":"%s"}}`+"\n", i, strings.Repeat(fmt.Sprintf("w%d ", i*31+7), 8), 18+i*37%60, regions[i%4])
	}
	sub, err := survey.ParseRecords(datanet.FormatJSONL, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.Datanets.Contribute(ctx, m.ID, "survey", sub, datanet.IntakeOptions{}); err != nil || res.Accepted != 40 {
		t.Fatalf("seed survey: %d %v", res.Accepted, err)
	}
	photos, _ := a.Datanets.BySlug(ctx, "photos")
	sub, _ = photos.ParseRecords(datanet.FormatJSON, strings.NewReader(`{"labels":["battery"]}`))
	sub.Image, err = os.ReadFile(shareddata.Path(t, "coco/lego-battery/images/IMG20231010093426.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Datanets.Contribute(ctx, m.ID, "photos", sub, datanet.IntakeOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestExport(t *testing.T) {
	dir := exportFixture(t)

	code, out, errOut := runMain(t, "export", "--data", dir, "--datanet", "survey", "--k", "5", "--quasi", "age,region")
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, errOut)
	}
	var rows []map[string]string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var obj map[string]string
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("not a JSON object line: %q", line)
		}
		if obj["id"] == "" || !strings.HasPrefix(obj["text"], "Answer number") {
			t.Fatalf("row %v", obj)
		}
		rows = append(rows, obj)
	}
	if len(rows) != 40 {
		t.Fatalf("exported %d rows, want 40", len(rows))
	}
	if !privacy.IsKAnonymous(rows, []string{"age", "region"}, 5) {
		t.Fatal("the export is not 5-anonymous over age and region")
	}
	if !strings.Contains(errOut, "k-anonymity (k=5 over age, region)") || !strings.Contains(errOut, "values generalised") {
		t.Fatalf("no summary of the generalisation: %s", errOut)
	}

	code, out, errOut = runMain(t, "export", "--data", dir, "--datanet", "survey", "--format", "csv")
	if code != 0 {
		t.Fatalf("csv export: %s", errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 41 || strings.Join(recs[0], ",") != "id,text,age,region" {
		t.Fatalf("csv: %v header %v rows %d", err, recs[0], len(recs))
	}

	imgDir := filepath.Join(t.TempDir(), "photos")
	code, _, errOut = runMain(t, "export", "--data", dir, "--datanet", "photos", "--out", imgDir)
	if code != 0 {
		t.Fatalf("image export: %s", errOut)
	}
	meta, err := os.ReadFile(filepath.Join(imgDir, "metadata.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var row struct {
		FileName string   `json:"file_name"`
		Labels   []string `json:"labels"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(meta), &row); err != nil || row.Labels[0] != "battery" {
		t.Fatalf("metadata.jsonl: %s (%v)", meta, err)
	}
	if st, err := os.Stat(filepath.Join(imgDir, row.FileName)); err != nil || st.Size() == 0 {
		t.Fatalf("image file %s: %v", row.FileName, err)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--data", dir}, "--datanet is required"},
		{[]string{"export", "--data", dir, "--datanet", "survey", "--format", "xml"}, "--format must be"},
		{[]string{"export", "--data", dir, "--datanet", "survey", "--k", "5"}, "--k and --quasi go together"},
		{[]string{"export", "--data", dir, "--datanet", "survey", "--k", "5", "--quasi", "email"}, `"email" is not a field`},
		{[]string{"export", "--data", dir, "--datanet", "nope"}, "no such datanet"},
		{[]string{"export", "--data", dir, "--datanet", "photos"}, "exports to a folder"},
	} {
		code, _, errOut := runMain(t, tt.args...)
		if code == 0 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q; want %q", tt.args, code, errOut, tt.want)
		}
	}
}

func TestBackupCommand(t *testing.T) {
	dir := exportFixture(t)
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	code, stdout, errOut := runMain(t, "backup", "--data", dir, "--out", out)
	if code != 0 || !strings.Contains(stdout, "holds no keys") {
		t.Fatalf("backup: %d %s %s", code, stdout, errOut)
	}
	if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
		t.Fatalf("backup file: %v", err)
	}
	if code, _, errOut := runMain(t, "backup", "--data", dir); code != 2 || !strings.Contains(errOut, "--out is required") {
		t.Fatalf("backup without --out: %d %s", code, errOut)
	}
	if code, _, errOut := runMain(t, "backup", "--data", dir, "--db", "postgres://nobody@127.0.0.1:1/x", "--out", out); code == 0 {
		t.Fatalf("backup of an unreachable PostgreSQL: %s", errOut)
	}
}

// TestExportFineTune: the command makes a version and writes what an LLM
// trainer reads, beside its manifest; a second export of that version is
// the same file; a text datanet has only the completion layout.
func TestExportFineTune(t *testing.T) {
	dir := exportFixture(t)
	out := filepath.Join(t.TempDir(), "ft")
	code, _, errOut := runMain(t, "export", "--data", dir, "--datanet", "survey", "--finetune", "completion", "--out", out)
	if code != 0 || !strings.Contains(errOut, "exported version 1 of survey") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(filepath.Join(out, "survey-v1-completion.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 40 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		var row struct{ Text string }
		if err := json.Unmarshal([]byte(l), &row); err != nil || !strings.HasPrefix(row.Text, "Answer number") {
			t.Fatalf("line %s: %v", l, err)
		}
	}
	var man datanet.Manifest
	raw, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil || json.Unmarshal(raw, &man) != nil || man.Records != 40 || man.Exported != 40 || man.Commitment != man.ExportedCommitment || len(man.DNAs) != 40 {
		t.Fatalf("manifest %s (%v)", raw, err)
	}
	for _, name := range []string{"dataset_info.json", "axolotl.yml"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Fatal(err)
		}
	}
	again := filepath.Join(t.TempDir(), "again")
	if code, _, errOut := runMain(t, "export", "--data", dir, "--datanet", "survey", "--finetune", "completion", "--version", "1", "--out", again); code != 0 {
		t.Fatalf("export version 1 again: %s", errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(again, "survey-v1-completion.jsonl")); !bytes.Equal(b, data) {
		t.Fatal("the same version exported differently")
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--data", dir, "--datanet", "survey", "--finetune", "chat", "--out", out}, "completion, for a text datanet"},
		{[]string{"export", "--data", dir, "--datanet", "survey", "--finetune", "completion"}, "--finetune FORMAT writes to a folder"},
		{[]string{"export", "--data", dir, "--datanet", "survey", "--version", "1", "--out", out}, "--finetune FORMAT writes to a folder"},
		{[]string{"export", "--data", dir, "--datanet", "survey", "--finetune", "completion", "--version", "5", "--out", out}, "no version 5"},
		{[]string{"export", "--data", dir, "--datanet", "photos", "--finetune", "completion", "--out", out}, "text and question-and-answer"},
	} {
		code, _, errOut := runMain(t, tt.args...)
		if code == 0 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q; want %q", tt.args, code, errOut, tt.want)
		}
	}
}
