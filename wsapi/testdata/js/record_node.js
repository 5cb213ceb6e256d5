// Records Node's traces of every scenario:
//   node --experimental-websocket record_node.js <server> <dead>
// prints one line "TRACES {...}" (keys sorted), the same as record.html.
"use strict";

const fs = require("fs");
const path = require("path");
const { runAll } = require("./scenarios.js");

async function main() {
  const [server, dead] = process.argv.slice(2);
  if (!server || !dead) {
    console.error("usage: node --experimental-websocket record_node.js <server> <dead>");
    process.exit(2);
  }
  if (typeof WebSocket === "undefined") {
    console.error("no global WebSocket: run node with --experimental-websocket");
    process.exit(2);
  }
  const file = path.join(__dirname, "..", "scenarios.json");
  const { scenarios } = JSON.parse(fs.readFileSync(file, "utf8"));
  const traces = await runAll(scenarios, { server, dead, runtime: "node" });
  const sorted = {};
  for (const k of Object.keys(traces).sort()) sorted[k] = traces[k];
  console.log("TRACES " + JSON.stringify(sorted));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
