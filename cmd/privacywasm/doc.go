// Command privacywasm is internal/privacy compiled to WebAssembly, so that
// personal data is found and replaced on the member's own machine: the
// contribute page and the recorder extension load it, and only redacted
// text leaves the browser. The server repeats the check on what arrives
// (internal/datanet's intake), with the same detector.
//
// Built for GOOS=js GOARCH=wasm it publishes globalThis.allmendePrivacy
// with preview(text, decisions) and redact(text), answering JSON (see
// handle). Run on the host, it rebuilds the committed artifacts in the
// extension (the pages serve that copy): privacy.wasm.gz and the
// wasm_exec.js of the same Go release:
//
//	go generate ./cmd/privacywasm
//
// The build is reproducible (-trimpath, -buildvcs=false, -ldflags=-s -w,
// gzip without name or time), and TestArtifactsAreFresh fails when a
// committed artifact is not what a fresh build gives.
package main
