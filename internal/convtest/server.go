//go:build !js

package convtest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/rpc"
	"strconv"
	"strings"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// handler is what ServerURL serves natively.
func handler() http.Handler { return Handler() }

// Handler serves:
//
//	/echo                 every message back, as it came
//	/push?n=&type=&size=&code=&reason=
//	                      n messages (text "0", "1", ... or binary ones of
//	                      size bytes, each byte the message's index), then
//	                      close with code and reason (none: wait for the
//	                      client's close)
//	/rpc                  net/rpc's Arith over binary messages
//	/http                 HTTP/1.1 over binary messages: "hello <path>",
//	                      for every request of a kept-alive connection
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		c := accept(w, r)
		if c == nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(-1)
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, b); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/push", push)
	mux.HandleFunc("/rpc", func(w http.ResponseWriter, r *http.Request) {
		c := accept(w, r)
		if c == nil {
			return
		}
		srv := rpc.NewServer()
		srv.Register(Arith{})
		// ServeConn closes the conn, and so the socket with 1000, when
		// the client's stream ends.
		srv.ServeConn(websocket.NetConn(context.Background(), c, websocket.MessageBinary))
	})
	mux.HandleFunc("/http", func(w http.ResponseWriter, r *http.Request) {
		c := accept(w, r)
		if c == nil {
			return
		}
		// net/http's parser and writer, not its Server: the Server
		// moves read deadlines into the past to stop its background
		// read, and coder/websocket's NetConn closes the connection
		// when a deadline passes.
		nc := websocket.NetConn(context.Background(), c, websocket.MessageBinary)
		defer nc.Close()
		br := bufio.NewReader(nc)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.Copy(io.Discard, req.Body)
			body := "hello " + req.URL.Path
			resp := &http.Response{
				StatusCode: 200, ProtoMajor: 1, ProtoMinor: 1,
				Header:        http.Header{"Content-Type": {"text/plain"}},
				Body:          io.NopCloser(strings.NewReader(body)),
				ContentLength: int64(len(body)),
				Request:       req,
			}
			if err := resp.Write(nc); err != nil {
				return
			}
		}
	})
	return mux
}

func accept(w http.ResponseWriter, r *http.Request) *websocket.Conn {
	// The browser's page has an origin of its own; these are tests.
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return nil
	}
	return c
}

func push(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("n"))
	size, _ := strconv.Atoi(q.Get("size"))
	code, _ := strconv.Atoi(q.Get("code"))
	c := accept(w, r)
	if c == nil {
		return
	}
	defer c.CloseNow()
	ctx := r.Context()
	for i := range n {
		var err error
		if q.Get("type") == "binary" {
			err = c.Write(ctx, websocket.MessageBinary, bytes.Repeat([]byte{byte(i)}, size))
		} else {
			err = c.Write(ctx, websocket.MessageText, []byte(strconv.Itoa(i)))
		}
		if err != nil {
			return
		}
	}
	if code != 0 {
		c.Close(websocket.StatusCode(code), q.Get("reason"))
		return
	}
	for {
		if _, _, err := c.Read(ctx); err != nil {
			return
		}
	}
}

// Start serves Handler on an httptest server on 127.0.0.1, for the
// examples, which have no testing.TB to hand to ServerURL: it returns the
// ws:// URL of path on it and the func that stops it.
func Start(path string) (url string, stop func()) {
	s := httptest.NewServer(Handler())
	return wsapitest.WebSocketURL(s.URL) + path, s.Close
}
