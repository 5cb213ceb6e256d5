package wsapi

import (
	"context"
	"errors"
	"strconv"
)

// Dial connects to url and returns the socket once it is open, as
// coder/websocket's Dial does, for code that would rather block than set an
// open handler. When the connection fails, it returns the error the OnError
// handler would have received (wrapping ErrConnection and, natively, the
// cause, such as a refused connection or the handshake's status), which
// CloseStatus reads as 1006. When ctx ends first, it fails the attempt, as
// Close does while CONNECTING, and returns an error wrapping ctx's error:
// no socket is left connecting. A nil opts is the same as no options.
//
// The socket's events after open are held for handlers set right after
// Dial returns, as they are after WaitOpen (see the package documentation);
// the wsread package reads them without any handler at all.
func Dial(ctx context.Context, url string, opts *Options) (*WebSocket, error) {
	if ctx == nil {
		return nil, errors.New("wsapi: failed to dial " + strconv.Quote(url) + ": nil context")
	}
	ws, err := NewWithOptions(url, opts)
	if err != nil {
		return nil, err
	}
	if err := ws.waitOpen(ctx); err != nil {
		ws.discard()
		if err == ctx.Err() {
			return nil, wrap("wsapi: failed to dial "+ws.url, err)
		}
		return nil, err
	}
	return ws, nil
}

// discard closes a socket that Dial will not return. Its events go to
// nobody; a socket still connecting is failed, and discard waits for its
// close event, queued already, so that nothing of it outlives Dial. One
// that opened in the meantime closes in the background.
func (ws *WebSocket) discard() {
	ws.mu.Lock()
	ws.decided = 1<<evOpen | 1<<evMessage | 1<<evError | 1<<evClose
	ws.startLocked()
	ws.wakeLocked()
	ws.mu.Unlock()
	if ws.close(0, "") {
		<-ws.done
	}
}
