// The privacy module, internal/privacy compiled to WebAssembly
// (cmd/privacywasm, the same build the contribute page loads): personal
// data in what the upload keeps — a parameter's default, a kept value, a
// page's words in an outline — is replaced here, before anything leaves the
// browser; the server checks again. The page must load wasm_exec.js (Go's
// support script) first, and the manifest allows 'wasm-unsafe-eval' for the
// extension's pages.

export async function loadPrivacy() {
  if (typeof Go !== "function" || typeof WebAssembly !== "object" || typeof DecompressionStream !== "function") {
    throw new Error("this browser cannot run the privacy module");
  }
  const resp = await fetch(chrome.runtime.getURL("privacy.wasm.gz"));
  if (!resp.ok) {
    throw new Error(`the privacy module did not load (${resp.status})`);
  }
  const bytes = await new Response(resp.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  const go = new Go();
  const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
  go.run(instance); // publishes globalThis.allmendePrivacy, then waits for calls
  const mod = globalThis.allmendePrivacy;
  if (!mod) {
    throw new Error("the privacy module did not start");
  }
  // An outline repeats the same words on many pages: each text crosses
  // into the module once.
  const seen = new Map();
  return {
    redact(text) {
      let out = seen.get(text);
      if (out === undefined) {
        const v = JSON.parse(mod.redact(text));
        if (v.error) {
          throw new Error(v.error);
        }
        out = v.text;
        seen.set(text, out);
      }
      return out;
    },
  };
}
