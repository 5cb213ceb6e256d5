package wsapi_test

import (
	"context"
	"testing"

	"github.com/go-wsapi/wsapi/wsapi"
)

// BenchmarkWaitBufferedAmount measures what the wait costs, on every
// runtime (in Node and Chromium by hand: GOOS=js GOARCH=wasm go test -bench
// WaitBuffered -exec ..., with WSAPI_SERVER set):
//
//   - ready: the call when nothing is buffered, the common case;
//   - drain: a 64 KiB send to the echo server, then a wait until nothing
//     is buffered: natively the writer wakes it, in the browser a poll;
//   - echo: the baseline, a 64 KiB send and its echo, with no wait.
//
// drain above echo is the latency a poll adds where the amount falls
// before the echo comes back.
func BenchmarkWaitBufferedAmount(b *testing.B) {
	e := scenarioEnv(b)
	ctx := context.Background()
	ws, err := wsapi.Dial(ctx, e.wsBase()+"/echo?id=bench-wait-buffered", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		ws.Close()
		<-ws.Done()
	}()
	echoed := make(chan struct{}, 1)
	ws.OnMessage(func(wsapi.MessageEvent) { echoed <- struct{}{} })
	msg := make([]byte, 64<<10)
	b.Run("ready", func(b *testing.B) {
		for b.Loop() {
			if err := ws.WaitBufferedAmount(ctx, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("drain", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			ws.SendBinary(msg)
			if err := ws.WaitBufferedAmount(ctx, 0); err != nil {
				b.Fatal(err)
			}
			<-echoed // so that the next send starts from an idle socket
		}
	})
	b.Run("echo", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			ws.SendBinary(msg)
			<-echoed
		}
	})
}
