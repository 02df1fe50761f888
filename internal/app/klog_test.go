package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"k8s.io/klog/v2"
)

// TestKlogGoesToTheLatestLogger: Tessera's klog lines reach the logger of
// the App opened last, without klog's global being set again.
func TestKlogGoesToTheLatestLogger(t *testing.T) {
	var first, second bytes.Buffer
	routeKlog(slog.New(slog.NewTextHandler(&first, nil)))
	klog.InfoS("to the first", "k", "v1")
	routeKlog(slog.New(slog.NewTextHandler(&second, nil)))
	klog.InfoS("to the second", "k", "v2")
	klog.Flush()
	if got := first.String(); !strings.Contains(got, "to the first") || !strings.Contains(got, "k=v1") || strings.Contains(got, "second") {
		t.Errorf("first logger got %q", got)
	}
	if got := second.String(); !strings.Contains(got, "to the second") || !strings.Contains(got, "k=v2") || strings.Contains(got, "to the first") {
		t.Errorf("second logger got %q", got)
	}
}
