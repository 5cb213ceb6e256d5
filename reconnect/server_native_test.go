//go:build !js

package reconnect_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// testServer is the server of the suite. Its behaviour is chosen by the
// path, and its state by a key in the query, so that the same tests run
// against it from a js/wasm child, which can only connect:
//
//	/echo               echoes every message
//	/hello?key=K        sends "open N" (N counts K's connections), then echoes
//	/close?code=C       closes with code C at once
//	/refuse?key=K&n=N   answers K's first N handshakes 503, then is /hello
//	/drop?key=K&n=N     drops K's first N connections (no close frame) right
//	                    after the handshake, then is /hello
//	/mute               reads, and never sends anything
type testServer struct {
	mu    sync.Mutex
	count map[string]int
	conns map[*websocket.Conn]bool
	ln    net.Listener
	srv   *http.Server
	wg    sync.WaitGroup // Serve and the handlers of connections
	addr  string
}

// startServer listens on 127.0.0.1; addr "" takes a free port.
func startServer(addr string) (*testServer, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	ts := &testServer{count: map[string]int{}, conns: map[*websocket.Conn]bool{}, ln: ln, addr: ln.Addr().String()}
	ts.srv = &http.Server{Handler: ts}
	ts.wg.Go(func() { ts.srv.Serve(ln) })
	return ts, nil
}

// URL is the ws URL of path on the server.
func (ts *testServer) URL(path string) string { return "ws://" + ts.addr + path }

// kill stops the server as a crash would: the listener and every
// connection closed, no close frame.
func (ts *testServer) kill() {
	ts.srv.Close()
	ts.mu.Lock()
	for c := range ts.conns {
		c.CloseNow()
	}
	ts.mu.Unlock()
	ts.wg.Wait()
}

// restart listens again on the same port, with its counts kept.
func (ts *testServer) restart() error {
	ln, err := net.Listen("tcp", ts.addr)
	if err != nil {
		return err
	}
	ts.ln = ln
	ts.srv = &http.Server{Handler: ts}
	ts.wg.Go(func() { ts.srv.Serve(ln) })
	return nil
}

// next counts a connection of key and returns its number, from 1.
func (ts *testServer) next(key string) int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.count[key]++
	return ts.count[key]
}

func (ts *testServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ts.wg.Add(1)
	defer ts.wg.Done()
	q := r.URL.Query()
	key := q.Get("key")
	n, _ := strconv.Atoi(q.Get("n"))
	path := r.URL.Path
	if path == "/refuse" || path == "/drop" {
		if i := ts.next(path + key); i <= n {
			if path == "/refuse" {
				http.Error(w, "refused "+strconv.Itoa(i), http.StatusServiceUnavailable)
				return
			}
			c, err := websocket.Accept(w, r, acceptOptions)
			if err != nil {
				return
			}
			c.CloseNow()
			return
		}
		path = "/hello"
	}
	c, err := ts.accept(w, r)
	if err != nil {
		return
	}
	defer ts.forget(c)
	ctx := r.Context()
	switch path {
	case "/close":
		code, _ := strconv.Atoi(q.Get("code"))
		c.Close(websocket.StatusCode(code), q.Get("reason"))
		return
	case "/mute":
		c.Read(ctx) // answers the close frame, sends nothing else
		return
	case "/hello":
		i := ts.next("/hello" + key)
		if err := c.Write(ctx, websocket.MessageText, []byte("open "+strconv.Itoa(i))); err != nil {
			return
		}
	}
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		if err := c.Write(ctx, typ, data); err != nil {
			return
		}
	}
}

// acceptOptions take any origin: the browser run's page has one of its own.
var acceptOptions = &websocket.AcceptOptions{InsecureSkipVerify: true, Subprotocols: []string{"chat"}}

// accept upgrades and tracks the connection, for kill.
func (ts *testServer) accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, error) {
	c, err := websocket.Accept(w, r, acceptOptions)
	if err != nil {
		return nil, err
	}
	ts.mu.Lock()
	ts.conns[c] = true
	ts.mu.Unlock()
	return c, nil
}

func (ts *testServer) forget(c *websocket.Conn) {
	c.CloseNow()
	ts.mu.Lock()
	delete(ts.conns, c)
	ts.mu.Unlock()
}

// startSuite starts the suite's server, unless a native parent passed one
// (see TestRuntimes).
func startSuite() (string, func(), error) {
	if s := os.Getenv("WSAPI_RECONNECT_SERVER"); s != "" {
		return s, func() {}, nil
	}
	ts, err := startServer("")
	if err != nil {
		return "", nil, err
	}
	return "ws://" + ts.addr, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ts.srv.Shutdown(ctx)
		ts.kill()
	}, nil
}

// native reports whether the suite runs natively, where it may kill and
// restart its server.
const native = true
