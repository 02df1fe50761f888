package extensiontest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/browsertest"
)

// The shipped manifest asks for no site and runs no content script by
// itself: sites are optional, granted one by one.
func TestManifestGrantsNoSite(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(Dir(), "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["host_permissions"]; ok {
		t.Errorf("host_permissions = %v: the recorder must hold no site until the member allows it", m["host_permissions"])
	}
	if _, ok := m["content_scripts"]; ok {
		t.Error("the manifest declares content scripts: they would run on every site granted, recording or not")
	}
	if fmt.Sprint(m["optional_host_permissions"]) != "[<all_urls>]" {
		t.Errorf("optional_host_permissions = %v", m["optional_host_permissions"])
	}
}

// With one site granted, the recorder records there; on a site it was not
// granted it has no script in the page, cannot start, and a recording
// that navigates there stops without a step of it. While nothing is
// recorded, no content script is registered at all.
func TestRecorderReadsNothingOnASiteNotGranted(t *testing.T) {
	t.Parallel()
	var port string // set before the first request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>%s</title><label>Name <input id="name"></label>
			<a id="away" href="http://other.test:%s/secret.html">elsewhere</a><p id="host">%s</p>`, r.Host, port, r.Host)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	port = u.Port()
	granted := fmt.Sprintf("http://granted.test:%s/form.html", port)
	other := fmt.Sprintf("http://other.test:%s/secret.html", port)

	ext := StartGranting(t, []string{"http://granted.test/*"})
	registered := func() int {
		return Eval[int](t, ext, `chrome.scripting.getRegisteredContentScripts().then(s => s.length)`)
	}
	// hasScript says whether the recorder's content script answers in a tab.
	hasScript := func(tabID int) bool {
		return Eval[bool](t, ext, fmt.Sprintf(`chrome.tabs.sendMessage(%d, {type: "ping"}, {frameId: 0}).then(r => !!(r && r.ok), () => false)`, tabID))
	}

	// Not granted: no script, no way in, and starting is refused saying why.
	page := ext.NewTab(t, other)
	tab := ext.TabID(t, page)
	if hasScript(tab) {
		t.Fatal("the content script runs on a site the recorder was not granted")
	}
	if n := registered(); n != 0 {
		t.Fatalf("%d content scripts registered while nothing is recorded", n)
	}
	injected := Eval[string](t, ext, fmt.Sprintf(`chrome.scripting.executeScript({target: {tabId: %d}, func: () => document.body.innerText}).then(r => "read: " + r[0].result, e => "refused: " + e.message)`, tab))
	if !strings.HasPrefix(injected, "refused") {
		t.Fatalf("the extension read a page of a site it was not granted: %s", injected)
	}
	var st struct {
		OK     bool   `json:"ok"`
		Reason string `json:"reason"`
		Site   string `json:"site"`
	}
	js := fmt.Sprintf(`chrome.runtime.sendMessage({type: "start", tabId: %d}).then(r => JSON.stringify(r))`, tab)
	if err := json.Unmarshal([]byte(Eval[string](t, ext, js)), &st); err != nil {
		t.Fatal(err)
	}
	if st.OK || !strings.Contains(st.Reason, "may not read other.test") || st.Site != "http://other.test/*" {
		t.Fatalf("start on a site not granted: %+v", st)
	}
	if hasScript(tab) || registered() != 0 {
		t.Fatal("a refused start left a content script behind")
	}
	popup := ext.Popup(t, page)
	if says := WaitText(t, popup, "#counts", "asks your browser to let the recorder read other.test"); says == "" {
		t.Fatal("the popup does not say that starting asks for the site")
	}
	browsertest.Screenshot(t, popup, "extension-popup-site-not-granted")
	ClosePopup(popup)

	// Granted: recording works; leaving for the other site stops it, and
	// nothing of that site is in the recording.
	page = ext.NewTab(t, granted)
	tab = ext.TabID(t, page)
	ext.Start(t, page)
	if n := registered(); n != 1 {
		t.Fatalf("%d content scripts registered while recording", n)
	}
	if !hasScript(tab) {
		t.Fatal("no content script on the granted site being recorded")
	}
	MoveClick(t, page, `document.querySelector("#name")`)
	Type(t, page, "Ada")
	MoveClick(t, page, `document.querySelector("#away")`)
	WaitText(t, page, "#host", "other.test")
	var status struct {
		State  string `json:"state"`
		Notice string `json:"notice"`
	}
	for i := 0; i < 100 && status.State != "idle"; i++ {
		js := fmt.Sprintf(`chrome.runtime.sendMessage({type: "status", tabId: %d}).then(r => JSON.stringify(r))`, tab)
		if err := json.Unmarshal([]byte(Eval[string](t, ext, js)), &status); err != nil {
			t.Fatal(err)
		}
	}
	if status.State != "idle" || !strings.Contains(status.Notice, "may not read other.test") {
		t.Fatalf("after leaving for a site not granted: %+v", status)
	}
	if hasScript(tab) {
		t.Fatal("the content script runs on the site not granted after the navigation")
	}
	if n := registered(); n != 0 {
		t.Fatalf("%d content scripts still registered after the recording stopped", n)
	}
	body := Eval[string](t, ext, `(async () => {
		const m = await import("./recording.js");
		const list = await m.listRecordings();
		return m.uploadText(await m.loadRecording(list[0].id));
	})()`)
	// The granted page links to the other (its outline has the link), but
	// nothing the other page says, nor a navigation to it, is recorded.
	if !strings.Contains(body, `"text": "granted.test:`) || strings.Contains(body, `"text": "other.test:`) || strings.Contains(body, `"url": "http://other.test`) {
		t.Fatalf("the recording:\n%s", body)
	}

	// The options page lists the site the recorder may read.
	if err := chromedp.Do(ext.ctx, chromedp.Navigate(ext.URL("options.html")), waitReady()); err != nil {
		t.Fatal(err)
	}
	WaitText(t, ext.ctx, "#granted", "http://granted.test/*")
	browsertest.Screenshot(t, ext.ctx, "extension-options-sites")
}
