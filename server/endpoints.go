//go:build !js

package server

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// context0 is the context of reads and writes: one with a deadline would
// cost a timer per call, and coder/websocket cuts the connection when a
// context ends, so cancellation is done by closing instead.
var context0 = context.Background()

var echoEndpoint = &endpoint{
	path: "/ws/echo",
	read: func(s *Server, c *client) error {
		for {
			typ, data, err := c.readMessage()
			if err != nil {
				return err
			}
			// Written from here, like a bare echo server does: an echo
			// client that does not read stops being read, and TCP
			// pushes back. No queue, no writer goroutine.
			if err := c.conn.Write(context0, typ, data); err != nil {
				return err
			}
		}
	},
}

var ticksEndpoint = &endpoint{
	path:      "/ws/ticks",
	resumable: true,
	// The client has nothing to say; reading is still what answers pings
	// and close frames, and what it says is held to the rules all the
	// same.
	read: func(s *Server, c *client) error {
		for {
			if _, _, err := c.readMessage(); err != nil {
				return err
			}
		}
	},
	ticks: true,
}

// quotes is one connection's simulated price.
type quotes struct {
	seq   int64
	cents int64
}

func newQuotes() *quotes {
	return &quotes{cents: 10000}
}

// quote is a /ws/ticks message. Price is a json.Number so that it always
// has two decimals (101.20, not 101.2).
type quote struct {
	Type   string      `json:"type"`
	Seq    int64       `json:"seq"`
	Time   string      `json:"time"`
	Symbol string      `json:"symbol"`
	Price  json.Number `json:"price"`
}

// next moves the price by up to half a percent, never to zero or below.
func (q *quotes) next(now time.Time) *message {
	q.seq++
	step := int64(math.Round(float64(q.cents) * (rand.Float64() - 0.5) / 100))
	q.cents = max(q.cents+step, 1)
	price := strconv.FormatInt(q.cents/100, 10) + "." + strconv.FormatInt(q.cents%100/10, 10) + strconv.FormatInt(q.cents%10, 10)
	return encode(quote{Type: "quote", Seq: q.seq, Time: stamp(now), Symbol: "GOPHER", Price: json.Number(price)})
}
