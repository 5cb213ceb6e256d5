// Command gorillaserver serves the interop suite's gorilla/websocket
// configurations, as testdata/interop/python_server.py serves Python's: each
// on a port of its own on 127.0.0.1, announced by one line
//
//	READY {"gorilla-default": "http://127.0.0.1:PORT", ...}
//
// with the same paths (/echo, /close?code=C&reason=R, /observe?id=ID, and
// /drop, which closes TCP) and the same observation lines. It runs until
// it is killed or its standard input closes. wsapi's TestInterop builds
// and starts it, with -remove naming the directory it built it into,
// which the program removes once it is up (a running binary needs no
// file), so that nothing is left in /tmp however the test ends; it lives in a module of its own so that the library's
// go.mod does not require gorilla/websocket.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// configs are the upgraders, by server name.
var configs = map[string]*websocket.Upgrader{
	"gorilla-default":   {},
	"gorilla-compress":  {EnableCompression: true},
	"gorilla-protocols": {Subprotocols: []string{"chat.v2"}},
}

// book keeps the observation lines by id, and how many handlers of an id
// are running, so that /observe answers once they are done.
type book struct {
	mu     sync.Mutex
	lines  map[string][]string
	active map[string]int
}

func (b *book) record(id, format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines[id] = append(b.lines[id], fmt.Sprintf(format, args...))
}

func (b *book) begin(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.active[id]++
}

func (b *book) end(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.active[id]--
}

// take waits up to 3 s for id's handlers, then returns its lines.
func (b *book) take(id string) []string {
	for range 300 {
		b.mu.Lock()
		n := b.active[id]
		b.mu.Unlock()
		if n == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := b.lines[id]
	delete(b.lines, id)
	return lines
}

func serve(b *book, up *websocket.Upgrader) http.Handler {
	up.CheckOrigin = func(*http.Request) bool { return true }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		id := q.Get("id")
		if r.URL.Path != "/observe" {
			b.begin(id)
			defer b.end(id)
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return // Upgrade answered with an HTTP error
		}
		defer c.Close()
		if r.URL.Path == "/observe" {
			for _, line := range b.take(id) {
				c.WriteMessage(websocket.TextMessage, []byte(line))
			}
			closeWith(c, websocket.CloseNormalClosure, "")
			return
		}
		b.record(id, "request protocols=%q extensions=%q",
			strings.Join(r.Header.Values("Sec-WebSocket-Protocol"), ", "),
			strings.Join(r.Header.Values("Sec-WebSocket-Extensions"), ", "))
		switch r.URL.Path {
		case "/echo":
		case "/close":
			code, _ := strconv.Atoi(q.Get("code"))
			closeWith(c, code, q.Get("reason"))
		case "/drop":
			c.NetConn().Close()
		default:
			closeWith(c, 4404, "no such path")
		}
		for {
			typ, data, err := c.ReadMessage()
			if err != nil {
				var ce *websocket.CloseError
				if errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure {
					b.record(id, "close %d %q", ce.Code, ce.Text)
				} else {
					b.record(id, "gone")
				}
				return
			}
			kind := "text"
			if typ == websocket.BinaryMessage {
				kind = "binary"
			}
			b.record(id, "recv %s %d", kind, len(data))
			if err := c.WriteMessage(typ, data); err != nil {
				b.record(id, "gone")
				return
			}
		}
	})
}

// closeWith sends a close frame; gorilla's reader then waits for the
// client's answer, which ReadMessage returns as a CloseError.
func closeWith(c *websocket.Conn, code int, reason string) {
	c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
}

func main() {
	log.SetFlags(0)
	remove := flag.String("remove", "", "a directory to remove once listening: the one this binary was built into")
	flag.Parse()
	b := &book{lines: map[string][]string{}, active: map[string]int{}}
	urls := map[string]string{}
	for name, up := range configs {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		urls[name] = "http://" + ln.Addr().String()
		go http.Serve(ln, serve(b, up))
	}
	if *remove != "" {
		if err := os.RemoveAll(*remove); err != nil {
			log.Fatal(err)
		}
	}
	js, _ := json.Marshal(urls)
	fmt.Printf("READY %s\n", js)
	io.Copy(io.Discard, os.Stdin)
}
