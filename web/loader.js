// Loads the Go program: wasm_exec.js (the Go toolchain's support code) is
// loaded first, then main.wasm is streamed into WebAssembly.instantiateStreaming
// while #loading shows how much has arrived. The program hides #loading when
// it has wired up the page; any failure shows in #load-error.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  // fail shows msg in #load-error, unless the program already said why it
  // stopped there.
  function fail(msg) {
    $("loading").hidden = true;
    const el = $("load-error");
    if (el.hidden) {
      el.textContent = msg;
      el.hidden = false;
    }
  }

  function size(n) {
    return n < 1e6 ? `${Math.round(n / 1e3)} kB` : `${(n / 1e6).toFixed(1)} MB`;
  }

  // counted returns a response that reports each chunk's bytes to onBytes
  // as instantiateStreaming reads it.
  function counted(resp, onBytes) {
    if (!resp.body) {
      return resp;
    }
    const reader = resp.body.getReader();
    let n = 0;
    const body = new ReadableStream({
      async pull(ctrl) {
        const { done, value } = await reader.read();
        if (done) {
          ctrl.close();
          return;
        }
        n += value.byteLength;
        onBytes(n);
        ctrl.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return new Response(body, { headers: { "Content-Type": "application/wasm" } });
  }

  async function load() {
    if (typeof Go !== "function") {
      throw new Error("wasm_exec.js did not load");
    }
    const go = new Go();
    let exitCode = 0;
    go.exit = (code) => {
      exitCode = code;
    };

    const resp = await fetch("main.wasm");
    if (!resp.ok) {
      throw new Error(`main.wasm: HTTP ${resp.status} ${resp.statusText}`.trim());
    }
    // The stream gives decoded bytes: a gzipped Content-Length is no total.
    const length = Number(resp.headers.get("Content-Length")) || 0;
    const total = resp.headers.get("Content-Encoding") ? 0 : length;
    const progress = $("loading-progress");
    const body = counted(resp, (n) => {
      progress.textContent = total
        ? `main.wasm: ${size(n)} of ${size(total)} (${Math.round((100 * n) / total)}%)`
        : `main.wasm: ${size(n)}`;
    });

    const { instance } = WebAssembly.instantiateStreaming
      ? await WebAssembly.instantiateStreaming(body, go.importObject)
      : await WebAssembly.instantiate(await body.arrayBuffer(), go.importObject);
    progress.textContent = "Starting…";
    // run settles when the program exits, which it does only on failure.
    go.run(instance).then(
      () => fail(`The Go program stopped (exit code ${exitCode}); the console says why.`),
      (e) => fail(`The Go program failed: ${e.message || e}`),
    );
  }

  load().catch((e) => {
    console.error("wsapi-demo:", e);
    fail(`The demo could not load: ${e.message || e}`);
  });
})();
