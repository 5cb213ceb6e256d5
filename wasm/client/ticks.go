package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

// Quote is one simulated quote from the ticks endpoint.
type Quote struct {
	Seq    uint64 // the stream's, the same for every client
	Time   time.Time
	Symbol string
	Price  float64
}

// String renders the quote as the page's ticker shows it: "GOPHER 101.25".
func (q Quote) String() string {
	return q.Symbol + " " + strconv.FormatFloat(q.Price, 'f', 2, 64)
}

// ParseQuote parses a message from the ticks endpoint.
func ParseQuote(m wsapi.MessageEvent) (Quote, error) {
	if m.Type != wsapi.Text {
		return Quote{}, fmt.Errorf("ticks: %d-byte binary message: the protocol is JSON text", len(m.Data))
	}
	var w struct {
		Type   string   `json:"type"`
		Seq    uint64   `json:"seq"`
		Time   string   `json:"time"`
		Symbol string   `json:"symbol"`
		Price  *float64 `json:"price"`
	}
	if err := json.Unmarshal(m.Data, &w); err != nil {
		return Quote{}, fmt.Errorf("ticks: failed to parse message: %w", err)
	}
	switch {
	case w.Type != "quote":
		return Quote{}, fmt.Errorf("ticks: unknown message type %q", w.Type)
	case w.Seq == 0:
		return Quote{}, fmt.Errorf("ticks: quote without seq")
	case w.Symbol == "":
		return Quote{}, fmt.Errorf("ticks: quote without symbol")
	case w.Price == nil || *w.Price <= 0:
		return Quote{}, fmt.Errorf("ticks: quote without a positive price")
	}
	t, err := time.Parse(time.RFC3339Nano, w.Time)
	if err != nil {
		return Quote{}, fmt.Errorf("ticks: quote: bad time: %w", err)
	}
	return Quote{Seq: w.Seq, Time: t, Symbol: w.Symbol, Price: *w.Price}, nil
}

// TicksOptions are the settings of DialTicks. A nil *TicksOptions is the
// zero value.
type TicksOptions struct {
	Hooks
	// Reconnect are the settings of the socket, which reconnects when a
	// connection ends. Defaults to nil: package reconnect's defaults.
	Reconnect *reconnect.Options
	// OnQuote is called for every quote, with the number received so far,
	// that one included.
	OnQuote func(q Quote, count int)
}

// TicksState is what the ticks client knows.
type TicksState struct {
	Conn
	Epoch  string // the welcome's: names the stream's numbering
	Lost   int    // reconnections after which the server could not send what was missed
	Count  int    // quotes received
	Last   Quote  // the latest quote, once Count > 0
	Missed int    // quotes missed, from the gaps in the sequence
}

// Ticks is a client of the ticks endpoint, which pushes quotes at a steady
// rate.
type Ticks struct {
	s       socket[TicksState]
	onQuote func(Quote, int)
}

// DialTicks connects to base's ticks endpoint; base is the server's ws://
// or wss:// URL, as BaseURL returns it. The client is CONNECTING on return.
func DialTicks(base string, opts *TicksOptions) (*Ticks, error) {
	var o TicksOptions
	if opts != nil {
		o = *opts
	}
	t := &Ticks{onQuote: o.OnQuote}
	resume := func() string {
		st, _ := t.s.get()
		return resumeQuery(st.Epoch, st.Last.Seq)
	}
	err := t.s.open(endpoint(base, TicksPath)+"?", resume, o.Reconnect, o.Hooks,
		func(st *TicksState) *Conn { return &st.Conn },
		func(*TicksState) {},
		t.message)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Ticks) message(m wsapi.MessageEvent) error {
	if w, ok, err := parseWelcome(m); ok || err != nil {
		if err != nil {
			return fmt.Errorf("ticks: %w", err)
		}
		t.s.update(func(st *TicksState) {
			if st.Welcomed {
				err = errors.New("ticks: a second welcome")
				return
			}
			recovered := st.Epoch != "" && w.Recovered != nil && *w.Recovered
			if st.Epoch != "" && !recovered {
				st.Lost++
			}
			if !recovered {
				// The latest quote comes next: nothing before it is
				// missed, or what was is owned above.
				st.Last.Seq = w.Seq - min(w.Seq, 1)
			}
			st.Welcomed, st.Epoch = true, w.Epoch
		})
		return err
	}
	q, err := ParseQuote(m)
	if err != nil {
		return err
	}
	var count int
	t.s.update(func(st *TicksState) {
		if !st.Welcomed {
			err = errors.New("ticks: a quote before the welcome")
			return
		}
		if q.Seq <= st.Last.Seq {
			err = fmt.Errorf("ticks: quote seq %d after seq %d", q.Seq, st.Last.Seq)
			return
		}
		st.Missed += int(q.Seq - st.Last.Seq - 1)
		st.Count++
		st.Last = q
		count = st.Count
	})
	if err != nil {
		return err
	}
	if t.onQuote != nil {
		t.onQuote(q, count)
	}
	return nil
}

// State returns a copy of the client's state.
func (t *Ticks) State() TicksState { return t.s.state() }

// Wait blocks until cond holds for the state and returns that state. It
// returns an error wrapping ctx's error when ctx ends, and a
// *wsapi.CloseError when the socket closed and cond does not hold.
func (t *Ticks) Wait(ctx context.Context, cond func(TicksState) bool) (TicksState, error) {
	return t.s.wait(ctx, cond)
}

// Socket returns the client's socket, for its ReadyState and
// BufferedAmount. Do not set its handlers: the client owns them.
func (t *Ticks) Socket() *reconnect.Socket { return t.s.ws }

// Close starts the user's disconnect: close 1000 "disconnect". The state's
// Local is then true when the close event comes.
func (t *Ticks) Close() error { return t.s.close() }
