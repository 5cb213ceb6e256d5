//go:build js && wasm

package wsapi

// UsesJSHelper reports whether sockets move their messages through the
// JavaScript helper (jsFastPath), which a page whose Content-Security-Policy
// forbids eval does not allow.
func UsesJSHelper() bool { return !newFastPath().make.IsUndefined() }

// TaskPosterOpen reports whether the socket holds an open MessageChannel
// for WaitBufferedAmount's quick looks.
func TaskPosterOpen(ws *WebSocket) bool {
	t := ws.tr.(*jsTransport)
	t.sendMu.Lock()
	p := t.tasks
	t.sendMu.Unlock()
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.dead && !p.port.IsUndefined()
}

// UsesSinks reports whether sockets send through the helper's sinks
// (CopyBytesToJS into a Sink, see messagehelper.js) rather than by calling
// send themselves.
func UsesSinks() bool { return UsesJSHelper() && newFastPath().sinks }
