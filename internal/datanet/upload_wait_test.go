package datanet_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/picture"
	"github.com/allmende/allmende/internal/store"
	"github.com/allmende/allmende/internal/store/storetest"
)

// TestAbandonedUploadStopsWaitingForADecode: images are decoded a few at
// a time. An upload whose request is gone (the member closed the page,
// the server is shutting down) must stop waiting for a decode slot, not
// queue behind the others and decode for nobody.
func TestAbandonedUploadStopsWaitingForADecode(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	photos := e.datanet(t, "photos")
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 64, 48))); err != nil {
		t.Fatal(err)
	}
	// Every decode slot of the server's decoder is taken.
	release := make(chan struct{})
	var held, done sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) {
		held.Add(1)
		done.Go(func() {
			_ = picture.Use(context.Background(), buf.Bytes(), func(image.Image, string) error {
				held.Done()
				<-release
				return nil
			})
		})
	}
	held.Wait()
	defer done.Wait()
	defer close(release)

	sub, err := photos.ParseRecords(datanet.FormatJSON, strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	sub.Image = buf.Bytes()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	returned := make(chan error, 1)
	go func() {
		_, err := e.svc.Contribute(ctx, e.ada, "photos", sub, datanet.IntakeOptions{})
		returned <- err
	}()
	select {
	case err := <-returned:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("the abandoned upload returned %v, want the context's error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the abandoned upload is still waiting for a decode slot")
	}
}
