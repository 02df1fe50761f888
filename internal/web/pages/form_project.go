package pages

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/upload"
	"github.com/allmende/allmende/internal/work"
)

// projectForm reads the new-project form, a parsed multipart form: the
// project and its items — a COCO or Label Studio file or YOLO label files
// with their images for image projects, a JSON Lines file for text ones.
// The numbers it cannot read, and items missing or of more than one
// kind, come back as a problem naming the field; the work domain checks
// the rest.
//
// The pay and the budget are typed in the cooperative's currency c, as
// the pages show them ("12.50"), and kept in points.
func projectForm(r *http.Request, c points.Currency) (work.Project, work.Upload, form, error) {
	v := fields(r.FormValue, "slug", "name", "client", "purpose", "instructions", "task_type", "labels", "redundancy", "pay_per_task", "est_seconds", "budget",
		"gold_rate", "min_gold_accuracy", "qualification_items", "qualification_min", "review_hours", "max_reject_share")
	f := form{Values: v, Errors: map[string]string{}}
	num := func(k string) int64 {
		if v[k] == "" {
			return 0
		}
		n, err := strconv.ParseInt(v[k], 10, 64)
		if err != nil {
			f.Errors[k] = "a whole number"
		}
		return n
	}
	frac := func(k string) float64 {
		if v[k] == "" {
			return 0
		}
		x, err := strconv.ParseFloat(v[k], 64)
		if err != nil {
			f.Errors[k] = "a number such as 0.1"
		}
		return x
	}
	amount := func(k string, lo int64, hi int64) int64 {
		if v[k] == "" {
			return 0 // the domain names a missing pay; no budget is 0
		}
		n, bad := money(c, v[k], lo, hi)
		if bad != "" {
			f.Errors[k] = bad
		}
		return n
	}
	p := work.Project{Slug: v["slug"], Name: v["name"], Client: v["client"], Purpose: v["purpose"], Instructions: v["instructions"],
		TaskType: work.TaskType(v["task_type"]), Labels: splitList(v["labels"]), Redundancy: int(num("redundancy")),
		PayPerTask: amount("pay_per_task", 1, points.MaxPrice), EstSeconds: int(num("est_seconds")), Budget: amount("budget", 0, points.MaxBudget),
		GoldRate: frac("gold_rate"), MinGoldAccuracy: frac("min_gold_accuracy"), QualificationItems: int(num("qualification_items")),
		QualificationMin: frac("qualification_min"), ReviewHours: int(num("review_hours")), MaxRejectShare: frac("max_reject_share")}
	if len(f.Errors) > 0 {
		return p, work.Upload{}, f, &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid."}
	}
	u, err := upload.Items(r, true)
	if err != nil {
		return p, u, f, err
	}
	formats := 0
	for _, given := range []bool{u.COCO != nil, u.LabelStudio != nil, len(u.YOLO) > 0} {
		if given {
			formats++
		}
	}
	switch {
	case formats == 0 && u.Texts == nil:
		return p, u, f, &problem.Error{Kind: problem.Invalid, Message: "add the items to annotate", Fields: map[string]string{"items": "a COCO or Label Studio file or YOLO label files with their images, or a JSON Lines file of texts"}}
	case formats > 1:
		return p, u, f, &problem.Error{Kind: problem.Invalid, Message: "add the items to annotate", Fields: map[string]string{"items": "one kind of annotation file: COCO, Label Studio or YOLO"}}
	}
	return p, u, f, nil
}

// importFailure puts what is wrong with the uploaded files under the form's
// items field, where the form shows it: their problems name files and
// lines, not fields of the form. Problems of the form's own fields (the
// labels that do not match the file, a slug taken) stay beside them.
func importFailure(err error, f form) error {
	pr, ok := problem.As(err)
	if !ok || len(pr.Fields) == 0 {
		return err
	}
	fields := map[string]string{}
	var list []string
	for _, k := range slices.Sorted(maps.Keys(pr.Fields)) {
		if _, ours := f.Values[k]; ours || k == "items" {
			fields[k] = pr.Fields[k]
			continue
		}
		list = append(list, k+": "+pr.Fields[k])
	}
	if len(list) > 0 {
		fields["items"] = strings.Join(append(list, fields["items"]), "; ")
		fields["items"] = strings.TrimSuffix(fields["items"], "; ")
	}
	return &problem.Error{Kind: pr.Kind, Message: pr.Message, Fields: fields}
}
