// Package reconnect is a WebSocket that comes back: a Socket has the
// methods of a *wsapi.WebSocket, so that code written against one works on
// the other, and makes a new wsapi connection whenever one ends, until
// Close, until its close policy says stop, or until its retries run out. It
// is written on wsapi's public API alone and runs wherever wsapi does:
// natively and, compiled for GOOS=js GOARCH=wasm, in the browser.
//
//	s, err := reconnect.New("wss://example.com/chat", nil)
//	if err != nil {
//		return err // a bad URL, protocol list or option
//	}
//	s.OnOpen(func() {
//		if s.Opens() > 1 {
//			showStatus("back")
//		}
//	})
//	s.OnRetry(func(r reconnect.Retry) {
//		showStatus(fmt.Sprintf("reconnecting in %.1f s (attempt %d)", time.Until(r.At).Seconds(), r.Attempt))
//	})
//	s.OnMessage(func(m wsapi.MessageEvent) { show(m.Text()) })
//
// # Events
//
// OnOpen runs for every connection that opens, and OnClose for every one
// that ends, failed attempts included (an error, then close 1006, as in the
// browser); ReadyState in OnClose says whether another follows (CONNECTING)
// or not (CLOSED). OnRetry runs after that OnClose when a retry is
// scheduled. Done is closed after the final close only. Events are
// dispatched one at a time, never from inside New, Send or Close, and none
// before the first handler is set (or WaitOpen or Done is called). As in
// wsapi, once that gate is open an event whose handler was never set waits
// up to 50 ms after the last handler was set (or open dispatched) before it
// goes to nobody, so handlers set one by one right after New miss nothing;
// SetHandlers sets four at once.
//
// # Schedule
//
// The wait before retry n is drawn uniformly below
// min(MaxDelay, MinDelay·Factor^(n-1)) ("full jitter", see Backoff), so
// that the clients of a server that restarted come back spread over the
// window rather than all at once. The count n starts again after a
// connection that stayed open MinUptime. A connection that is not open
// ConnectTimeout after its attempt started is failed and retried.
//
// # Close policy
//
// A close the Socket did not ask for is judged by Options.ShouldReconnect,
// by default the package's ShouldReconnect, which documents the codes that
// end the socket (1003, 1007, 1009, 3500-3999, 4500-4999) and why.
//
// # Sends while not open
//
// A message sent while the Socket is not open is queued, up to MaxQueued
// messages and MaxQueuedBytes bytes, and goes out on the next open, in
// order, before OnOpen runs and so before anything sent after that open.
// One that does not fit is refused with ErrQueueFull; BufferedAmount counts
// the queue. A message handed to a connection that then drops is lost with
// it, as with any WebSocket: a protocol that must not lose one resumes from
// the last message the server acknowledged (see docs/recovery.md for the
// companion server's).
//
// # Dead links
//
// A connection can die without a close: a laptop that sleeps, a NAT that
// forgets. Options.IdleTimeout gives up a connection on which nothing has
// arrived for that long; it needs a server that sends something regularly,
// and works in the browser, which has no ping the page can send. Natively,
// wsapi.Options.PingInterval (in Options.WebSocket) also notices.
//
// # Browser lifecycle
//
// In the browser, the Socket listens to the page, each reaction on by
// default and turned off by its option:
//
//   - offline gives the connection up and holds retries; online retries at
//     once (as centrifuge-js does);
//   - while the page is hidden no attempt starts, and showing it retries at
//     once (as Phoenix does); an open connection stays open;
//   - pagehide closes the connection (1000 "pagehide"), and a pageshow
//     from the back/forward cache reconnects at once (as Phoenix does):
//     a page that enters the cache ends its connections cleanly, where
//     Chromium (156, recorded by e2e's TestLifecycleBackForwardCache)
//     would cut them, the page seeing an error and close 1006 once
//     restored.
//
// Natively these options exist and change nothing. Every listener is
// removed, and every js.Func released, by the final close.
package reconnect
