package app

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"k8s.io/klog/v2"
)

// Tessera logs through klog, whose logger is one global. Setting it on
// every Open raced with the goroutines a closed log's Tessera still winds
// down (they log as they exit) whenever a process opens several Apps, as
// tests and the replicas of one test do. So klog is pointed once at
// klogHandler, and each Open only swaps the logger behind it.
var (
	klogTarget atomic.Pointer[slog.Logger]
	klogOnce   sync.Once
)

// routeKlog sends Tessera's klog lines to log from now on.
func routeKlog(log *slog.Logger) {
	klogTarget.Store(log)
	klogOnce.Do(func() { klog.SetSlogLogger(slog.New(klogHandler{})) })
}

// klogHandler hands records to the handler of the latest routeKlog's
// logger, with the attributes and groups klog added on the way.
type klogHandler struct {
	with func(slog.Handler) slog.Handler
}

func (h klogHandler) target() slog.Handler {
	t := klogTarget.Load().Handler()
	if h.with != nil {
		t = h.with(t)
	}
	return t
}

func (h klogHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.target().Enabled(ctx, l)
}

func (h klogHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.target().Handle(ctx, r)
}

func (h klogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return h.then(func(t slog.Handler) slog.Handler { return t.WithAttrs(as) })
}

func (h klogHandler) WithGroup(name string) slog.Handler {
	return h.then(func(t slog.Handler) slog.Handler { return t.WithGroup(name) })
}

func (h klogHandler) then(f func(slog.Handler) slog.Handler) slog.Handler {
	prev := h.with
	return klogHandler{with: func(t slog.Handler) slog.Handler {
		if prev != nil {
			t = prev(t)
		}
		return f(t)
	}}
}
