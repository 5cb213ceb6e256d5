//go:build js && wasm

package main

import (
	"context"
	"errors"
	"time"

	"github.com/coder/websocket"
)

// coderBench is the fourth side of the page: coder/websocket's own js/wasm
// client, the peer a Go user would pick for the browser, driven the way
// its API is meant to be: one goroutine that writes, then reads the echo
// with Read, in a loop. It is a baseline beside wsapi, not a floor: it
// pays what its API costs (a Read per message, a Go string and a
// Uint8Array per send, a js.Value per event).
type coderBench struct{ c *websocket.Conn }

func (s *coderBench) open(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return err
	}
	c.SetReadLimit(2 << 20) // the 1 MiB case; its default is 32 KiB
	s.c = c
	return nil
}

func (s *coderBench) batch(n, size, depth int, binary bool) error {
	if s.c == nil {
		return errors.New("not open")
	}
	text, data := payload(size, binary)
	typ := websocket.MessageText
	if binary {
		typ = websocket.MessageBinary
	} else {
		data = []byte(text)
	}
	ctx := context.Background()
	var werr error
	b := newBatchRun(n, size, depth, func() {
		if err := s.c.Write(ctx, typ, data); err != nil && werr == nil {
			werr = err
		}
	})
	b.start()
	for {
		if done, err := b.ended(); done {
			return err
		}
		if werr != nil {
			return werr
		}
		_, m, err := s.c.Read(ctx)
		if err != nil {
			return err
		}
		b.echo(len(m))
	}
}
