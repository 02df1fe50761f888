//go:build !(js && wasm)

package main

//go:generate go run .

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// targets are the folders, relative to the module root, that hold the
// module: the extension, whose copy the server's pages serve as well
// (internal/web/pages/static.go).
var targets = []string{"extension"}

const (
	wasmName = "privacy.wasm.gz"
	execName = "wasm_exec.js"
)

func main() {
	if err := generate(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "privacywasm:", err)
		os.Exit(1)
	}
}

// generate builds the module and writes it, compressed, with the loader
// support script of the same Go release, into every target folder.
func generate(ctx context.Context) error {
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	wasm, execJS, err := build(ctx, root)
	if err != nil {
		return err
	}
	gz, err := compress(wasm)
	if err != nil {
		return err
	}
	for _, t := range targets {
		dir := filepath.Join(root, filepath.FromSlash(t))
		if err := os.WriteFile(filepath.Join(dir, wasmName), gz, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, execName), execJS, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s/%s: %d bytes (%d uncompressed)\n", t, wasmName, len(gz), len(wasm))
	}
	return nil
}

func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run inside the allmende module")
	}
	return filepath.Dir(mod), nil
}

// build compiles this package for the browser, with every input that could
// make two builds differ pinned, and reads wasm_exec.js from the same Go.
func build(ctx context.Context, root string) (wasm, execJS []byte, err error) {
	tmp, err := os.MkdirTemp("", "privacywasm")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "privacy.wasm")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", out, "./cmd/privacywasm")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0", "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("go build for js/wasm: %w\n%s", err, stderr.String())
	}
	if wasm, err = os.ReadFile(out); err != nil {
		return nil, nil, err
	}
	goroot, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return nil, nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	execJS, err = os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", execName))
	return wasm, execJS, err
}

// compress gzips without a name or time in the header, so that the same
// module always gives the same bytes.
func compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
