// Node ws servers for the wsapi interop suite: the npm package ws, at the
// version ci/setup.sh installs, found through NODE_PATH.
//
//   NODE_PATH=<dir>/node_modules node node_server.js
//
// Serves each configuration below on a port of its own on 127.0.0.1,
// prints one line, READY {"node-default": "http://127.0.0.1:PORT", ...},
// and runs until it is killed or its standard input closes. The paths are
// python_server.py's (/echo, /close, /observe, with ?id=), with
// /terminate in place of /raise: the server drops TCP (ws.terminate()).
// With ?wire=1, /echo adds "deflated" to the recv line of a message that
// came compressed (RSV1), as ws's receiver saw it.
"use strict";

const { WebSocketServer } = require("ws");

const CONFIGS = {
  // ws's defaults: no permessage-deflate.
  "node-default": {},
  "node-deflate": { perMessageDeflate: true },
  "node-deflate-small": {
    perMessageDeflate: { serverMaxWindowBits: 10, clientMaxWindowBits: 10, threshold: 0 },
  },
  "node-deflate-no-takeover": {
    perMessageDeflate: { serverNoContextTakeover: true, clientNoContextTakeover: true, threshold: 0 },
  },
  "node-maxpayload": { maxPayload: 1024 },
  "node-protocols": {
    handleProtocols: (protocols) => (protocols.has("chat.v2") ? "chat.v2" : false),
  },
};

const lines = new Map(); // id -> [observation line]
const active = new Map(); // id -> handlers running

function record(id, line) {
  if (!lines.has(id)) lines.set(id, []);
  lines.get(id).push(line);
}

function observe(ws, id, tries) {
  if (active.get(id) && tries < 300) {
    setTimeout(() => observe(ws, id, tries + 1), 10);
    return;
  }
  for (const line of lines.get(id) || []) ws.send(line);
  lines.delete(id);
  ws.close(1000);
}

function connection(ws, req) {
  const url = new URL(req.url, "http://x");
  const id = url.searchParams.get("id") || "";
  if (url.pathname === "/observe") {
    observe(ws, id, 0);
    return;
  }
  active.set(id, (active.get(id) || 0) + 1);
  const h = (name) => {
    const v = req.headersDistinct[name.toLowerCase()];
    return JSON.stringify(v ? v.join(", ") : "");
  };
  record(id, "request protocols=" + h("Sec-WebSocket-Protocol") + " extensions=" + h("Sec-WebSocket-Extensions"));
  ws.on("error", () => {});
  ws.on("close", (code, reason) => {
    record(id, code === 1006 ? "gone" : "close " + code + " " + JSON.stringify(reason.toString()));
    active.set(id, active.get(id) - 1);
  });
  switch (url.pathname) {
    case "/echo":
      ws.on("message", (data, isBinary) => {
        // The receiver emits a message before it reads the next frame's
        // header: _compressed (ws's own) is still this message's RSV1.
        const mark = url.searchParams.get("wire") === "1" && ws._receiver._compressed ? " deflated" : "";
        record(id, "recv " + (isBinary ? "binary" : "text") + " " + data.length + mark);
        ws.send(data, { binary: isBinary });
      });
      break;
    case "/close":
      ws.close(Number(url.searchParams.get("code") || 1000), url.searchParams.get("reason") || "");
      break;
    case "/terminate":
      ws.terminate();
      break;
    default:
      ws.close(4404, "no such path");
  }
}

async function main() {
  const servers = {};
  for (const [name, opts] of Object.entries(CONFIGS)) {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, ...opts });
    await new Promise((resolve) => wss.on("listening", resolve));
    wss.on("connection", connection);
    servers[name] = "http://127.0.0.1:" + wss.address().port;
  }
  console.log("READY " + JSON.stringify(servers));
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
