package pages

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/points"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/web/upload"
	"github.com/allmende/allmende/internal/work"
)

// projectEditForm reads the edit form of a project, a parsed multipart
// form: the instructions, the labels (sent only while they can change),
// the pay, the example images to remove (remove_example, by id) and new
// ones (examples). A pay it cannot read comes back as a problem on its
// field; the work domain decides the rest.
//
// The pay is typed in the cooperative's currency cur ("12.50").
func projectEditForm(r *http.Request, cur points.Currency) (work.Changes, form, error) {
	v := fields(r.FormValue, "instructions", "labels", "pay_per_task")
	f := form{Values: v, Errors: map[string]string{}}
	instructions := v["instructions"]
	c := work.Changes{Instructions: &instructions}
	if r.MultipartForm != nil && r.MultipartForm.Value["labels"] != nil {
		c.Labels = splitList(v["labels"])
		if c.Labels == nil {
			c.Labels = []string{}
		}
	}
	if v["pay_per_task"] != "" {
		pay, bad := money(cur, v["pay_per_task"], 1, points.MaxPrice)
		if bad != "" {
			f.Errors["pay_per_task"] = bad
		}
		c.PayPerTask = &pay
	}
	if r.MultipartForm != nil {
		for _, id := range r.MultipartForm.Value["remove_example"] {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				f.Errors["examples"] = "not an example image: " + strings.TrimSpace(id)
				continue
			}
			c.RemoveExamples = append(c.RemoveExamples, n)
		}
	}
	examples, err := upload.Examples(r, "examples")
	if pr, ok := problem.As(err); ok && pr.Kind == problem.Invalid {
		f.Errors["examples"] = pr.Fields["examples"]
	} else if err != nil {
		return c, f, err
	}
	c.AddExamples = examples
	if len(f.Errors) > 0 {
		return c, f, &problem.Error{Kind: problem.Invalid, Message: "Some fields are not valid."}
	}
	return c, f, nil
}
