package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// report evaluates opts.Report on the page the replay ended on: the page
// its last step acted on, or the main page if that step closed its own.
// The expression runs in Allmende's isolated world of the page's main
// frame, after a navigation the last step started has loaded: it sees the
// document (elements, their values and text), not the page's script
// globals, and the page's scripts cannot redefine what it calls.
func (r *runner) report(ctx context.Context) (json.RawMessage, error) {
	t := r.last
	if t == nil || t.closed {
		t = r.main
	}
	if t.closed {
		return nil, errors.New("the replay closed every page it opened; there is no page to read")
	}
	rctx, cancel := context.WithTimeout(t.ctx, r.opts.StepTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	frame := t.mainFrame()
	t.settle(rctx, frame)
	var value json.RawMessage
	var thrown error
	err := r.poll(rctx, t, func() (bool, error) {
		world, err := t.world(rctx, frame)
		if err != nil {
			return false, err
		}
		res, err := chromedp.Call(rctx, runtime.Evaluate, runtime.EvaluateParams{
			Expression: r.opts.Report, ContextID: world, ReturnByValue: new(true), AwaitPromise: new(true), Silent: new(true),
		})
		if err != nil {
			return false, err
		}
		if res.ExceptionDetails != nil {
			// A script error is the expression's, not a document that
			// went away: waiting would not change it.
			thrown = exceptionError(res.ExceptionDetails)
			return true, nil
		}
		value = json.RawMessage("null")
		if res.Result != nil && res.Result.Value != nil {
			value = json.RawMessage(res.Result.Value)
		}
		return true, nil
	})
	switch {
	case thrown != nil:
		return nil, fmt.Errorf("the report expression failed: %s", thrown.Error())
	case err != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("stopped: %w", context.Cause(ctx))
	case err != nil:
		return nil, fmt.Errorf("reading the page the replay ended on: %w", err)
	}
	return value, nil
}
