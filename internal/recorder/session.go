package recorder

// One recording: open the page, set it up, start the recorder, wait for
// the end, stop and read what the review page would upload.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/allmende/allmende/internal/recording"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// startReply is the service worker's answer to start and stop.
type startReply struct {
	OK     bool   `json:"ok"`
	Reason string `json:"reason"`
	RecID  string `json:"recId"`
}

// record opens the page, starts recording and waits for its end. startCtx
// bounds the setup, ctx the rest.
func (b *browser) record(ctx, startCtx context.Context, o Options) ([]byte, error) {
	before, err := b.tabIDs(startCtx)
	if err != nil {
		return nil, err
	}
	tabCtx, cancelTab := chromedp.NewContext(b.ctx)
	defer cancelTab()
	err = chromedp.Do(tabCtx,
		// In a background tab focus and blur, which end a field's edit,
		// would not happen as they do for a person.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
			return err
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("opening a tab: %w", err)
	}
	tab := chromedp.FromContext(tabCtx).Target
	if _, err := runIn(startCtx, tabCtx, chromedp.Navigate(o.URL)); err != nil {
		return nil, fmt.Errorf("opening %s: %w", o.URL, err)
	}
	if strings.TrimSpace(o.InitScript) != "" {
		if _, err := runIn(startCtx, tabCtx, chromedp.Evaluate[any](o.InitScript, chromedp.EvalAwaitPromise)); err != nil {
			return nil, fmt.Errorf("the init script failed: %w", err)
		}
	}
	tabID, err := b.newTab(startCtx, before)
	if err != nil {
		return nil, err
	}
	st, err := control[startReply](startCtx, b, fmt.Sprintf(`chrome.runtime.sendMessage({type: "start", tabId: %d})`, tabID))
	if err != nil {
		return nil, fmt.Errorf("starting the recorder: %w", err)
	}
	if !st.OK {
		return nil, fmt.Errorf("the recorder refused to record %s: %s", o.URL, st.Reason)
	}
	if err := b.waitActive(startCtx, tabID); err != nil {
		return nil, err
	}
	if o.Started != nil {
		o.Started(tab.TargetID.String())
	}
	recCtx := ctx
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		recCtx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	if err := b.await(recCtx, tabCtx, tab.TargetID.String(), tabID, o); err != nil {
		return nil, err
	}
	// Stopping and reading the recording are bounded by ctx only: the
	// work is done, it must not be lost to the timeout.
	return b.finish(ctx, tabID, st.RecID, o.KeepValues)
}

// waitActive waits until the page's content script records and has
// reported the page's first outline, so that the first action is neither
// lost nor ahead of the outline of the page it acted on.
func (b *browser) waitActive(ctx context.Context, tabID int) error {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		st, err := b.status(ctx, tabID)
		if err != nil {
			return err
		}
		if st.State != "recording" {
			return fmt.Errorf("the recorder is %s, not recording", st.State)
		}
		if st.Active && st.Outlines > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(30 * time.Millisecond):
		}
	}
	return nil // a page that never finishes loading: record without its outline
}

// await waits until the recording should stop.
func (b *browser) await(ctx context.Context, tabCtx context.Context, target string, tabID int, o Options) error {
	poll := o.PollInterval
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	driven := make(chan error, 1)
	if o.Drive != nil {
		go func() { driven <- o.Drive(tabCtx) }()
	}
	stopWhen := strings.TrimSpace(o.StopWhen)
	var lastErr error
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case err := <-driven:
			if err != nil {
				return fmt.Errorf("driving the page: %w", err)
			}
			if stopWhen == "" {
				return nil
			}
			driven = nil
		case <-ctx.Done():
			switch {
			case !errors.Is(ctx.Err(), context.DeadlineExceeded):
				return ctx.Err()
			case stopWhen != "" && lastErr != nil:
				return fmt.Errorf("%w: --stop-when %q was never true (last error: %v)", ErrTimeout, stopWhen, lastErr)
			case stopWhen != "":
				return fmt.Errorf("%w: --stop-when %q was never true", ErrTimeout, stopWhen)
			default:
				return fmt.Errorf("%w: the tab was not closed", ErrTimeout)
			}
		case <-tick.C:
		}
		open, err := tabOpen(b.ctx, target)
		if err != nil {
			return err
		}
		if !open {
			return nil
		}
		// The recorder stops on its own at a sensitive site: say so rather
		// than wait for a condition on a page it no longer records.
		if st, err := b.status(ctx, tabID); err == nil && st.OK && st.State == "idle" {
			return fmt.Errorf("%w: %s", ErrStopped, st.Notice)
		}
		if stopWhen != "" {
			done, err := runIn(ctx, tabCtx, chromedp.Evaluate[bool]("!!("+stopWhen+"\n)", chromedp.EvalAwaitPromise))
			switch {
			case err == nil && done:
				return nil
			case err != nil && ctx.Err() == nil:
				lastErr = err // a page between two loads cannot answer; try again
			}
		}
	}
}

// finish stops the recording (when the tab is still open) and returns the
// JSON the review page would upload.
func (b *browser) finish(ctx context.Context, tabID int, recID string, keep bool) ([]byte, error) {
	// Stopping an already stopped recording (the tab was closed) is
	// refused; the recording is there all the same.
	if _, err := control[startReply](ctx, b, fmt.Sprintf(`chrome.runtime.sendMessage({type: "stop", tabId: %d})`, tabID)); err != nil {
		return nil, fmt.Errorf("stopping the recorder: %w", err)
	}
	js := fmt.Sprintf(`(async () => {
		const m = await import("./recording.js");
		for (let i = 0; i < 100; i++) {
			const rec = await m.loadRecording(%q);
			if (rec && rec.state === "stopped") {
				if (%t) m.keepAllValues(rec);
				const text = m.uploadText(rec);
				await m.removeRecording(rec.id); // the next recording starts clean
				return text;
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		return "";
	})()`, recID, keep)
	text, err := control[string](ctx, b, js)
	if err != nil {
		return nil, fmt.Errorf("reading the recording: %w", err)
	}
	if text == "" {
		return nil, errors.New("the recorder did not stop")
	}
	body := []byte(text)
	if _, err := recording.Parse(body); err != nil {
		return body, fmt.Errorf("the recording does not parse: %w", err)
	}
	return body, nil
}
