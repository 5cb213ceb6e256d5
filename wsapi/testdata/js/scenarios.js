// Scenario interpreter for wsapi/testdata/scenarios.json, in plain
// JavaScript so that the very same code drives Chrome's WebSocket (the
// reference) and Node's. Its output, a trace of lines, is what the Go
// runners must reproduce byte for byte, so every line format here follows
// the design notes exactly and nothing depends on timing.
//
// Usage: wsapiScenarios.run(scenario, {server, dead, runtime}) -> trace
//        wsapiScenarios.runAll(scenarios, opts) -> {name: trace}
(function (root) {
  "use strict";

  // How long a scenario may take before its trace ends with "timeout".
  var CLOSE_TIMEOUT_MS = 10000;
  // How long the observation socket may take; the server answers within 3 s.
  var OBSERVE_TIMEOUT_MS = 8000;
  // Longer reasons and texts are summarized so traces stay short.
  var QUOTE_LIMIT = 32;

  var STATES = ["CONNECTING", "OPEN", "CLOSING", "CLOSED"];

  function utf8(s) {
    return new TextEncoder().encode(s);
  }

  // fnv32a is FNV-1a 32-bit of bytes, as 8 lower-case hex digits.
  function fnv32a(bytes) {
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ("00000000" + h.toString(16)).slice(-8);
  }

  // textOfLen is N chars "a".."z" repeating.
  function textOfLen(n) {
    var s = "";
    for (var i = 0; i < n; i++) s += String.fromCharCode(97 + (i % 26));
    return s;
  }

  // bytesOfLen is N bytes with byte i = i % 251.
  function bytesOfLen(n) {
    var b = new Uint8Array(n);
    for (var i = 0; i < n; i++) b[i] = i % 251;
    return b;
  }

  // reasonText quotes a close reason of an action line, or gives its size.
  function reasonText(reason) {
    var n = utf8(reason).length;
    return n > QUOTE_LIMIT ? "<" + n + " bytes>" : JSON.stringify(reason);
  }

  function errName(e) {
    return e && e.name ? e.name : String(e);
  }

  // payload turns a send action's kind and argument into the data to send,
  // its trace kind ("text" or "binary") and its length in bytes.
  function payload(kind, arg) {
    switch (kind) {
      case "text":
        return { data: arg, kind: "text", len: utf8(arg).length };
      case "text-len":
        return { data: textOfLen(arg), kind: "text", len: arg };
      case "binary-len":
        return { data: bytesOfLen(arg), kind: "binary", len: arg };
    }
    throw new Error("unknown send kind " + JSON.stringify(kind));
  }

  // act runs one action against ws and returns its single trace line.
  function act(ws, a) {
    var p, reason;
    switch (a[0]) {
      case "send":
        p = payload(a[1], a[2]);
        try {
          ws.send(p.data);
          return "send " + p.kind + " " + p.len + " -> ok";
        } catch (e) {
          return "send " + p.kind + " " + p.len + " -> " + errName(e);
        }
      case "send-many":
        p = payload(a[2], a[3]);
        var first = null;
        for (var i = 0; i < a[1]; i++) {
          try {
            ws.send(p.data);
          } catch (e) {
            if (first === null) first = errName(e);
          }
        }
        return "send-many " + a[1] + " " + p.kind + " " + p.len + " -> " + (first === null ? "ok" : first);
      case "close":
      case "close-len":
        if (a.length === 1) {
          try {
            ws.close();
            return "close -> ok";
          } catch (e) {
            return "close -> " + errName(e);
          }
        }
        reason = a[0] === "close-len" ? new Array(a[2] + 1).join("a") : a[2];
        var head = "close " + a[1] + " " + reasonText(reason) + " -> ";
        try {
          ws.close(a[1], reason);
          return head + "ok";
        } catch (e) {
          return head + errName(e);
        }
      case "state":
        return "state " + STATES[ws.readyState];
      case "buffered":
        return "buffered " + ws.bufferedAmount;
      case "spin":
        // Busy for a[1] ms, in the handler's own task: whatever the
        // network does meanwhile is seen only by later tasks.
        var end = Date.now() + a[1];
        while (Date.now() < end) {}
        return "spin " + a[1];
      case "protocol":
        return "protocol " + JSON.stringify(ws.protocol);
    }
    throw new Error("unknown action " + JSON.stringify(a));
  }

  function wsBase(server) {
    return server.replace(/^http/, "ws").replace(/\/+$/, "");
  }

  function randomTag() {
    return Math.random().toString(36).slice(2, 10);
  }

  // scenarioURL builds the URL a scenario connects to; "absolute" URLs are
  // used as they are (they exist to make the constructor fail), all others
  // get the id the server files its observations under.
  function scenarioURL(sc, opts, id) {
    if (sc.absolute) return sc.url;
    var u = sc.url === "dead" ? opts.dead : wsBase(opts.server) + sc.url;
    return u + (u.indexOf("?") >= 0 ? "&" : "?") + "id=" + encodeURIComponent(id);
  }

  // observe reads the server's observation lines for id.
  function observe(opts, id) {
    return new Promise(function (resolve) {
      var lines = [];
      var done = false;
      function finish(extra) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (extra) lines.push(extra);
        resolve(lines);
      }
      var timer = setTimeout(function () {
        finish("server: timeout");
        try {
          ws.close();
        } catch (e) {}
      }, OBSERVE_TIMEOUT_MS);
      var ws;
      try {
        ws = new WebSocket(wsBase(opts.server) + "/observe?id=" + encodeURIComponent(id));
      } catch (e) {
        finish("server: " + errName(e));
        return;
      }
      ws.onmessage = function (ev) {
        lines.push("server: " + ev.data);
      };
      ws.onclose = function () {
        finish(null);
      };
    });
  }

  async function run(sc, opts) {
    if (sc.server) {
      // An interop scenario: it runs against the third-party server of
      // that name, which serves /observe too.
      if (!opts.servers || !opts.servers[sc.server]) return ["no server " + sc.server];
      opts = Object.assign({}, opts, { server: opts.servers[sc.server] });
    }
    var on = sc.on || {};
    var id = sc.name + "-" + (opts.runtime || "js") + "-" + randomTag();
    var trace = [];
    var ws;
    try {
      ws = sc.protocols ? new WebSocket(scenarioURL(sc, opts, id), sc.protocols) : new WebSocket(scenarioURL(sc, opts, id));
    } catch (e) {
      return ["new -> " + errName(e)];
    }
    ws.binaryType = "arraybuffer";

    function runActions(trigger) {
      var list = on[trigger] || [];
      for (var i = 0; i < list.length; i++) trace.push(act(ws, list[i]));
    }

    runActions("new");

    var count = 0;
    var kinds = {};
    var bytes = 0;
    var finished = false;
    var closed = new Promise(function (resolve) {
      var timer = setTimeout(function () {
        if (finished) return;
        finished = true;
        trace.push("timeout");
        resolve(false);
      }, CLOSE_TIMEOUT_MS);

      ws.onopen = function () {
        if (finished) return;
        trace.push('open protocol=' + JSON.stringify(ws.protocol) + ' extensions=' + JSON.stringify(ws.extensions));
        runActions("open");
      };
      ws.onmessage = function (ev) {
        if (finished) return;
        count++;
        var line;
        if (typeof ev.data === "string") {
          var b = utf8(ev.data);
          kinds.text = true;
          bytes += b.length;
          line = "message text " + b.length + " " + (b.length > QUOTE_LIMIT ? "fnv=" + fnv32a(b) : JSON.stringify(ev.data));
        } else {
          var u = new Uint8Array(ev.data);
          kinds.binary = true;
          bytes += u.length;
          line = "message binary " + u.length + " fnv=" + fnv32a(u);
        }
        if (!sc.aggregate) trace.push(line);
        runActions("message:" + count);
      };
      ws.onerror = function () {
        if (finished) return;
        trace.push("error");
        runActions("error");
      };
      ws.onclose = function (ev) {
        if (finished) return;
        if (sc.aggregate) {
          var kind = kinds.text && kinds.binary ? "mixed" : kinds.binary ? "binary" : "text";
          trace.push("messages " + count + " " + kind + " bytes=" + bytes);
        }
        trace.push("close " + ev.code + " " + JSON.stringify(ev.reason) + " clean=" + ev.wasClean);
        runActions("close");
        finished = true;
        clearTimeout(timer);
        resolve(true);
      };
    });

    var ok = await closed;
    if (!ok) {
      try {
        ws.close();
      } catch (e) {}
      return trace;
    }
    if (sc.observe !== false) {
      var lines = await observe(opts, id);
      for (var i = 0; i < lines.length; i++) trace.push(lines[i]);
    }
    return trace;
  }

  // runAll runs each scenario once, or sc.runs times when the browser's
  // own outcome varies from run to run (a race in the server or the
  // network): then every distinct trace is kept, the most frequent under
  // the scenario's name, the others under name#2, name#3, ... in order of
  // frequency, and a Go run may match any of them.
  async function runAll(scenarios, opts) {
    var out = {};
    for (var i = 0; i < scenarios.length; i++) {
      var sc = scenarios[i];
      var runs = sc.runs > 1 ? sc.runs : 1;
      var seen = {};
      var order = [];
      for (var r = 0; r < runs; r++) {
        var trace = await run(sc, opts);
        var key = JSON.stringify(trace);
        if (!(key in seen)) {
          seen[key] = 0;
          order.push(key);
        }
        seen[key]++;
      }
      // Stable: most frequent first, ties in order of appearance.
      var ranked = order.map(function (k, j) { return [k, j]; });
      ranked.sort(function (a, b) { return seen[b[0]] - seen[a[0]] || a[1] - b[1]; });
      for (var k = 0; k < ranked.length; k++) {
        out[k === 0 ? sc.name : sc.name + "#" + (k + 1)] = JSON.parse(ranked[k][0]);
      }
    }
    return out;
  }

  var api = { run: run, runAll: runAll, fnv32a: fnv32a };
  root.wsapiScenarios = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
