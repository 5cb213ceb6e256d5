// Records Node's traces of every scenario:
//   node --experimental-websocket record_node.js <server> <dead> [<list> <servers>]
// prints one line "TRACES {...}" (keys sorted), the same as record.html.
// <list> is a scenario file of testdata (scenarios.json by default), and
// <servers> the JSON map of the interop scenarios' third-party servers.
"use strict";

const fs = require("fs");
const path = require("path");
const { runAll } = require("./scenarios.js");

async function main() {
  const [server, dead, list = "scenarios.json", servers = "{}"] = process.argv.slice(2);
  if (!server || !dead) {
    console.error("usage: node --experimental-websocket record_node.js <server> <dead>");
    process.exit(2);
  }
  if (typeof WebSocket === "undefined") {
    console.error("no global WebSocket: run node with --experimental-websocket");
    process.exit(2);
  }
  const file = path.join(__dirname, "..", list);
  const { scenarios } = JSON.parse(fs.readFileSync(file, "utf8"));
  const traces = await runAll(scenarios, { server, dead, servers: JSON.parse(servers), runtime: "node" });
  const sorted = {};
  for (const k of Object.keys(traces).sort()) sorted[k] = traces[k];
  console.log("TRACES " + JSON.stringify(sorted));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
