//go:build js && wasm

package wsapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestWaitBufferedAmountAfterDone: a wait on a socket already closed, with
// bytes sent after the close still counted, opens no MessageChannel that
// nothing would close (an open port keeps Node running, and holds a Go
// func for good).
func TestWaitBufferedAmountAfterDone(t *testing.T) {
	e := scenarioEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := wsapi.Dial(ctx, e.wsBase()+"/echo?id=wait-after-done", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.OnClose(func(wsapi.CloseEvent) {})
	ws.Close()
	ws.SendText("after close")
	<-ws.Done()
	if ws.BufferedAmount() == 0 {
		t.Skip("this runtime counts nothing sent after close (undici)")
	}
	if err := ws.WaitBufferedAmount(ctx, 0); wsapi.CloseStatus(err) != wsapi.StatusNoStatusRcvd {
		t.Errorf("WaitBufferedAmount after Done = %v, want the close (1005)", err)
	}
	if wsapi.TaskPosterOpen(ws) {
		t.Error("WaitBufferedAmount after Done left a MessageChannel open")
	}
}
