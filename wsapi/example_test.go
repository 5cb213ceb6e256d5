//go:build !js

package wsapi_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/internal/convtest"
	"github.com/go-wsapi/wsapi/wsapi"
)

// The examples are native only: in a browser, go test cannot check an
// example's output (the testing package captures standard output in a
// temporary file, and a browser has no file system), and no test can
// start a server. The tests run the same calls on all three runtimes.
//
// Those that connect start an echo server (an httptest server whose /echo
// sends every message back); in a browser, the same client code runs
// against a server elsewhere.

func echoServer() (url string, stop func()) { return convtest.Start("/echo") }

// The browser's way: handlers, set right after New, run one at a time on
// the socket's own goroutine; Done tells when the close event has run.
func ExampleNew() {
	url, stop := echoServer()
	defer stop()

	ws, err := wsapi.New(url)
	if err != nil {
		fmt.Println(err) // a bad URL: errors.Is(err, wsapi.ErrSyntax)
		return
	}
	ws.OnOpen(func() { ws.SendText("hello") })
	ws.OnMessage(func(m wsapi.MessageEvent) {
		fmt.Println(m.Type, m.Text())
		ws.CloseWithStatus(wsapi.StatusNormalClosure, "done")
	})
	ws.OnClose(func(e wsapi.CloseEvent) { fmt.Println("closed:", e) })
	<-ws.Done()
	// Output:
	// text hello
	// closed: 1000 Normal Closure "done" (clean)
}

// SetHandlers sets the four handlers in one call: no event can come
// between two of them.
func ExampleWebSocket_SetHandlers() {
	url, stop := echoServer()
	defer stop()

	ws, err := wsapi.New(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	ws.SetHandlers(wsapi.Handlers{
		Open: func() { ws.SendBinary([]byte{1, 2, 3}) },
		Message: func(m wsapi.MessageEvent) {
			fmt.Println(m.Type, m.Data)
			ws.Close()
		},
		Error: func(err error) { fmt.Println("error:", err) },
		Close: func(e wsapi.CloseEvent) { fmt.Println("closed:", e.Code, e.WasClean) },
	})
	<-ws.Done()
	// Output:
	// binary [1 2 3]
	// closed: 1005 true
}

// Dial blocks until the socket is open, for code that would rather not
// set an open handler.
func ExampleDial() {
	url, stop := echoServer()
	defer stop()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := wsapi.Dial(ctx, url, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ws.ReadyState())
	ws.OnMessage(func(m wsapi.MessageEvent) {
		fmt.Println(m.Text())
		ws.Close()
	})
	ws.SendText("hi")
	<-ws.Done()
	fmt.Println(ws.ReadyState())
	// Output:
	// OPEN
	// hi
	// CLOSED
}

// A failed Dial says why: the error wraps ErrConnection and, natively, the
// network's own error; CloseStatus reads the close code from it.
func ExampleCloseStatus() {
	s := httptest.NewServer(nil)
	url := "ws" + strings.TrimPrefix(s.URL, "http")
	s.Close() // nothing listens there now

	_, err := wsapi.Dial(context.Background(), url, nil)
	fmt.Println(errors.Is(err, wsapi.ErrConnection), wsapi.CloseStatus(err), wsapi.StatusText(wsapi.CloseStatus(err)))
	fmt.Println(strings.Contains(err.Error(), "connection refused"))
	// Output:
	// true 1006 Abnormal Closure
	// true
}

// Natively, Options.TLSConfig trusts a private CA for wss; in the browser
// its own trust store decides, and NewWithOptions refuses the option with
// ErrNotSupported.
func ExampleNewWithOptions() {
	s := httptest.NewTLSServer(convtest.Handler())
	defer s.Close()
	roots := x509.NewCertPool()
	roots.AddCert(s.Certificate())

	ws, err := wsapi.NewWithOptions("wss"+strings.TrimPrefix(s.URL, "https")+"/echo", &wsapi.Options{
		TLSConfig: &tls.Config{RootCAs: roots},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ws.OnOpen(func() { ws.SendText("over TLS") })
	ws.OnMessage(func(m wsapi.MessageEvent) {
		fmt.Println(m.Text())
		ws.Close()
	})
	<-ws.Done()
	// Output:
	// over TLS
}

// WaitBufferedAmount keeps a sender from queuing without end: Send never
// blocks, as in the browser.
func ExampleWebSocket_WaitBufferedAmount() {
	url, stop := echoServer()
	defer stop()

	ctx := context.Background()
	ws, err := wsapi.Dial(ctx, url, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	ws.SetHandlers(wsapi.Handlers{}) // the echoes go to nobody
	chunk := make([]byte, 64<<10)
	for range 100 {
		ws.SendBinary(chunk)
		// At most 256 KiB queued at any time.
		if err := ws.WaitBufferedAmount(ctx, 256<<10); err != nil {
			fmt.Println(err)
			return
		}
	}
	ws.WaitBufferedAmount(ctx, 0)
	fmt.Println(ws.BufferedAmount())
	ws.Close()
	<-ws.Done()
	// Output:
	// 0
}

// The close codes are untyped constants: they compare with a CloseEvent's
// Code and go to CloseWithStatus as they are.
func ExampleStatusText() {
	ev := wsapi.CloseEvent{Code: 1001}
	if ev.Code == wsapi.StatusGoingAway {
		fmt.Println(ev.Code, wsapi.StatusText(ev.Code))
	}
	fmt.Println(wsapi.StatusText(4000))
	// Output:
	// 1001 Going Away
	// Private Use
}

// A CloseEvent prints for a log line.
func ExampleCloseEvent_String() {
	fmt.Println(wsapi.CloseEvent{Code: wsapi.StatusNormalClosure, Reason: "bye", WasClean: true})
	fmt.Println(wsapi.CloseEvent{Code: wsapi.StatusAbnormalClosure})
	// Output:
	// 1000 Normal Closure "bye" (clean)
	// 1006 Abnormal Closure "" (not clean)
}
