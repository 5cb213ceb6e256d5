// Package ticker reads the first messages of a WebSocket feed. It has no
// build tag: the same code runs natively, in Node and in a browser, and
// its tests run on all three with one go test (see ticker_test.go).
package ticker

import (
	"context"
	"fmt"

	"github.com/go-wsapi/wsapi/wsapi"
)

// Collect connects to the feed at url and returns its first n text
// messages, then closes the connection. It fails when the feed closes
// first, or when ctx ends.
func Collect(ctx context.Context, url string, n int) ([]string, error) {
	ws, err := wsapi.New(url)
	if err != nil {
		return nil, err
	}
	var got []string // the handler runs on the socket's goroutine; read after Done
	ws.OnMessage(func(m wsapi.MessageEvent) {
		if len(got) < n {
			got = append(got, m.Text())
			if len(got) == n {
				ws.Close()
			}
		}
	})
	select {
	case <-ws.Done():
	case <-ctx.Done():
		ws.Close()
		<-ws.Done()
		return got, fmt.Errorf("ticker: %d of %d messages: %w", len(got), n, ctx.Err())
	}
	if len(got) < n {
		ce, _ := ws.CloseEvent()
		return got, fmt.Errorf("ticker: the feed closed after %d of %d messages: %d %q", len(got), n, ce.Code, ce.Reason)
	}
	return got, nil
}
