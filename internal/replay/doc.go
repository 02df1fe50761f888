// Package replay plays recordings (package recording: Chrome DevTools
// Recorder JSON) back in headless Chromium over the DevTools protocol, the
// way @puppeteer/replay's PuppeteerRunnerExtension does, with real input:
// clicks are Input.dispatchMouseEvent at the recorded offset in the
// element, typing is Input.insertText over the field's selected contents,
// keys are Input.dispatchKeyEvent.
//
// Each step waits, up to its timeout, for what it needs: an element that
// one of its selector alternatives finds (tried in order; "aria/" by the
// accessibility tree as Chrome computes it, "text/", "xpath/", "pierce/"
// and CSS by a script in an isolated world the page cannot see), visible
// and enabled where the action needs it; a frame; a popup; a navigation
// the step asserts, whose URL and title are then checked. A step that
// cannot do its work within its timeout fails with what it tried, and
// every step after it is skipped. Every wait has a deadline, so a page
// that never answers, a renderer that crashes or a browser that dies ends
// the replay with a failed step, never a hang. After a replay whose steps
// all succeeded, Options.Report reads the page it ended on (what a flow
// ended with: a tracking number, a confirmation) into Result.Report.
//
// Limits: frames are followed within one renderer process only (same-site
// iframes; a cross-site iframe runs out of process in Chromium and is not
// reached), shadow roots must be open, and "deviceType" is read but clicks
// are always mouse clicks, as in the reference runner.
package replay
