//go:build !js

// Package scenario is the server that the wsapi scenario tests talk to.
//
// The same scenarios run natively, in Node and in Chromium, and each run
// must be comparable line by line with a trace recorded in Chrome. So the
// server does two jobs: it behaves in a fixed, scripted way per endpoint
// (echo, close with a code, drop the TCP connection, refuse the upgrade...),
// and it writes down what it saw from the client as "observation" lines,
// keyed by the id query parameter, which the client later fetches through
// /observe. The server's view is what tells a polite close from a dropped
// connection, which the client's own events cannot show.
//
// Endpoints where a well-behaved server is wanted use coder/websocket.
// Endpoints that need exact control of the bytes on the wire (a close frame
// without payload, a subprotocol the client never offered, a close reply
// recorded as it was sent) hijack the connection and speak RFC 6455 by hand.
//
// # Endpoints
//
// Every URL takes ?id=ID; what the handler sees is recorded under ID.
//
//   - /echo: echoes every message; ?accept=b,c selects the first of those
//     subprotocols the client offered; ?compress=takeover or no-takeover
//     negotiates permessage-deflate.
//   - /pick?proto=c: raw; answers with subprotocol c whatever was offered
//     (no proto: no header; proto=: an empty one), then reads until the
//     client closes or goes away, and echoes the client's close frame.
//     ?ext=... answers with that Sec-WebSocket-Extensions (";" written
//     %3B: Go's query parser drops a pair with a raw one), ?accept=bad
//     with a wrong Sec-WebSocket-Accept.
//   - /deflate?ext=...: raw; answers with that Sec-WebSocket-Extensions as
//     /pick does, then echoes every message, uncompressed, inflating what
//     the client compressed; ?wire=1 marks those "deflated".
//   - /close?code=4001&reason=x: raw; closes with that code and reason.
//   - /close-empty: raw; closes with a close frame without payload.
//   - /drop: raw; closes TCP right after the handshake.
//   - /refuse?status=403: answers with that HTTP status, no upgrade.
//   - /push?n=3&code=1000&reason=done: raw; sends "push 1".."push n",
//     then closes with that code and reason.
//   - /send?f=text:ok&f=masked+text:x: raw; sends the frames f describe
//     (see frameSpec) in one write, then reads as /pick does, without
//     echoing the client's close frame if one of them was a close frame.
//   - /reset: raw; reads the client's first message, then resets TCP.
//   - /redirect?to=/echo: answers 302 with that path and the same query.
//   - /flood?reason=server: raw; sends text messages until the client's
//     close frame, then answers it with the client's code and this reason.
//   - /hold: raw; reads, but never answers the client's close frame.
//   - /stall?ms=2000: raw; reads nothing for that long, then discards.
//   - /observe?id=ID: sends the lines recorded for ID, one text message
//     each, once ID's handlers have returned, then closes with 1000.
//   - /files/...: the static files of Options.Files.
//
// # Observation lines
//
//	request protocols="<Sec-WebSocket-Protocol>" extensions="<Sec-WebSocket-Extensions>"
//	recv text <len> | recv binary <len>
//	bad deflate               /deflate could not inflate a message
//	close <code> "<reason>"   the client's close frame (1005: no status)
//	gone                      the connection ended without a client close frame
//	dropped                   /drop closed TCP
//	refused <status>          /refuse (or a bad request) answered without upgrade
//	bad close "<payload>"     raw endpoints: a 1-byte close payload, which has no code
//	reset                     /reset reset TCP
//	redirect 302              /redirect answered
//	eof                       /hold, /stall: the client closed TCP
//
// Quoted values are written with Go's %q. The request header values are
// the header lines as received, joined with ", " if there were several.
// Handlers without an id record under the empty id.
//
// The package is native only: the js/wasm side of the tests reaches a
// server that the native side started, through WSAPI_SERVER.
package scenario
