package reconnect_test

import (
	"context"
	"fmt"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

// A reconnecting socket is used as a wsapi.WebSocket is; Opens tells a
// first open from a reopen.
func ExampleNew() {
	s, err := reconnect.New(serverURL("/echo"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	s.OnOpen(func() {
		if s.Opens() == 1 {
			s.SendText("hello")
		} else {
			s.SendText("hello again")
		}
	})
	s.OnMessage(func(m wsapi.MessageEvent) {
		fmt.Println(m.Text())
		s.Close()
	})
	<-s.Done()
	fmt.Println(s.ReadyState(), wsapi.CloseStatus(s.Err()))
	// Output:
	// hello
	// CLOSED 1005
}

// A URL provider is asked before every attempt, here for a URL with a
// fresh token; OnRetry tells a page what to show while the socket waits.
func ExampleOptions_urlProvider() {
	tokens := 0
	s, err := reconnect.New("", &reconnect.Options{
		MinDelay: 300 * time.Millisecond,
		MaxDelay: 10 * time.Second,
		Rand:     func() float64 { return 0.5 }, // a fixed draw, for the output
		URLProvider: func(ctx context.Context) (string, error) {
			tokens++
			if tokens == 1 {
				return serverURL("/close?code=4001&reason=token+expired"), nil
			}
			return serverURL(fmt.Sprintf("/echo?token=%d", tokens)), nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s.OnClose(func(e wsapi.CloseEvent) { fmt.Println("closed", e.Code, e.Reason) })
	s.OnRetry(func(r reconnect.Retry) {
		fmt.Printf("reconnecting in %.2f s (attempt %d)\n", r.Delay.Seconds(), r.Attempt)
	})
	s.OnOpen(func() {
		fmt.Println("open", s.Opens())
		if s.Opens() == 2 {
			s.Close()
		}
	})
	<-s.Done()
	// Output:
	// open 1
	// closed 4001 token expired
	// reconnecting in 0.15 s (attempt 1)
	// open 2
	// closed 1005
}

// Sends made while the socket is not open wait for the next open, up to a
// bound, and go out first.
func ExampleSocket_SendText() {
	s, err := reconnect.New(serverURL("/echo"), &reconnect.Options{MaxQueued: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.SendText("one"), s.SendText("two"))
	fmt.Println(s.SendText("three"))
	fmt.Println("queued bytes:", s.BufferedAmount())
	n := 0
	s.OnMessage(func(m wsapi.MessageEvent) {
		fmt.Println(m.Text())
		if n++; n == 2 {
			s.Close()
		}
	})
	<-s.Done()
	// Output:
	// <nil> <nil>
	// reconnect: failed to queue 5-byte text message: 2 messages, 6 bytes queued, limits 2 and 1048576: send queue full
	// queued bytes: 6
	// one
	// two
}
