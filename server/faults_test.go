//go:build !js

package server_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/internal/wstest"
	"github.com/go-wsapi/wsapi/server"
)

// TestShutdownUnderLoad shuts the server down while every member of the
// chat room sends as fast as it can. Every member must get 1001, and no
// say that was acknowledged (its sender got it back) may be missing for
// another member: all were in the room from before the first say to the
// end.
func TestShutdownUnderLoad(t *testing.T) {
	checkGoroutines(t)
	// No rate limit and long queues: the members are fast, and shutdown
	// is the only way out of the room here.
	ts := startServer(t, &server.Options{RateLimit: -1, SendQueue: 1 << 20})
	ctx := testContext(t)

	const members = 6
	type member struct {
		nick   string
		conn   *websocket.Conn
		events []chatEvent
		end    error
	}
	ms := make([]*member, members)
	for i := range ms {
		m := &member{nick: fmt.Sprintf("m%d", i)}
		m.conn = dial(t, ctx, ts, "/ws/chat?nick="+m.nick, nil)
		m.conn.SetReadLimit(-1)
		ms[i] = m
	}
	// A member has joined once its open is logged (the handshakes end in
	// order, the joins need not).
	ts.logs.wait(t, func(map[string]any) bool {
		opens := 0
		for _, l := range ts.logs.lines() {
			if l["msg"] == "ws open" {
				opens++
			}
		}
		return opens == members
	})

	var readers, writers sync.WaitGroup
	stop := make(chan struct{})
	for _, m := range ms {
		readers.Go(func() {
			for {
				_, data, err := m.conn.Read(ctx)
				if err != nil {
					m.end = err
					return
				}
				var e chatEvent
				if err := json.Unmarshal(data, &e); err != nil {
					m.end = err
					return
				}
				m.events = append(m.events, e)
			}
		})
		writers.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				msg := fmt.Appendf(nil, `{"type":"say","text":"%s %d"}`, m.nick, i)
				if m.conn.Write(ctx, websocket.MessageText, msg) != nil {
					return
				}
			}
		})
	}
	time.Sleep(200 * time.Millisecond)
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	close(stop)
	readers.Wait()
	writers.Wait()

	received := make([]map[int64]bool, members)
	says := 0
	for i, m := range ms {
		var ce websocket.CloseError
		if !errors.As(m.end, &ce) {
			t.Errorf("%s: ended with %v, want a close frame", m.nick, m.end)
		} else {
			wantClose(t, ce, websocket.StatusGoingAway, "server shutting down")
		}
		received[i] = map[int64]bool{}
		for _, e := range m.events {
			received[i][e.Seq] = true
			if e.Type == "say" {
				says++
			}
		}
	}
	lost := 0
	for i, m := range ms {
		acked := 0
		for _, e := range m.events {
			if e.Type != "say" || e.Nick != m.nick {
				continue
			}
			acked++
			for j, other := range ms {
				if j != i && !received[j][e.Seq] {
					lost++
					if lost <= 10 {
						t.Errorf("%s's say %d (%q) was acknowledged, and %s never got it", m.nick, e.Seq, e.Text, other.nick)
					}
				}
			}
		}
		t.Logf("%s: %d says acknowledged, %d events received", m.nick, acked, len(m.events))
	}
	if lost > 0 {
		t.Errorf("%d acknowledged says lost in all", lost)
	}
	if says == 0 {
		t.Error("no say went through: no load")
	}
}

// TestSilentPeer: a chat member's connection goes silent with no FIN (our
// proxy stops forwarding). The server finds out by its pings, within
// PingInterval and PingTimeout, cuts it (1006 "ping timeout") and
// announces the leave; a member on a live connection is not troubled.
func TestSilentPeer(t *testing.T) {
	checkGoroutines(t)
	const interval, timeout = 100 * time.Millisecond, 300 * time.Millisecond
	ts := startServer(t, &server.Options{PingInterval: interval, PingTimeout: timeout})
	ctx := testContext(t)
	proxy := wstest.StartSilentProxy(t, ts.http.Listener.Addr().String())

	live := dial(t, ctx, ts, "/ws/chat?nick=live", nil)
	expect(t, ctx, live, chatEvent{Type: "welcome", Nick: "live", Seq: 0})
	expect(t, ctx, live, chatEvent{Type: "join", Nick: "live", Seq: 1})
	gone, _, err := websocket.Dial(ctx, "ws://"+proxy.Addr()+"/ws/chat?nick=gone", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer gone.CloseNow()
	expect(t, ctx, gone, chatEvent{Type: "welcome", Nick: "gone", Seq: 1})
	expect(t, ctx, live, chatEvent{Type: "join", Nick: "gone", Seq: 2})

	// live answers pings only while it reads: it reads from here on.
	events := make(chan chatEvent, 16)
	go func() {
		defer close(events)
		for {
			_, data, err := live.Read(ctx)
			if err != nil {
				return
			}
			var e chatEvent
			json.Unmarshal(data, &e)
			events <- e
		}
	}()
	proxy.Freeze()
	frozen := time.Now()
	l := ts.logs.wait(t, func(l map[string]any) bool {
		return isClose("/ws/chat", 1006)(l) && l["nick"] == "gone"
	})
	took := time.Since(frozen)
	if l["reason"] != "ping timeout" {
		t.Errorf("closed with %v, want ping timeout", l)
	}
	// A ping is sent within interval, and cut after timeout: allow for
	// the scheduler of a loaded machine under -race.
	if took > interval+timeout+2*time.Second {
		t.Errorf("cut %v after it went silent; want within about %v", took, interval+timeout)
	}
	t.Logf("silent peer cut %v after it went silent (ping interval %v, timeout %v)", took.Round(time.Millisecond), interval, timeout)

	if e := <-events; e.Type != "leave" || e.Nick != "gone" || e.Seq != 3 {
		t.Errorf("live got %+v, want gone's leave", e)
	}
	say(t, ctx, live, "still here")
	if e := <-events; e.Type != "say" || e.Text != "still here" {
		t.Errorf("live got %+v, want its say", e)
	}
	live.Close(websocket.StatusNormalClosure, "")
	for range events {
	}
	for _, l := range ts.logs.lines() {
		if l["msg"] == "ws close" && l["nick"] == "live" && l["code"] != float64(1000) {
			t.Errorf("the live member was cut: %v", l)
		}
	}
}
