// privacy.js loads internal/privacy compiled to WebAssembly
// (cmd/privacywasm) so that personal data is found and replaced on this
// machine: window.allmendePrivacyReady resolves to
//   preview(text, {keep, hide}) → {text, spans, redacted, kept}
//   redact(text)                → {text, types}
// and rejects when the module cannot run here. wasm_exec.js (Go's
// support script) must be loaded before this one.
(function () {
  "use strict";
  const url = document.currentScript.dataset.module || "/static/privacy.wasm.gz";

  async function load() {
    if (typeof WebAssembly !== "object" || typeof DecompressionStream !== "function" || typeof Go !== "function") {
      throw new Error("this browser cannot run the redaction module (WebAssembly and DecompressionStream are needed)");
    }
    const resp = await fetch(url);
    if (!resp.ok) throw new Error("the redaction module did not load (" + resp.status + ")");
    const bytes = await new Response(resp.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    const go = new Go();
    const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
    go.run(instance); // runs main up to its wait; the functions are published by then
    const mod = globalThis.allmendePrivacy;
    if (!mod) throw new Error("the redaction module did not start");
    const answer = (json) => {
      const v = JSON.parse(json);
      if (v.error) throw new Error(v.error);
      return v;
    };
    return {
      preview: (text, decisions) => answer(mod.preview(text, JSON.stringify(decisions || {}))),
      redact: (text) => answer(mod.redact(text)),
    };
  }

  window.allmendePrivacyReady = load();
})();
