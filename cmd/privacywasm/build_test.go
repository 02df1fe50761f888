//go:build !(js && wasm)

package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestArtifactsAreFresh builds the module as `go generate` does and fails
// when a committed artifact differs: the browser would otherwise redact
// with another detector than the server checks with.
func TestArtifactsAreFresh(t *testing.T) {
	root, err := moduleRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wasm, execJS, err := build(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range targets {
		dir := filepath.Join(root, filepath.FromSlash(target))
		gz, err := os.ReadFile(filepath.Join(dir, wasmName))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatalf("%s/%s: %v", target, wasmName, err)
		}
		committed, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s/%s: %v", target, wasmName, err)
		}
		if !bytes.Equal(committed, wasm) {
			t.Errorf("%s/%s is not what a fresh build of internal/privacy gives (%d bytes, fresh %d); run `go generate ./cmd/privacywasm` and commit it", target, wasmName, len(committed), len(wasm))
		}
		if again, err := compress(wasm); err != nil || !bytes.Equal(again, gz) {
			t.Errorf("%s/%s is not compressed as `go generate ./cmd/privacywasm` compresses it (err %v)", target, wasmName, err)
		}
		js, err := os.ReadFile(filepath.Join(dir, execName))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(js, execJS) {
			t.Errorf("%s/%s is not the wasm_exec.js of this Go release; run `go generate ./cmd/privacywasm`", target, execName)
		}
	}
}
