package extensiontest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/recording"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// A member records work on a page with a table and a list: each step's
// target says where it stood (the row named Bea, the second fruit), the
// outlines say what the pages showed, typed values stay masked and the PIN
// is never read; the review page shows the outlines and removes them, one
// or all.
func TestRecordTargetsAndOutlines(t *testing.T) {
	t.Parallel()
	shop, _ := pages(t)
	ext := Start(t)

	page := ext.NewTab(t, shop+"/team.html")
	ext.Start(t, page)
	MoveClick(t, page, `document.querySelectorAll("#people tbody tr")[1].querySelector("button")`)
	WaitText(t, page, "#editing", "Bea")
	MoveClick(t, page, `document.querySelectorAll("#fruit input")[1]`)
	MoveClick(t, page, el("#note"))
	TypeByHand(t, page, "pink flamingo")
	MoveClick(t, page, el("#pin"))
	Type(t, page, "9931")
	MoveClick(t, page, el("#save"))
	WaitText(t, page, "h1", "Thank you")
	review := ext.Stop(t, page)
	body := ext.ReviewJSON(t, review)

	rec, err := recording.Parse([]byte(body))
	if err != nil {
		t.Fatalf("the review's JSON does not parse: %v\n%s", err, body)
	}
	for _, secret := range []string{"pink flamingo", "flamingo", "9931"} {
		if strings.Contains(body, secret) {
			t.Errorf("the upload contains %q", secret)
		}
	}
	x := rec.Allmende
	target := func(ok func(recording.Target) bool) *recording.Target {
		for i := range x.Targets {
			if ok(x.Targets[i]) {
				return &x.Targets[i]
			}
		}
		return nil
	}
	edit := target(func(tg recording.Target) bool { return tg.Role == "button" && tg.Name == "Edit" })
	if edit == nil || edit.Place == nil {
		t.Fatalf("no target with a place for the Edit click: %+v", x.Targets)
	}
	// Names and places in what is uploaded are replaced on the review page
	// (the privacy module): Bea's row is keyed by "<PERSON>", her city is
	// "<LOCATION>".
	if p := edit.Place; p.Row != 1 || p.RowKey != "<PERSON>" || p.Column != 2 || p.ColumnHeader != "Action" {
		t.Errorf("the Edit click's place = %+v, want row 1 (Bea), column 2 (Action)", *p)
	}
	if edit.Heading != "Team" || edit.Landmark == "" {
		t.Errorf("the Edit click's heading %q, landmark %q", edit.Heading, edit.Landmark)
	}
	figs := target(func(tg recording.Target) bool { return tg.Role == "checkbox" })
	if figs == nil || figs.Label != "Figs" || figs.Place == nil || figs.Place.Index != 1 || figs.Place.Of != 3 {
		t.Errorf("the Figs target should be the 2nd of 3 checkboxes labelled Figs: %+v", figs)
	} else if figs.Checked == nil || !*figs.Checked || figs.Attributes["value"] != "figs" {
		t.Errorf("the Figs target should be checked, value figs: %+v", figs)
	}
	note := target(func(tg recording.Target) bool {
		return tg.Label == "Note" && rec.Steps[tg.Step].Type == recording.StepChange
	})
	if note == nil || !note.Masked || note.Value != "" {
		t.Errorf("the Note field's target must be masked: %+v", note)
	}
	pin := target(func(tg recording.Target) bool { return tg.Label == "PIN" })
	if pin == nil || !pin.Sensitive || !pin.Masked {
		t.Errorf("the PIN field's target must be sensitive: %+v", pin)
	}

	if len(x.Outlines) != 2 {
		t.Fatalf("%d outlines, want the team page's and the thank-you page's", len(x.Outlines))
	}
	team, done := x.Outlines[0], x.Outlines[1]
	if team.Before != 0 || !outlineHas(team, "td", "<LOCATION>") || !outlineHas(team, "p", `Give <PERSON> a note and tick "Figs".`) {
		t.Errorf("the team page's outline lacks the table or the task: %+v", team)
	}
	if edit.Ref < 0 || team.Nodes[edit.Ref].Name != "Edit" || team.Nodes[edit.Ref].Place.RowKey != "<PERSON>" {
		t.Errorf("the Edit target's ref %d is not Bea's Edit button in the outline", edit.Ref)
	}
	for _, n := range team.Nodes {
		if n.Label == "PIN" && (!n.Sensitive || n.Value != "") {
			t.Errorf("the PIN field in the outline: %+v", n)
		}
	}
	if !strings.Contains(done.URL, "/done.html") || !outlineHas(done, "h1", "Thank you for your order") {
		t.Errorf("the second outline should be the thank-you page: %s", done.URL)
	}
	if done.Before <= edit.Step {
		t.Errorf("the thank-you page's outline is before step %d, not after the steps on the team page", done.Before)
	}

	// The review page: each step says what it acted on, each outline is
	// listed, and the member can look inside and remove them.
	WaitText(t, review, `#steps li[data-index="`+fmt.Sprint(edit.Step)+`"] .target`, `row 2 “<PERSON>”, column 3 “Action”`)
	WaitText(t, review, "#outline-count", "(2)")
	WaitText(t, review, `#outlines li[data-before="0"] .where`, "At the start: Team — notes")
	do(t, review, chromedp.Click(chromedp.CSS(`#outlines li[data-before="0"] summary`)))
	WaitText(t, review, `#outlines li[data-before="0"] .nodes`, `cell “<LOCATION>” · row 2 “<PERSON>”, column 2 “City”`)
	WaitText(t, review, `#outlines li[data-before="0"] .nodes`, `textbox “PIN” (sensitive: never read)`)
	for _, w := range []int64{1280, 390} {
		resize(t, review, w)
		shot(t, review, fmt.Sprintf("review-outlines-%d", w))
		// The open outline, as the member sees it on the screen.
		do(t, review, chromedp.Evaluate[chromedp.Void](`document.querySelector("#outlines").scrollIntoView()`))
		png, err := chromedp.Run(review, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", savePNG(t, fmt.Sprintf("extension-review-outline-open-%d", w), png))
	}
	resize(t, review, 1280)

	do(t, review, chromedp.Click(chromedp.CSS(`#outlines li[data-before="0"] .remove-outline`)))
	WaitText(t, review, "#outline-count", "(1)")
	after := recordingOf(t, ext.ReviewJSON(t, review))
	if n := len(after.Allmende.Outlines); n != 1 || after.Allmende.Outlines[0].Before != done.Before {
		t.Errorf("after removing the first outline the upload has %d, want only the thank-you page's", n)
	}
	do(t, review, chromedp.Click(chromedp.ID("remove-outlines")))
	WaitText(t, review, "#outline-count", "(0)")
	WaitText(t, review, "#outlines-hint", "No page outlines")
	if final := ext.ReviewJSON(t, review); strings.Contains(final, `"outlines"`) {
		t.Errorf("after removing all outlines the upload still has some:\n%s", final)
	}
	shot(t, review, "review-outlines-removed")
}

func recordingOf(t *testing.T, body string) recording.Recording {
	t.Helper()
	r, err := recording.Parse([]byte(body))
	if err != nil {
		t.Fatalf("the review's JSON does not parse: %v", err)
	}
	return r
}

func outlineHas(o recording.Outline, tag, text string) bool {
	for _, n := range o.Nodes {
		if n.Tag == tag && n.Text == text {
			return true
		}
	}
	return false
}

// resize makes the page as wide as a screen of width CSS pixels.
func resize(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: 900, DeviceScaleFactor: 1, Mobile: width < 600,
		})
		return err
	}))
}

// savePNG keeps a screenshot beside browsertest.Screenshot's.
func savePNG(t *testing.T, name string, png []byte) string {
	t.Helper()
	dir := os.Getenv("ALLMENDE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Messages that arrive after the page has loaded are in the outline of the
// page the member acted on: the page is outlined again before the first
// step on it, and the step's target points into that outline.
func TestOutlineShowsLateContent(t *testing.T) {
	t.Parallel()
	shop, _ := pages(t)
	ext := Start(t)
	page := ext.NewTab(t, shop+"/late.html")
	ext.Start(t, page)
	// The recorder outlines the page soon after it starts; the messages
	// come later.
	time.Sleep(700 * time.Millisecond)
	do(t, page, chromedp.Evaluate[chromedp.Void](`deliver()`))
	WaitText(t, page, "#status", "3 messages")
	MoveClick(t, page, `document.querySelectorAll("#mail button")[1]`)
	WaitText(t, page, "#status", "Opened Lunch on Friday")
	rec := recordingOf(t, ext.ReviewJSON(t, ext.Stop(t, page)))
	x := rec.Allmende
	if len(x.Outlines) != 1 || len(x.Targets) != 1 {
		t.Fatalf("%d outlines, %d targets; want one of each", len(x.Outlines), len(x.Targets))
	}
	o, tg := x.Outlines[0], x.Targets[0]
	if !outlineHas(o, "p", "3 messages") || outlineHas(o, "p", "Loading messages…") {
		t.Errorf("the outline is of the page before its messages came:\n%+v", o.Nodes)
	}
	if tg.Ref < 0 || o.Nodes[tg.Ref].Name != "Lunch on Friday" {
		t.Fatalf("the target's ref %d is not the clicked message's node", tg.Ref)
	}
	if tg.Place == nil || tg.Place.Index != 1 || tg.Place.Of != 3 || *tg.Place != *o.Nodes[tg.Ref].Place {
		t.Errorf("the target's place %+v should be the outline node's, 2nd of 3", tg.Place)
	}
}
