//go:build !js

package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// scripted starts a server whose every WebSocket endpoint sends frames, in
// order, as text messages, then reads until the client goes; code, if not
// 0, closes the connection with that status after the frames instead.
func scripted(t *testing.T, code websocket.StatusCode, frames ...string) string {
	t.Helper()
	var wg sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wg.Add(1)
		defer wg.Done()
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		for _, f := range frames {
			if err := c.Write(ctx, websocket.MessageText, []byte(f)); err != nil {
				return
			}
		}
		if code != 0 {
			c.Close(code, "scripted")
			return
		}
		for {
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	}))
	t.Cleanup(func() {
		srv.Close()
		wg.Wait()
	})
	base, err := BaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return base
}

// startServer starts a stand-in for package server: echo, a chat room with
// sequence numbers, and ticks every 10ms.
func startServer(t *testing.T) string {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		seq   uint64
		guest int
		room  = map[string]chan []byte{}
	)
	stamp := func() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }
	broadcast := func(typ, nick, text string) { // with mu held
		seq++
		m := map[string]any{"type": typ, "nick": nick, "seq": seq, "time": stamp()}
		if typ == "say" {
			m["text"] = text
		}
		b, _ := json.Marshal(m)
		for _, q := range room {
			q <- b
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws/echo", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if c.Write(r.Context(), typ, b) != nil {
				return
			}
		}
	})
	mux.HandleFunc("/ws/chat", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		q := make(chan []byte, 64)
		mu.Lock()
		nick := r.URL.Query().Get("nick")
		if nick == "" {
			guest++
			nick = fmt.Sprintf("guest-%d", guest)
		}
		for i := 2; room[nick] != nil; i++ {
			nick = fmt.Sprintf("%s-%d", r.URL.Query().Get("nick"), i)
		}
		b, _ := json.Marshal(map[string]any{"type": "welcome", "nick": nick, "seq": seq, "time": stamp()})
		q <- b
		room[nick] = q
		broadcast("join", nick, "")
		mu.Unlock()
		defer func() {
			mu.Lock()
			delete(room, nick)
			broadcast("leave", nick, "")
			mu.Unlock()
		}()
		go func() {
			for b := range q {
				c.Write(context.Background(), websocket.MessageText, b)
			}
		}()
		defer close(q)
		for {
			_, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			var m struct{ Type, Text string }
			json.Unmarshal(b, &m)
			mu.Lock()
			broadcast("say", nick, m.Text)
			mu.Unlock()
		}
	})
	mux.HandleFunc("/ws/ticks", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := c.CloseRead(r.Context())
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			b := fmt.Sprintf(`{"type":"quote","seq":%d,"time":"%s","symbol":"GOPHER","price":%.2f}`, n, stamp(), 100+float64(n)/4)
			if c.Write(ctx, websocket.MessageText, []byte(b)) != nil {
				return
			}
		}
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wg.Add(1)
		defer wg.Done()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		srv.Close()
		wg.Wait()
	})
	base, err := BaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return base
}
