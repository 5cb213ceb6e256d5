package wsjson_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/convtest"
	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsjson"
	"github.com/go-wsapi/wsapi/wsread"
)

// These tests run natively, in Node and in Chromium (TestRuntimes).

func TestMain(m *testing.M) { os.Exit(convtest.Main(m)) }

type point struct {
	X, Y int
	Tag  string `json:"tag,omitempty"`
}

// TestRoundTrip sends values to the echo server and reads them back.
func TestRoundTrip(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := wsapi.Dial(ctx, convtest.ServerURL(t, "/echo"), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := wsread.New(ws, nil)
	defer func() {
		r.Close()
		<-ws.Done()
	}()
	for _, p := range []point{{1, 2, "a"}, {-3, 4, "é\u2028"}, {}} {
		if err := wsjson.Send(ws, p); err != nil {
			t.Fatal(err)
		}
		var got point
		if err := wsjson.Read(ctx, r, &got); err != nil || got != p {
			t.Errorf("Read = %+v, %v; want %+v", got, err, p)
		}
	}
	// A message that does not decode is consumed; the next one reads.
	ws.SendText("not json")
	wsjson.Send(ws, point{X: 7})
	var got point
	err = wsjson.Read(ctx, r, &got)
	var de *wsjson.DecodeError
	var se *json.SyntaxError
	if !errors.As(err, &de) || !errors.As(err, &se) || !strings.Contains(err.Error(), `"not json"`) || !strings.Contains(err.Error(), "*wsjson_test.point") {
		t.Errorf("Read of bad JSON = %v, want a *DecodeError naming the message and the target", err)
	}
	if err := wsjson.Read(ctx, r, &got); err != nil || got.X != 7 {
		t.Errorf("Read after bad JSON = %+v, %v", got, err)
	}
}

func TestBadInput(t *testing.T) {
	if err := wsjson.Send(nil, 1); err == nil || !strings.Contains(err.Error(), "nil sender") {
		t.Errorf("Send(nil) = %v", err)
	}
	var nilWS *wsapi.WebSocket
	if err := wsjson.Send(nilWS, 1); err == nil || !strings.Contains(err.Error(), "nil sender") {
		t.Errorf("Send(nil *WebSocket) = %v", err)
	}
	if err := wsjson.Send(recorder{}, make(chan int)); err == nil || !strings.Contains(err.Error(), "chan int") {
		t.Errorf("Send(chan) = %v, want an error naming the type", err)
	}
	long := wsapi.MessageEvent{Type: wsapi.Binary, Data: []byte(strings.Repeat("x", 100))}
	if err := wsjson.Decode(long, new(int)); err == nil || !strings.Contains(err.Error(), "100-byte binary message") || !strings.Contains(err.Error(), `"...`) {
		t.Errorf("Decode(long junk) = %v, want the length, the type and a cut", err)
	}
	if err := wsjson.Decode(wsapi.MessageEvent{Type: wsapi.Text, Data: []byte("1")}, nil); err == nil || !strings.Contains(err.Error(), "<nil>") {
		t.Errorf("Decode into nil = %v", err)
	}
	if err := wsjson.Read(context.Background(), nil, new(int)); err == nil || !strings.Contains(err.Error(), "nil *wsread.Reader") {
		t.Errorf("Read(nil reader) = %v", err)
	}
}

type recorder struct{}

func (recorder) SendText(string) error { return nil }
