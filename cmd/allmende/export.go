package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/allmende/allmende/internal/app"
	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/privacy"
)

// runExport writes a datanet's accepted, non-erased records: JSON Lines
// that Hugging Face datasets loads as they are, or CSV. With --k it first
// makes the records k-anonymous over the --quasi fields (Mondrian) and says
// what it generalised and suppressed.
func runExport(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("export", "export --datanet SLUG [--format jsonl|csv] [--k K --quasi a,b] [--out FILE|DIR] [--data DIR] [--db URL]\n       allmende export --datanet SLUG --finetune chat|alpaca|sharegpt|completion [--version N] --out DIR", io)
	var f serverFlags
	f.register(fs, "allmende-data")
	fs.Lookup("data").Usage = "data folder of an existing cooperative (refused if it holds none)"
	slug := fs.String("datanet", "", "the datanet to export (its slug; required)")
	format := fs.String("format", "jsonl", "jsonl (one JSON object per line, for Hugging Face datasets) or csv")
	k := fs.Int("k", 0, "make the export k-anonymous over --quasi (0: off)")
	quasi := fs.String("quasi", "", "comma-separated quasi-identifier fields for --k (the datanet's extra fields)")
	out := fs.String("out", "-", "output file, - for standard output; for image datanets and --finetune a folder")
	finetune := fs.String("finetune", "", "export a datanet version for an LLM trainer in this layout (chat, alpaca, sharegpt, completion): the JSON Lines, manifest.json with the version's commitment, LLaMA-Factory's dataset_info.json and an Axolotl datasets entry")
	version := fs.Int("version", 0, "with --finetune: the version to export (0: make a new version of the datanet now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		return fmt.Errorf("%w: --datanet is required", errUsage)
	}
	if *finetune != "" || *version != 0 {
		if *finetune == "" || *out == "-" || *k != 0 || *quasi != "" || *version < 0 {
			return fmt.Errorf("%w: --finetune FORMAT writes to a folder (--out DIR), with --version N from 1 or none, and no --k", errUsage)
		}
		return exportFineTune(ctx, f, *slug, *finetune, *version, *out, io)
	}
	if *format != "jsonl" && *format != "csv" {
		return fmt.Errorf("%w: --format must be jsonl or csv", errUsage)
	}
	qis := splitComma(*quasi)
	if (*k > 0) != (len(qis) > 0) || *k < 0 {
		return fmt.Errorf("%w: --k and --quasi go together, with k at least 1", errUsage)
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	cfg.Offline, cfg.MustExist = true, true
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.err, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	d, err := a.Datanets.BySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("datanet %q: %w", *slug, err)
	}
	for _, q := range qis {
		if !slices.Contains(d.Fields, q) {
			return fmt.Errorf("%w: --quasi %q is not a field of %s (its fields: %s)", errUsage, q, d.Slug, strings.Join(d.Fields, ", "))
		}
	}
	imageDir := ""
	if d.RecordKind == datanet.KindImage {
		if *out == "-" || *format != "jsonl" {
			return fmt.Errorf("%w: an image datanet exports to a folder (--out DIR) as JSON Lines", errUsage)
		}
		imageDir = *out
		if err := os.MkdirAll(imageDir, 0o755); err != nil {
			return err
		}
	}
	total, err := a.Datanets.Count(ctx, d.ID)
	if err != nil {
		return err
	}
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(io.err), progressbar.OptionSetDescription("opening records"),
		progressbar.OptionSetVisibility(isTerminal(io.err)), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())

	// Rows are collected first: k-anonymity needs all of them at once.
	var rows []map[string]string
	var extra []map[string]any // labels and boxes of image records
	_, err = a.Datanets.Export(ctx, d.Slug, func(x datanet.Exported) error {
		row := map[string]string{"id": x.ID}
		for name, v := range x.Record.Fields {
			row[name] = v
		}
		switch d.RecordKind {
		case datanet.KindText:
			row["text"] = x.Record.Text
		case datanet.KindQA:
			row["question"], row["answer"] = x.Record.Question, x.Record.Answer
		case datanet.KindImage:
			name := x.ID + imageExt(x.MediaType)
			if err := os.WriteFile(filepath.Join(imageDir, name), x.Image, 0o644); err != nil {
				return err
			}
			row["file_name"] = name
		}
		rows = append(rows, row)
		extra = append(extra, map[string]any{"labels": x.Record.Labels, "boxes": x.Record.Boxes})
		return bar.Add(1)
	})
	bar.Finish()
	if err != nil {
		return err
	}
	if *k > 0 {
		an, err := privacy.Anonymize(rows, qis, *k)
		if err != nil {
			return fmt.Errorf("k-anonymity: %w", err)
		}
		if an.Suppressed > 0 {
			extra = nil
		}
		rows = an.Records
		fmt.Fprintf(io.err, "k-anonymity (k=%d over %s): %d groups, %d records suppressed, information loss %.2f\n", *k, strings.Join(qis, ", "), an.Groups, an.Suppressed, an.Loss)
		for _, fsum := range an.Fields {
			fmt.Fprintf(io.err, "  %s: %d values generalised, %d distinct after\n", fsum.Field, fsum.Generalised, fsum.Distinct)
		}
	}

	columns := exportColumns(d)
	w := io.out
	if imageDir != "" {
		file, err := os.Create(filepath.Join(imageDir, "metadata.jsonl"))
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	} else if *out != "-" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	switch *format {
	case "jsonl":
		enc := json.NewEncoder(w)
		for i, row := range rows {
			obj := map[string]any{}
			for _, c := range columns {
				obj[c] = row[c]
			}
			if d.RecordKind == datanet.KindImage && extra != nil {
				obj["labels"], obj["boxes"] = extra[i]["labels"], extra[i]["boxes"]
			}
			if err := enc.Encode(obj); err != nil {
				return err
			}
		}
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(columns)
		for _, row := range rows {
			rec := make([]string, len(columns))
			for i, c := range columns {
				rec[i] = row[c]
			}
			cw.Write(rec)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	fmt.Fprintf(io.err, "exported %d records of %s\n", len(rows), d.Slug)
	return nil
}

// exportColumns is the fixed column order: id, the record's parts, its
// extra fields — every row has every column, as a dataset table needs.
func exportColumns(d datanet.Datanet) []string {
	cols := []string{"id"}
	switch d.RecordKind {
	case datanet.KindText:
		cols = append(cols, "text")
	case datanet.KindQA:
		cols = append(cols, "question", "answer")
	case datanet.KindImage:
		cols = append(cols, "file_name")
	}
	return append(cols, d.Fields...)
}

func imageExt(mediaType string) string {
	switch mediaType {
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	}
	return ".jpg"
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// isTerminal reports whether w is a terminal, where a progress bar helps;
// in a pipe or a file it would only be noise.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
