package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// worldName names the isolated world replay runs its queries in: the
// page's scripts cannot see it, and cannot break it by redefining globals
// or DOM methods.
const worldName = "__allmende_replay"

// tab is one page the replay drives: the page it opened, or a popup.
type tab struct {
	ctx    context.Context // chromedp context of the page
	cancel context.CancelFunc
	id     target.ID
	state  *tabState
	label  string // "main" or the popup's URL, for errors
	closed bool
}

// tabState is what the page's events tell about it, kept up to date by a
// listener that runs on chromedp's reading goroutine: frames, their
// documents and execution contexts, navigations and crashes.
type tabState struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever something changes

	mainFrame cdp.FrameID
	frames    map[cdp.FrameID]*frameState
	// worlds and pageWorlds are the execution contexts of Allmende's
	// isolated world and of the page's own scripts, per frame.
	worlds     map[cdp.FrameID]runtime.ExecutionContextID
	pageWorlds map[cdp.FrameID]runtime.ExecutionContextID
	contexts   map[string]contextInfo // by unique id, to forget destroyed ones
	crashed    bool
	// outlined are the isolated worlds outline.js has been evaluated in:
	// it stays defined there until the document goes, and with it the
	// world's id.
	outlined map[runtime.ExecutionContextID]bool

	// dialogs receives the JavaScript dialogs to accept; a goroutine does,
	// since the listener may not send commands.
	dialogs chan struct{}
}

type contextInfo struct {
	frame cdp.FrameID
	id    runtime.ExecutionContextID
}

// frameState follows one frame's navigations.
type frameState struct {
	url      string
	loaderID cdp.LoaderID
	loaded   bool // the load event of loaderID's document has fired
	// documents counts committed cross-document navigations, sameDocument
	// the history and fragment ones; both only grow.
	documents, sameDocument int
	// loading is set from a requested or started navigation until the frame
	// stops loading; requested is when it was requested.
	loading   bool
	requested time.Time
	started   bool
}

func newTabState() *tabState {
	return &tabState{
		changed:    make(chan struct{}),
		frames:     map[cdp.FrameID]*frameState{},
		worlds:     map[cdp.FrameID]runtime.ExecutionContextID{},
		pageWorlds: map[cdp.FrameID]runtime.ExecutionContextID{},
		contexts:   map[string]contextInfo{},
		outlined:   map[runtime.ExecutionContextID]bool{},
		dialogs:    make(chan struct{}, 1),
	}
}

// notify wakes everyone waiting for a change; call with mu held.
func (s *tabState) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *tabState) frame(id cdp.FrameID) *frameState {
	f := s.frames[id]
	if f == nil {
		f = &frameState{}
		s.frames[id] = f
	}
	return f
}

// handle updates the state from one event. It runs on chromedp's reading
// goroutine, so it must be quick and must not send commands.
func (s *tabState) handle(ev any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventExecutionContextCreated:
		var aux struct {
			FrameID   cdp.FrameID `json:"frameId"`
			IsDefault bool        `json:"isDefault"`
		}
		if e.Context == nil || json.Unmarshal(e.Context.AuxData, &aux) != nil || aux.FrameID == "" {
			return
		}
		switch {
		case e.Context.Name == worldName:
			s.worlds[aux.FrameID] = e.Context.ID
		case aux.IsDefault:
			s.pageWorlds[aux.FrameID] = e.Context.ID
		default:
			return
		}
		s.contexts[e.Context.UniqueID] = contextInfo{aux.FrameID, e.Context.ID}
	case *runtime.EventExecutionContextDestroyed:
		c, ok := s.contexts[e.ExecutionContextUniqueID]
		if !ok {
			return
		}
		delete(s.contexts, e.ExecutionContextUniqueID)
		if s.worlds[c.frame] == c.id {
			delete(s.worlds, c.frame)
		}
		if s.pageWorlds[c.frame] == c.id {
			delete(s.pageWorlds, c.frame)
		}
	case *runtime.EventExecutionContextsCleared:
		clear(s.worlds)
		clear(s.pageWorlds)
		clear(s.contexts)
	case *page.EventFrameNavigated:
		if e.Frame == nil {
			return
		}
		if e.Frame.ParentID == "" {
			s.mainFrame = e.Frame.ID
		}
		f := s.frame(e.Frame.ID)
		f.url = e.Frame.URL + e.Frame.URLFragment
		if f.loaderID != e.Frame.LoaderID {
			f.loaderID = e.Frame.LoaderID
			f.loaded = false
		}
		f.documents++
	case *page.EventNavigatedWithinDocument:
		f := s.frame(e.FrameID)
		f.url = e.URL
		f.sameDocument++
	case *page.EventLifecycleEvent:
		f := s.frame(e.FrameID)
		if e.Name == "load" && e.LoaderID == f.loaderID {
			f.loaded = true
		}
	case *page.EventFrameRequestedNavigation:
		if e.Disposition != page.ClientNavigationDispositionCurrentTab {
			return
		}
		f := s.frame(e.FrameID)
		if !f.loading {
			f.loading, f.requested, f.started = true, time.Now(), false
		}
	case *page.EventFrameStartedLoading:
		f := s.frame(e.FrameID)
		if !f.loading {
			f.requested = time.Now()
		}
		f.loading, f.started = true, true
	case *page.EventFrameStoppedLoading:
		s.frame(e.FrameID).loading = false
	case *page.EventFrameDetached:
		delete(s.frames, e.FrameID)
		delete(s.worlds, e.FrameID)
		delete(s.pageWorlds, e.FrameID)
	case *inspector.EventTargetCrashed:
		s.crashed = true
	case *page.EventJavascriptDialogOpening:
		select {
		case s.dialogs <- struct{}{}:
		default:
		}
		return
	default:
		return
	}
	s.notify()
}

// navState is a frame's navigation counters at one moment, to tell later
// whether it navigated since.
type navState struct {
	documents, sameDocument int
	url                     string
}

func (s *tabState) nav(frame cdp.FrameID) navState {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.frame(frame)
	return navState{f.documents, f.sameDocument, f.url}
}

// openTab opens a new page in a fresh browser context of browser (so a
// replay shares no cookies or storage with anything else the browser
// does), or attaches to an existing one when id is set.
func openTab(ctx, browser context.Context, id target.ID, label string) (*tab, error) {
	st := newTabState()
	opts := []chromedp.ContextOption{chromedp.WithListener(st.handle)}
	if id != "" {
		opts = append(opts, chromedp.WithTargetID(id))
	} else {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	tctx, cancel := chromedp.NewContext(browser, opts...)
	t := &tab{ctx: tctx, cancel: cancel, state: st, label: label}

	// The first run on a tab's context binds the tab's event loop to the
	// context it is given, so it must be the tab's own context; ctx only
	// bounds how long we wait for it.
	done := make(chan error, 1)
	go func() { done <- t.setup() }()
	select {
	case err := <-done:
		if err != nil {
			cancel()
			return nil, err
		}
	case <-ctx.Done():
		cancel()
		<-done
		return nil, fmt.Errorf("opening the page: %w", context.Cause(ctx))
	}
	go t.acceptDialogs()
	return t, nil
}

func (t *tab) setup() error {
	if err := chromedp.Do(t.ctx); err != nil {
		return fmt.Errorf("opening the page: %w", err)
	}
	t.id = chromedp.FromContext(t.ctx).Target.TargetID
	// Every new document gets the isolated world, so that its execution
	// context exists (and is reported) as soon as the document does.
	if _, err := chromedp.Call(t.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: "", WorldName: worldName,
	}); err != nil {
		return fmt.Errorf("preparing the page: %w", err)
	}
	tree, err := chromedp.Call(t.ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return fmt.Errorf("reading the page's frames: %w", err)
	}
	t.state.mu.Lock()
	if t.state.mainFrame == "" {
		t.state.mainFrame = tree.FrameTree.Frame.ID
		f := t.state.frame(t.state.mainFrame)
		f.url, f.loaderID, f.loaded = tree.FrameTree.Frame.URL, tree.FrameTree.Frame.LoaderID, true
	}
	t.state.mu.Unlock()
	return nil
}

// acceptDialogs accepts every alert, confirm, prompt and beforeunload
// dialog: a dialog blocks the page, and the Recorder records none.
func (t *tab) acceptDialogs() {
	for {
		select {
		case <-t.ctx.Done():
			return
		case <-t.state.dialogs:
			ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			cancel()
		}
	}
}

// frameID returns the frame a step acts in: the main frame, or the child
// frame the indexes lead to.
func (t *tab) frameID(ctx context.Context, path []int) (cdp.FrameID, error) {
	if len(path) == 0 {
		t.state.mu.Lock()
		id := t.state.mainFrame
		t.state.mu.Unlock()
		return id, nil
	}
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return "", err
	}
	ft := tree.FrameTree
	for depth, i := range path {
		if i >= len(ft.ChildFrames) {
			return "", errNotYet{fmt.Sprintf("frame %v: the page has no frame %v", path, path[:depth+1])}
		}
		ft = ft.ChildFrames[i]
	}
	return ft.Frame.ID, nil
}

// world returns the execution context of Allmende's isolated world in a
// frame, creating it if the frame's document has none yet.
func (t *tab) world(ctx context.Context, frame cdp.FrameID) (runtime.ExecutionContextID, error) {
	t.state.mu.Lock()
	id, ok := t.state.worlds[frame]
	t.state.mu.Unlock()
	if ok {
		return id, nil
	}
	res, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{
		FrameID: frame, WorldName: worldName, GrantUniveralAccess: new(true),
	})
	if err != nil {
		return 0, err
	}
	return res.ExecutionContextID, nil
}

// pageWorld returns the execution context of the page's own scripts in a
// frame; 0 for the main frame, which Runtime.evaluate uses by default.
func (t *tab) pageWorld(frame cdp.FrameID) (runtime.ExecutionContextID, error) {
	t.state.mu.Lock()
	defer t.state.mu.Unlock()
	if frame == t.state.mainFrame {
		return 0, nil
	}
	id, ok := t.state.pageWorlds[frame]
	if !ok {
		return 0, errNotYet{"the frame's document has no scripts yet"}
	}
	return id, nil
}

// changes returns the channel that closes at the next change.
func (t *tab) changes() <-chan struct{} {
	t.state.mu.Lock()
	defer t.state.mu.Unlock()
	return t.state.changed
}

// crashed reports whether the page's renderer crashed.
func (t *tab) crashed() bool {
	t.state.mu.Lock()
	defer t.state.mu.Unlock()
	return t.state.crashed
}

// settle waits, at most until ctx ends, for a navigation the last action
// started in the frame to finish loading. A navigation that was requested
// but has not started loading after a second was cancelled (by the page,
// or because it was a download).
func (t *tab) settle(ctx context.Context, frame cdp.FrameID) {
	for {
		t.state.mu.Lock()
		f := t.state.frame(frame)
		busy := f.loading && (f.started || time.Since(f.requested) < time.Second)
		ch := t.state.changed
		t.state.mu.Unlock()
		if !busy {
			return
		}
		timer := time.NewTimer(100 * time.Millisecond)
		select {
		case <-ch:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return
		}
		timer.Stop()
	}
}

// errNotYet is a condition that may change while a step waits: no such
// frame yet, no element yet.
type errNotYet struct{ msg string }

func (e errNotYet) Error() string { return e.msg }

func isNotYet(err error) bool {
	var n errNotYet
	return errors.As(err, &n)
}
