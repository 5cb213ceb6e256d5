//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
)

// replay measures a recovery's replay from the companion server: a member
// of the chat goes away, n says are stored meanwhile, and it comes back
// with ?since=&epoch=; the time runs from its dial to the last replayed
// say. Beside it, for information, the same n says delivered live to that
// member while it was there, from the first say's write to its delivery
// of the last, the writer keeping a window in flight. The server is a child
// process (bench/internal/benchsrv) with its rate limit off, so that the
// writer is bounded by the server, not by the limit.
func replay(ctx context.Context, n int) (replayed, live time.Duration, err error) {
	child, err := benchsrv.Start(ctx, benchsrv.Config{Mode: benchsrv.Ours, RateLimit: -1})
	if err != nil {
		return 0, 0, err
	}
	defer child.Stop()
	url := child.WSURL("/ws/chat")

	reader, welcome, err := join(ctx, url+"?nick=reader")
	if err != nil {
		return 0, 0, err
	}
	defer reader.CloseNow()
	writer, _, err := join(ctx, url+"?nick=writer")
	if err != nil {
		return 0, 0, err
	}
	defer writer.CloseNow()

	var last float64
	delivered := make(chan error, 1)
	go func() { delivered <- readSays(ctx, reader, n, &last) }()
	t0 := time.Now()
	if err := say(ctx, writer, n, "live"); err != nil {
		return 0, 0, err
	}
	if err := <-delivered; err != nil {
		return 0, 0, err
	}
	live = time.Since(t0)
	reader.CloseNow()

	if err := say(ctx, writer, n, "missed"); err != nil {
		return 0, 0, err
	}
	t1 := time.Now()
	back, w, err := join(ctx, url+"?nick=reader&since="+strconv.FormatFloat(last, 'f', -1, 64)+"&epoch="+welcome.Epoch)
	if err != nil {
		return 0, 0, err
	}
	defer back.CloseNow()
	if w.Recovered == nil || !*w.Recovered {
		return 0, 0, fmt.Errorf("resume after seq %v: not recovered", last)
	}
	if err := readSays(ctx, back, n, nil); err != nil {
		return 0, 0, fmt.Errorf("replay: %w", err)
	}
	return time.Since(t1), live, nil
}

type chatMsg struct {
	Type      string  `json:"type"`
	Seq       float64 `json:"seq"`
	Epoch     string  `json:"epoch"`
	Recovered *bool   `json:"recovered"`
}

// join dials the chat and returns its welcome.
func join(ctx context.Context, url string) (*websocket.Conn, chatMsg, error) {
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, chatMsg{}, err
	}
	c.SetReadLimit(-1)
	var m chatMsg
	if err := read(ctx, c, &m); err != nil || m.Type != "welcome" {
		c.CloseNow()
		return nil, chatMsg{}, fmt.Errorf("chat %s: first message %+v, %v", url, m, err)
	}
	return c, m, nil
}

// window is how many says are in flight: the room closes a member whose
// queue holds more than 64 messages (server.Options.SendQueue) as too
// slow, and a writer that never waits fills its readers' queues faster
// than the server's writers empty them.
const window = 16

// say writes n says, window at a time, each window once its own copies,
// the room's acknowledgements, came back.
func say(ctx context.Context, c *websocket.Conn, n int, text string) error {
	for i := 0; i < n; i += window {
		k := min(window, n-i)
		for j := range k {
			msg := `{"type":"say","text":"` + text + strconv.Itoa(i+j) + `"}`
			if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
				return err
			}
		}
		if err := readSays(ctx, c, k, nil); err != nil {
			return fmt.Errorf("acknowledgements: %w", err)
		}
	}
	return nil
}

// readSays reads until n says came, and sets *last to the last one's seq.
func readSays(ctx context.Context, c *websocket.Conn, n int, last *float64) error {
	for got := 0; got < n; {
		var m chatMsg
		if err := read(ctx, c, &m); err != nil {
			return fmt.Errorf("after %d of %d says: %w", got, n, err)
		}
		if m.Type == "say" {
			got++
			if last != nil {
				*last = m.Seq
			}
		}
	}
	return nil
}

func read(ctx context.Context, c *websocket.Conn, m *chatMsg) error {
	_, data, err := c.Read(ctx)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, m)
}
