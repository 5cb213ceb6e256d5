// Package wsapi is the browser's WebSocket API in Go, with one shape on
// every platform: compiled for GOOS=js GOARCH=wasm it drives the browser's
// own WebSocket; compiled for anything else it is a client on
// github.com/coder/websocket that behaves as Chrome's WebSocket does, with
// the same events in the same order, the same close codes and the same
// errors. Code that passes `go test` natively therefore works in the
// browser.
//
//	ws, err := wsapi.New("wss://example.com/echo", "chat.v1")
//	if err != nil {
//		return err // a bad URL or protocol list: errors.Is(err, wsapi.ErrSyntax)
//	}
//	ws.OnOpen(func() { ws.SendText("hello") })
//	ws.OnMessage(func(m wsapi.MessageEvent) {
//		fmt.Println("got", m.Text())
//		ws.CloseWithStatus(1000, "done")
//	})
//	ws.OnClose(func(e wsapi.CloseEvent) { fmt.Println("closed", e.Code, e.Reason) })
//	<-ws.Done()
//
// # Events
//
// Every event is dispatched on a goroutine of the socket's own, one at a
// time and in order, never from inside New, Send or Close; a handler may
// call any method of the socket. Open comes at most once and before any
// message, error at most once and right before close, close exactly once and
// last.
//
// Events are held from New until the first handler is set (or WaitOpen or
// Done is called), so handlers set right after New miss nothing however
// quick the network. Handlers set one On call at a time: once the gate is
// open, an event whose handler was never set waits up to 50 ms after the
// last handler was set (or open was dispatched) before it goes to nobody,
// which covers a burst of On calls and the code right after WaitOpen.
// SetHandlers sets all four at once and needs no such grace.
//
// Natively, while more than 1 MiB of received messages wait for their
// handler, the socket stops reading, so the peer is slowed by TCP rather
// than the queue growing without bound. When nothing else waits, the
// goroutine that read a message runs its handler, so a round trip costs no
// hand-off between goroutines; a handler that runs longer than a
// millisecond or two gives reading to a new goroutine, so that pings are
// answered and the connection is read while it blocks, as the browser
// reads while a script runs.
//
// ReadyState moves with the events the handlers see: OPEN when open is
// dispatched, CLOSING as soon as Close is called, CLOSED when close, or the
// error before it, is dispatched. A message that was received but not yet dispatched when Close
// was called is dropped, as the browser drops what arrives once close() was
// called.
//
// For blocking code, Dial returns a socket once it is open (or the cause of
// its failure), WaitOpen waits for open under a context, Done and
// CloseEvent tell when and how the socket closed, and WaitBufferedAmount
// waits for what Send queued to drain below a bound. The close codes have
// names (StatusNormalClosure, StatusGoingAway, ...: coder/websocket's),
// untyped so that they go wherever a code is an int, and StatusText and
// CloseEvent's String name a code in a log line. Subpackages add what the
// browser's API lacks without growing a program that does not import
// them: wsread reads messages one call at a time, wsnet makes a socket a
// net.Conn, wsjson sends and decodes JSON.
//
// # Errors
//
// Bad arguments are errors wrapping the DOMException the browser would have
// thrown: ErrSyntax, ErrInvalidState, ErrInvalidAccess. The OnError handler
// receives an error wrapping ErrConnection; natively it also wraps the cause
// (refused, handshake status, protocol error), where the browser gives none.
// A panic in a handler is printed with its stack to standard error (the
// console, in a browser) and dispatch goes on.
//
// # Wasm
//
// What the browser's WebSocket cannot do, and so NewWithOptions refuses in
// the browser with ErrNotSupported:
//
//   - custom handshake headers, cookies aside (Options.Header), or an Origin
//     other than the page's (Options.Origin);
//   - a TLS configuration or HTTP client of one's own (Options.TLSConfig,
//     Options.HTTPClient): the browser's trust store and network stack
//     decide;
//   - a read limit or turning compression off (Options.ReadLimit,
//     Options.DisableCompression).
//
// The browser also sends no pings of its own that Go could see, and resolves
// a relative URL against the page, where natively it is ErrSyntax. Node's
// WebSocket (undici) differs from Chrome's in places; the README lists them.
//
// Messages cross between JavaScript and Go through a small helper that the
// package makes once with the Function constructor (BENCHMARKS.md says
// what it saves). A page whose Content-Security-Policy forbids eval (no
// 'unsafe-eval') gets the same events in the same order on a slower path;
// the test suite runs on both.
//
// # Native
//
// The native client speaks the protocol as Chrome does, so that a server
// sees the same client from both backends:
//
//   - the handshake offers the extensions Chrome offers
//     ("permessage-deflate; client_max_window_bits") and the subprotocols
//     spelled as Chrome spells them, follows no redirect, sends no
//     credentials from the URL, opens a connection of its own for every
//     socket, and none to a port Chrome refuses (6000, 10080, and the rest
//     of Chrome's list: error, then close 1006);
//   - it accepts the permessage-deflate answers Chrome accepts (windows of
//     8 to 15 bits, either side's no_context_takeover); when the server
//     limits the client's window below 15 bits, a message is compressed
//     only if it fits in that window, alone, and goes uncompressed
//     otherwise, which RFC 7692 allows;
//   - it fails the connection where Chrome does, with the close code and
//     reason Chrome sends: a subprotocol not offered or none selected when
//     some were, a masked or reserved frame, an unknown opcode, a text
//     message or close reason that is not UTF-8, data after the close frame;
//   - it accepts any close code Chrome accepts, and reports the close frame
//     the server sent, code and reason;
//   - a peer that resets or drops the connection gives close 1006 with no
//     error event, as in Chrome.
//
// It reads without a message size limit unless Options.ReadLimit sets one,
// and cuts a closing handshake that takes longer than Options.CloseTimeout
// (60 s by default, Chrome's). The README lists what still differs.
package wsapi
