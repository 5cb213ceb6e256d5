package wsread_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/convtest"
	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsread"
)

// These tests run natively, in Node and in Chromium (TestRuntimes).

func TestMain(m *testing.M) { os.Exit(convtest.Main(m)) }

func serverURL(t *testing.T, path string) string { return convtest.ServerURL(t, path) }

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestReadAll reads every message a server pushes as fast as it can, then
// its close: none is lost between the handler and Read, with a buffer
// smaller than the burst, and the reader set right after New, while the
// socket is still connecting.
func TestReadAll(t *testing.T) {
	for _, buf := range []int{0, 4} {
		t.Run("buffer="+strconv.Itoa(buf), func(t *testing.T) {
			ctx := ctxFor(t)
			ws, err := wsapi.New(serverURL(t, "/push?n=500&code=4001&reason=done"))
			if err != nil {
				t.Fatal(err)
			}
			r, err := wsread.New(ws, &wsread.Options{Buffer: buf})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 500 {
				m, err := r.Read(ctx)
				if err != nil {
					t.Fatalf("Read %d = %v", i, err)
				}
				if m.Type != wsapi.Text || m.Text() != strconv.Itoa(i) {
					t.Fatalf("Read %d = %v %q, want text %q", i, m.Type, m.Text(), strconv.Itoa(i))
				}
			}
			_, err = r.Read(ctx)
			var ce *wsapi.CloseError
			if !errors.As(err, &ce) || ce.Code != 4001 || ce.Reason != "done" || !ce.WasClean {
				t.Errorf("Read after the last message = %v, want a clean *CloseError 4001 done", err)
			}
			if _, err2 := r.Read(ctx); wsapi.CloseStatus(err2) != 4001 {
				t.Errorf("a second Read after close = %v, want the close again", err2)
			}
		})
	}
}

// TestReadAfterDial: a Reader made after Dial returned misses nothing
// either.
func TestReadAfterDial(t *testing.T) {
	ctx := ctxFor(t)
	ws, err := wsapi.Dial(ctx, serverURL(t, "/push?n=3&code=1000"), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := wsread.New(ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		m, err := r.Read(ctx)
		if err != nil {
			if wsapi.CloseStatus(err) != wsapi.StatusNormalClosure {
				t.Errorf("Read = %v, want close 1000", err)
			}
			break
		}
		got = append(got, m.Text())
	}
	if strings.Join(got, ",") != "0,1,2" {
		t.Errorf("messages %q, want 0,1,2", got)
	}
}

// TestReadContext: a Read that its context ends loses nothing; the next
// Read gets the message.
func TestReadContext(t *testing.T) {
	ctx := ctxFor(t)
	ws, err := wsapi.Dial(ctx, serverURL(t, "/echo"), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := wsread.New(ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		r.Close()
		<-ws.Done()
	}()
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := r.Read(short); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "/echo") {
		t.Errorf("Read with nothing to read = %v, want context.DeadlineExceeded naming the URL", err)
	}
	ws.SendText("after the timeout")
	if m, err := r.Read(ctx); err != nil || m.Text() != "after the timeout" {
		t.Errorf("Read = %q, %v", m.Text(), err)
	}
}

// TestReadFailure: a socket that cannot connect gives the cause.
func TestReadFailure(t *testing.T) {
	ctx := ctxFor(t)
	ws, err := wsapi.New(serverURL(t, "/no-such-endpoint"))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := wsread.New(ws, nil)
	_, err = r.Read(ctx)
	if !errors.Is(err, wsapi.ErrConnection) || wsapi.CloseStatus(err) != 1006 {
		t.Errorf("Read on a failed socket = %v, want ErrConnection and 1006", err)
	}
}

// TestCloseUnblocks: Close with a full buffer and nobody reading still
// lets the socket close.
func TestCloseUnblocks(t *testing.T) {
	ctx := ctxFor(t)
	ws, err := wsapi.Dial(ctx, serverURL(t, "/push?n=50"), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := wsread.New(ws, &wsread.Options{Buffer: 1})
	if _, err := r.Read(ctx); err != nil { // the handler is busy now
		t.Fatal(err)
	}
	if err := r.CloseWithStatus(4999, "enough"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ws.Done():
	case <-ctx.Done():
		t.Fatal("the socket did not close")
	}
	if err := r.CloseWithStatus(1, ""); !errors.Is(err, wsapi.ErrInvalidAccess) {
		t.Errorf("CloseWithStatus(1) = %v, want ErrInvalidAccess", err)
	}
}

func TestBadInput(t *testing.T) {
	if _, err := wsread.New(nil, nil); err == nil || !strings.Contains(err.Error(), "nil *wsapi.WebSocket") {
		t.Errorf("New(nil) = %v, want an error naming the nil socket", err)
	}
	ws := convtest.Unopened(t)
	if _, err := wsread.New(ws, &wsread.Options{Buffer: -3}); err == nil || !strings.Contains(err.Error(), "-3") {
		t.Errorf("New(Buffer: -3) = %v, want an error naming -3", err)
	}
	r, _ := wsread.New(ws, nil)
	var nilCtx context.Context
	if _, err := r.Read(nilCtx); err == nil || !strings.Contains(err.Error(), "nil context") {
		t.Errorf("Read(nil) = %v, want an error naming the nil context", err)
	}
}
