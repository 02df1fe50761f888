package pages

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// The new-proposal form's option rows are named for people as its errors
// name them ("option 1: …" for the first row): a screen reader used to
// read the first row as "option 0".
func TestProposalRowsCountLikeTheirErrors(t *testing.T) {
	p := testPages(slog.New(slog.DiscardHandler))
	rows := make([]int, optionRows)
	for i := range rows {
		rows[i] = i
	}
	w := httptest.NewRecorder()
	err := p.render(w, httptest.NewRequest("GET", "/proposals/new", nil), 200, "proposal_new.html", "New proposal",
		map[string]any{"Form": form{Errors: map[string]string{"options": "option 1: not a negative amount: 0.00 or more"}}, "Rows": rows})
	if err != nil {
		t.Fatal(err)
	}
	body := w.Body.String()
	if strings.Contains(body, `aria-label="option 0"`) {
		t.Error(`a row is read as "option 0"`)
	}
	for n := 1; n <= optionRows; n++ {
		for _, label := range []string{"option %d", "value of option %d", "option %d changes nothing"} {
			want := fmt.Sprintf(`aria-label="`+label+`"`, n)
			if !strings.Contains(body, want) {
				t.Errorf("no field labelled %s", want)
			}
		}
	}
	// The fields keep their names, which the form reads from 0.
	if !strings.Contains(body, `name="option_0"`) || !strings.Contains(body, `name="value_0"`) {
		t.Errorf("the first row's fields lost their names: %.2000s", body)
	}
}
