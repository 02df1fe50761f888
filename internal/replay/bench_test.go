package replay

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/allmende/allmende/internal/recording"
)

// BenchmarkReplay replays the conformance recordings one after another in
// a shared browser and reports steps per second. As the baseline it
// replays, in the same run, recordings that only load the same pages (their
// navigate steps): the difference is what finding elements, real input and
// the waits cost on top of Chromium loading the pages.
//
//	go test ./internal/replay -run '^$' -bench Replay -benchtime 5x
func BenchmarkReplay(b *testing.B) {
	browser := testBrowser(b)
	s := newSite(b)
	var full, loads []recording.Recording
	steps, navs := 0, 0
	for _, c := range conformance {
		rec := s.recordingFor(b, c.name)
		full = append(full, rec)
		steps += len(rec.Steps)
		nav := recording.Recording{Title: rec.Title}
		for _, st := range rec.Steps {
			if st.Type == recording.StepNavigate {
				nav.Steps = append(nav.Steps, st)
			}
		}
		loads = append(loads, nav)
		navs += len(nav.Steps)
	}
	play := func(list []recording.Recording) time.Duration {
		start := time.Now()
		for _, rec := range list {
			res, err := RunIn(b.Context(), browser, rec, Options{})
			if err != nil || !res.OK {
				b.Fatalf("%s: %v\n%s", rec.Title, err, describe(res))
			}
		}
		return time.Since(start)
	}
	var tFull, tLoads time.Duration
	for b.Loop() {
		tFull += play(full)
		tLoads += play(loads)
	}
	b.ReportMetric(float64(steps*b.N)/tFull.Seconds(), "steps/s")
	b.ReportMetric(float64(tFull.Milliseconds())/float64(steps*b.N), "ms/step")
	b.ReportMetric(float64(navs*b.N)/tLoads.Seconds(), "baseline-page-loads/s")
	// What a step other than a page load adds, over the baseline.
	b.ReportMetric(float64((tFull-tLoads).Milliseconds())/float64((steps-navs)*b.N), "ms/step-beyond-loads")
	b.ReportMetric(tFull.Seconds()/float64(b.N), "s/suite")
	b.ReportMetric(tLoads.Seconds()/float64(b.N), "baseline-s/suite")
}

// BenchmarkLookAgain is what an executor pays to look at a page it has
// not touched: a fresh capture against asking whether the last one still
// holds (ratio printed as capture/unchanged).
func BenchmarkLookAgain(b *testing.B) {
	s := newSite(b)
	ctx, cancel := chromedp.NewContext(testBrowser(b), chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/tree.html")); err != nil {
		b.Fatal(err)
	}
	o, err := CaptureOutline(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var capture, check time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := CaptureOutline(ctx); err != nil {
			b.Fatal(err)
		}
		capture += time.Since(start)
		start = time.Now()
		if _, err := Unchanged(ctx, o); err != nil {
			b.Fatal(err)
		}
		check += time.Since(start)
	}
	b.ReportMetric(float64(capture.Microseconds())/float64(b.N), "capture-µs/op")
	b.ReportMetric(float64(check.Microseconds())/float64(b.N), "unchanged-µs/op")
	b.ReportMetric(float64(capture)/float64(check), "capture/unchanged")
}
