//go:build !js

package client_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/internal/clienttest"
	"github.com/go-wsapi/wsapi/wasm/client"
)

// TestChatRefusedSay: a say the room refuses (a server of a cluster whose
// NATS is away too long, docs/wire.md) comes back to its sender as a
// Refused event: it is no longer pending, it is counted, OnEvent shows
// it, and it is not a room event. Before the client knew "refused", the
// message counted as invalid and the say stayed pending for ever.
func TestChatRefusedSay(t *testing.T) {
	const ts = `"time":"2026-01-02T03:04:05.678Z"`
	base := fake(t, func(ctx context.Context, c *websocket.Conn) {
		if !writeAll(ctx, c,
			`{"type":"welcome","nick":"alice","seq":3,`+ts+`}`,
			`{"type":"join","nick":"alice","seq":4,`+ts+`}`) {
			return
		}
		if _, _, err := c.Read(ctx); err != nil { // the say
			return
		}
		writeAll(ctx, c, `{"type":"refused","text":"hello","reason":"busy",`+ts+`}`)
		drain(ctx, c)
	})

	var mu sync.Mutex
	var events []string
	c, err := client.DialChat(base, &client.ChatOptions{
		Nick: "alice",
		OnEvent: func(e client.ChatEvent) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, e.String())
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, c)
	ctx := clienttest.Context(t)
	if _, err := c.Wait(ctx, func(s client.ChatState) bool { return s.LastSeq == 4 }); err != nil {
		t.Fatal(err)
	}
	if err := c.Say("hello"); err != nil {
		t.Fatal(err)
	}
	st, err := c.Wait(ctx, func(s client.ChatState) bool { return s.Refused == 1 || s.Invalid > 0 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Refused != 1 || st.Invalid != 0 || st.Pending != 0 || len(st.Events) != 1 || st.LastSeq != 4 {
		t.Errorf("state after the refusal: %+v", st)
	}
	c.Close()
	<-c.Socket().Done()
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"alice joined", "not sent (busy): hello"}; !slices.Equal(events, want) {
		t.Errorf("OnEvent %q, want %q", events, want)
	}
}
