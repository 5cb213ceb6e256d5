//go:build !js

package wsapi_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestSendInlineAmongControlFrames sends messages from several goroutines
// as fast as they come, so that most are written inline, some in part,
// while coder/websocket writes control frames of its own on the same
// connection: pongs to the server's pings, which come all the time, and
// the client's pings. The server, which pauses its reads now and then so
// that the client's socket fills, must read every message whole, each
// goroutine's in order, then the client's close frame with its code: an
// inline write that went out in the middle of another frame, or bytes
// written twice or not at all, would fail its frame parsing.
func TestSendInlineAmongControlFrames(t *testing.T) {
	const senders, perSender = 4, 150
	type result struct {
		counts [senders]int
		close  error
		err    error
	}
	results := make(chan result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(-1)
		ctx, stop := context.WithCancel(context.Background())
		var pings sync.WaitGroup
		pings.Go(func() {
			for ctx.Err() == nil {
				pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				c.Ping(pctx)
				cancel()
			}
		})
		var res result
		for i := 0; ; i++ {
			if i%13 == 0 {
				time.Sleep(time.Millisecond) // let the client's socket fill
			}
			_, b, err := c.Read(context.Background())
			if err != nil {
				res.close = err
				break
			}
			if len(b) < 8 {
				res.err = fmt.Errorf("message %d of %d bytes", i, len(b))
				break
			}
			s, n := binary.BigEndian.Uint32(b), int(binary.BigEndian.Uint32(b[4:]))
			if s >= senders || n != res.counts[s] || len(b) != messageSize(n) {
				res.err = fmt.Errorf("message %d: sender %d's message %d of %d bytes, want its message %d of %d", i, s, n, len(b), res.counts[min(s, senders-1)], messageSize(res.counts[min(s, senders-1)]))
				break
			}
			for _, x := range b[8:] {
				if x != byte(n) {
					res.err = fmt.Errorf("sender %d's message %d: a byte %d", s, n, x)
					break
				}
			}
			res.counts[s]++
		}
		stop()
		pings.Wait()
		results <- res
	}))
	defer srv.Close()

	for round := range 2 {
		ws, err := wsapi.NewWithOptions("ws"+strings.TrimPrefix(srv.URL, "http"), &wsapi.Options{
			PingInterval: time.Millisecond, PingTimeout: 10 * time.Second, DisableCompression: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		ws.SetHandlers(wsapi.Handlers{})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = ws.WaitOpen(ctx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for s := range senders {
			wg.Go(func() {
				for n := range perSender {
					b := make([]byte, messageSize(n))
					binary.BigEndian.PutUint32(b, uint32(s))
					binary.BigEndian.PutUint32(b[4:], uint32(n))
					for i := 8; i < len(b); i++ {
						b[i] = byte(n)
					}
					ws.SendBinary(b)
				}
			})
		}
		wg.Wait()
		ws.CloseWithStatus(4000, "done")
		select {
		case <-ws.Done():
		case <-time.After(30 * time.Second):
			t.Fatal("the socket did not close")
		}
		res := <-results
		if res.err != nil {
			t.Fatalf("round %d: %v", round, res.err)
		}
		if want := [senders]int{perSender, perSender, perSender, perSender}; res.counts != want {
			t.Errorf("round %d: the server got %v messages per sender, want %v", round, res.counts, want)
		}
		if ce := new(websocket.CloseError); !errors.As(res.close, ce) || ce.Code != 4000 || ce.Reason != "done" {
			t.Errorf("round %d: the server's read ended with %v, want the client's close 4000 \"done\"", round, res.close)
		}
		if ce, _ := ws.CloseEvent(); ce != (wsapi.CloseEvent{Code: 4000, Reason: "done", WasClean: true}) {
			t.Errorf("round %d: close %+v", round, ce)
		}
	}
}

// messageSize varies from a few bytes to tens of KiB, so that the kernel
// takes some inline writes whole and others in part.
func messageSize(n int) int { return 8 + (n*7919)%(48<<10) }
