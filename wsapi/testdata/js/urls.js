// urls.js records how a runtime's own WebSocket validates its arguments:
// the URL step of `new WebSocket(url)`, the protocols step of
// `new WebSocket(url, protocols)`, and the argument check of
// `close(code, reason)`. The recordings are the expected values of
// wsapi/validate_test.go: Chrome's are held against parseURL, checkProtocols
// and checkClose; Node's (undici) are kept beside them to show where the two
// browsers' engines differ.
//
// Each record function takes the inputs as JSON (wsapi/testdata/
// {urls,protocols,close}_input.json) and returns one row per input:
//   urls:      {input, url} or {input, error: <exception name>}
//   protocols: {input, ok: true} or {input, error}
//   close:     {input: [code, reason], ok: true} or {input, error}
// Every socket is closed right after construction; the hosts in the inputs
// are loopback addresses or names that do not resolve (".invalid").
//
// Re-record, from the repository root (/work/main):
//
//   Node 20 (undici):
//     for k in urls protocols close; do
//       node --experimental-websocket wsapi/testdata/js/urls.js $k \
//         wsapi/testdata/${k}_input.json > wsapi/testdata/node/$k.json
//     done
//
//   Chrome (a file:// page has no http(s) base, so relative inputs fail as
//   they do natively; the page replaces its body with the base64 of the
//   result so --dump-dom cannot mangle it):
//     d=$(mktemp -d); cp wsapi/testdata/js/urls.js "$d/"
//     for k in urls protocols close; do
//       { echo "document.body.textContent = '@@' + btoa(unescape("
//         echo "encodeURIComponent(formatRows(record('$k', "
//         cat wsapi/testdata/${k}_input.json
//         echo '))))) + "@@";'
//       } > "$d/run-$k.js"
//       echo "<meta charset=utf-8><body><script src=urls.js></script><script src=run-$k.js></script>" \
//         > "$d/$k.html"
//       chromium --headless --no-sandbox --disable-gpu \
//         --disable-background-networking --disable-component-update \
//         --disable-sync --no-first-run --disable-quic \
//         --user-data-dir="$d/profile" --dump-dom "file://$d/$k.html" \
//         2>/dev/null | sed -n 's/.*@@\(.*\)@@.*/\1/p' | base64 -d \
//         > wsapi/testdata/chrome/$k.json
//     done
//     rm -rf "$d"
"use strict";

// A URL where the protocols and close recordings open their sockets: the
// name never resolves, so nothing leaves the machine.
const recordTarget = "ws://example.invalid/";

function errorName(e) {
  return e && e.name ? e.name : String(e);
}

function recordURLs(inputs) {
  return inputs.map((input) => {
    try {
      const ws = new WebSocket(input);
      const url = ws.url;
      ws.close();
      return { input, url };
    } catch (e) {
      return { input, error: errorName(e) };
    }
  });
}

function recordProtocols(inputs) {
  return inputs.map((input) => {
    try {
      new WebSocket(recordTarget, input).close();
      return { input, ok: true };
    } catch (e) {
      return { input, error: errorName(e) };
    }
  });
}

function recordClose(inputs) {
  return inputs.map((input) => {
    const ws = new WebSocket(recordTarget);
    try {
      ws.close(input[0], input[1]);
      return { input, ok: true };
    } catch (e) {
      return { input, error: errorName(e) };
    } finally {
      ws.close();
    }
  });
}

function record(kind, inputs) {
  switch (kind) {
    case "urls":
      return recordURLs(inputs);
    case "protocols":
      return recordProtocols(inputs);
    case "close":
      return recordClose(inputs);
  }
  throw new Error("unknown kind " + kind);
}

// formatRows writes one row a line, so a re-recording diffs row by row.
// Invisible and ambiguous characters are escaped as \uXXXX.
function formatRows(rows) {
  const esc = (s) =>
    s.replace(
      /[\u007f-\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u3000\ufeff\ufff0-\uffff]/g,
      (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
    );
  return "[\n" + rows.map((r) => esc(JSON.stringify(r))).join(",\n") + "\n]\n";
}

if (typeof module !== "undefined" && require.main === module) {
  const [kind, file] = process.argv.slice(2);
  const inputs = JSON.parse(require("fs").readFileSync(file, "utf8"));
  process.stdout.write(formatRows(record(kind, inputs)), () => process.exit(0));
}
