package client

import (
	"context"
	"encoding/hex"
	"slices"
	"strconv"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

// EchoOptions are the settings of DialEcho. A nil *EchoOptions is the zero
// value.
type EchoOptions struct {
	Hooks
	// Reconnect are the settings of the socket, which reconnects when a
	// connection ends. Defaults to nil: package reconnect's defaults.
	Reconnect *reconnect.Options
	// OnEcho is called for every message that came back.
	OnEcho func(EchoMessage)
	// History is how many echoed messages the state keeps, the latest.
	// Defaults to 100.
	History int
}

// EchoMessage is one message as the echo endpoint sent it back.
type EchoMessage struct {
	Type wsapi.MessageType
	Data []byte
}

// String renders the message as the page lists it: "text: <msg>", or
// "binary: <n> bytes <hex of the first 16 bytes>".
func (m EchoMessage) String() string {
	if m.Type == wsapi.Text {
		return "text: " + string(m.Data)
	}
	s := "binary: " + strconv.Itoa(len(m.Data)) + " bytes"
	if len(m.Data) > 0 {
		s += " " + hex.EncodeToString(m.Data[:min(len(m.Data), 16)])
	}
	return s
}

// EchoState is what the echo client knows.
type EchoState struct {
	Conn
	Sent     int           // messages sent
	Received int           // messages that came back
	Echoes   []EchoMessage // the latest that came back, oldest first
}

// Echo is a client of the echo endpoint: what it sends comes back, text as
// text and binary as binary.
type Echo struct {
	s       socket[EchoState]
	onEcho  func(EchoMessage)
	history int
}

// DialEcho connects to base's echo endpoint; base is the server's ws:// or
// wss:// URL, as BaseURL returns it. The client is CONNECTING on return.
func DialEcho(base string, opts *EchoOptions) (*Echo, error) {
	var o EchoOptions
	if opts != nil {
		o = *opts
	}
	e := &Echo{onEcho: o.OnEcho, history: o.History}
	if e.history <= 0 {
		e.history = 100
	}
	err := e.s.open(endpoint(base, EchoPath), nil, o.Reconnect, o.Hooks,
		func(st *EchoState) *Conn { return &st.Conn },
		func(st *EchoState) { st.Echoes = slices.Clip(st.Echoes) },
		e.message)
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Echo) message(m wsapi.MessageEvent) error {
	em := EchoMessage(m)
	e.s.update(func(st *EchoState) {
		st.Received++
		st.Echoes = appendCapped(st.Echoes, em, e.history)
	})
	if e.onEcho != nil {
		e.onEcho(em)
	}
	return nil
}

// SendText sends s as a text message. It returns an error wrapping
// ErrNotOpen unless the socket is OPEN.
func (e *Echo) SendText(s string) error { return e.sendMessage(wsapi.Text, []byte(s)) }

// SendBinary sends a copy of b as a binary message. It returns an error
// wrapping ErrNotOpen unless the socket is OPEN.
func (e *Echo) SendBinary(b []byte) error { return e.sendMessage(wsapi.Binary, b) }

func (e *Echo) sendMessage(typ wsapi.MessageType, data []byte) error {
	// Counted first: the echo may come back before send returns.
	e.s.update(func(st *EchoState) { st.Sent++ })
	if err := e.s.send(typ, data); err != nil {
		e.s.update(func(st *EchoState) { st.Sent-- })
		return err
	}
	return nil
}

// State returns a copy of the client's state.
func (e *Echo) State() EchoState { return e.s.state() }

// Wait blocks until cond holds for the state and returns that state. It
// returns an error wrapping ctx's error when ctx ends, and a
// *wsapi.CloseError when the socket closed and cond does not hold.
func (e *Echo) Wait(ctx context.Context, cond func(EchoState) bool) (EchoState, error) {
	return e.s.wait(ctx, cond)
}

// Socket returns the client's socket, for its ReadyState and
// BufferedAmount. Do not set its handlers: the client owns them.
func (e *Echo) Socket() *reconnect.Socket { return e.s.ws }

// Close starts the user's disconnect: close 1000 "disconnect". The state's
// Local is then true when the close event comes.
func (e *Echo) Close() error { return e.s.close() }
