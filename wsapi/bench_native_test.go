//go:build !js

package wsapi_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/wsapi"
)

// The native overhead of wsapi: echo round trips over loopback TCP against
// the same coder/websocket echo server, through wsapi and through raw
// coder/websocket (its allocating Read, and a Reader into a reused buffer).
// One op is one message echoed.
//
// The coder clients are what a coder/websocket user writes (issue 15): with
// one message in flight, Write then Read on one goroutine; with 32, the
// writes from a goroutine of their own, as one goroutine cannot wait for
// an echo and write the next 31 at once. coder-handoff, with one message in
// flight only, is Read with the writes handed to a goroutine as at 32: a
// control that pays the goroutine hand-off wsapi pays, shown as
// information.
//
// The clients run one after the other within each size and depth, but
// -count N runs each of them N times in a row; to interleave the counts
// too, run the test binary N times with -count 1, rotating the order of
// the clients with -benchrotate, as make bench does (ci/bench.sh), and
// compare with benchstat:
//
//	go test -c -o /tmp/wsapi.test ./wsapi && cd wsapi &&
//	for i in 0 1 2 3 4 5; do /tmp/wsapi.test -test.run '^$' -test.bench Echo -benchrotate $i; done > bench.txt
//	benchstat -col /client bench.txt
//	go run ../bench/cmd/nativebench bench.txt

var benchSizes = []int{16, 512, 64 << 10}

var benchInFlight = []int{1, 32}

// benchClients are the clients of a depth: the hand-off control only where
// the natural loop has no hand-off.
func benchClients(inFlight int) []string {
	if inFlight == 1 {
		return []string{"wsapi", "coder-read", "coder-reader", "coder-handoff"}
	}
	return []string{"wsapi", "coder-read", "coder-reader"}
}

var benchRotate = flag.Int("benchrotate", 0, "BenchmarkEcho: start the order of the clients at the `n`th (mod their number), so that interleaved runs take turns going first")

func BenchmarkEcho(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(benchEchoServer))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	for _, size := range benchSizes {
		for _, inFlight := range benchInFlight {
			// The clients alternate inside each size and depth, so a
			// drift of the machine hits them all alike.
			clients := benchClients(inFlight)
			n := len(clients)
			for i := range n {
				client := clients[((i+*benchRotate)%n+n)%n]
				name := fmt.Sprintf("size=%d/inflight=%d/client=%s", size, inFlight, client)
				b.Run(name, func(b *testing.B) {
					b.SetBytes(int64(size))
					b.ReportAllocs()
					switch client {
					case "wsapi":
						benchWsapi(b, url, size, inFlight)
					default:
						benchCoder(b, url, size, inFlight, client == "coder-reader", client == "coder-handoff")
					}
				})
			}
		}
	}
}

// benchEchoServer echoes every message, with compression off on both sides
// so that the frames are the same for every client.
func benchEchoServer(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(-1)
	buf := make([]byte, 0, 64<<10)
	for {
		typ, rd, err := c.Reader(context.Background())
		if err != nil {
			return
		}
		buf = buf[:0]
		for {
			n, err := rd.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)]
			}
		}
		if err := c.Write(context.Background(), typ, buf); err != nil {
			return
		}
	}
}

// benchWsapi sends the next message from the message handler, as a
// program on wsapi does (and as the browser benchmark's pages do): the
// handler runs on the socket's goroutine, and the benchmark's goroutine
// only waits for the last echo.
func benchWsapi(b *testing.B, url string, size, inFlight int) {
	ws, err := wsapi.NewWithOptions(url, &wsapi.Options{DisableCompression: true})
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, size)
	var sent atomic.Int64 // by this goroutine first, then by the handler
	send := func() {
		if sent.Add(1) <= int64(b.N) {
			ws.SendBinary(payload)
		}
	}
	done := make(chan struct{})
	got := 0 // the handler's
	ws.OnMessage(func(wsapi.MessageEvent) {
		if got++; got == b.N {
			close(done)
			return
		}
		send()
	})
	if err := ws.WaitOpen(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range inFlight {
		send()
	}
	<-done
	b.StopTimer()
	ws.Close()
	<-ws.Done()
}

// benchCoder is coder/websocket as its users write it: the allocating Read,
// or with reuse a Reader into one buffer; with handoff (or more than one
// message in flight) the writes go from a goroutine of their own.
func benchCoder(b *testing.B, url string, size, inFlight int, reuse, handoff bool) {
	ctx := context.Background()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(-1)
	payload := make([]byte, size)
	buf := make([]byte, size)
	read := func() error {
		if !reuse {
			_, _, err := c.Read(ctx)
			return err
		}
		_, rd, err := c.Reader(ctx)
		if err != nil {
			return err
		}
		_, err = io.ReadFull(rd, buf)
		return err
	}
	b.ResetTimer()
	if inFlight == 1 && !handoff {
		// The natural loop: one goroutine, no hand-off.
		for range b.N {
			if err := c.Write(ctx, websocket.MessageBinary, payload); err != nil {
				b.Fatal(err)
			}
			if err := read(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		return
	}
	// The writes go from a goroutine of their own, so that 32 in flight
	// never deadlock on TCP buffers.
	todo := make(chan struct{}, b.N)
	writeErr := make(chan error, 1)
	go func() {
		for range todo {
			if err := c.Write(ctx, websocket.MessageBinary, payload); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- nil
	}()
	sent := 0
	for ; sent < inFlight && sent < b.N; sent++ {
		todo <- struct{}{}
	}
	for range b.N {
		if err := read(); err != nil {
			b.Fatal(err)
		}
		if sent < b.N {
			todo <- struct{}{}
			sent++
		}
	}
	close(todo)
	b.StopTimer()
	if err := <-writeErr; err != nil {
		b.Fatal(err)
	}
}
