//go:build !js

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/coder/websocket"
)

// publisher is the client that talks; it reads too, for the leaves.
type publisher struct {
	conn   *websocket.Conn
	leaves chan string // nicks that left
	done   chan struct{}
	err    error // why the read loop ended; read after done
}

func (p *publisher) read() {
	defer close(p.done)
	var buf bytes.Buffer
	for {
		if p.err = readMessage(p.conn, &buf); p.err != nil {
			return
		}
		if bytes.HasPrefix(buf.Bytes(), []byte(`{"type":"leave"`)) {
			for _, nick := range leaveNicks(buf.Bytes()) {
				select {
				case p.leaves <- nick:
				default: // nobody counts leaves this many
				}
			}
		}
	}
}

// leaveNicks returns the nicks a leave event names: the server announces
// the leaves of a burst in one event, whose "nicks" lists them all; one
// alone has only "nick".
func leaveNicks(b []byte) []string {
	var e struct {
		Nick  string   `json:"nick"`
		Nicks []string `json:"nicks"`
	}
	if json.Unmarshal(b, &e) != nil {
		return nil
	}
	if e.Nicks != nil {
		return e.Nicks
	}
	return []string{e.Nick}
}

// why adds to a failed write what ended the connection, when the read
// loop knows.
func (p *publisher) why(err error) error {
	select {
	case <-p.done:
		return fmt.Errorf("%w (the connection ended: %v)", err, p.err)
	case <-time.After(time.Second):
		return err
	}
}

func (p *publisher) say(ctx context.Context, text string) error {
	msg, _ := json.Marshal(map[string]string{"type": "say", "text": text})
	return p.conn.Write(ctx, websocket.MessageText, msg)
}
