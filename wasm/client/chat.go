package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

// The limits the server puts on nicks and chat text.
const (
	MaxNick = 24   // characters in a nick
	MaxSay  = 1000 // characters in a message
)

// ChatEventType is the type of a room event.
type ChatEventType string

// The room events, each with a room sequence number, and the welcome, which
// only the joiner gets, first, with the room's last sequence number.
const (
	Join    ChatEventType = "join"
	Say     ChatEventType = "say"
	Leave   ChatEventType = "leave"
	Welcome ChatEventType = "welcome"
	// Refused is not a room event: the room refused one of this client's
	// says (Text), for Reason ("busy": a server of a cluster holds too many
	// says its NATS has yet to store); nobody else saw it, and it has no
	// Seq. Say it again later.
	Refused ChatEventType = "refused"
)

// ChatEvent is one room event, as the server stamped it.
//
// The server announces the joins and leaves of a burst together, so one
// Join or Leave may name several members: Nicks lists them all, in the
// order they came, and Nick is the first.
type ChatEvent struct {
	Type   ChatEventType
	Nick   string
	Nicks  []string  // for Join and Leave: every member named, Nick first
	Text   string    // for Say and Refused
	Reason string    // for Refused: why the room refused the say
	Seq    uint64    // the room's sequence number, one more per event
	Time   time.Time // the server's time
}

// String renders the event as the page lists it: "<nick>: <text>",
// "<nick> joined" or "<nick> left". A Join or Leave of several members
// names them ("alice, bob and carol joined"), up to four; of more, the
// first three and how many others ("alice, bob, carol and 97 others
// left").
func (e ChatEvent) String() string {
	switch e.Type {
	case Say:
		return e.Nick + ": " + e.Text
	case Refused:
		return "not sent (" + e.Reason + "): " + e.Text
	case Join:
		return e.names() + " joined"
	case Leave:
		return e.names() + " left"
	}
	return e.Nick + " " + string(e.Type)
}

// maxNames is how many nicks String lists in full.
const maxNames = 4

func (e ChatEvent) names() string {
	n := e.Nicks
	switch {
	case len(n) < 2:
		return e.Nick
	case len(n) <= maxNames:
		return strings.Join(n[:len(n)-1], ", ") + " and " + n[len(n)-1]
	}
	return strings.Join(n[:maxNames-1], ", ") + " and " + strconv.Itoa(len(n)-maxNames+1) + " others"
}

// ChatOptions are the settings of DialChat. A nil *ChatOptions is the zero
// value.
type ChatOptions struct {
	Hooks
	// Reconnect are the settings of the socket, which reconnects when a
	// connection ends. Defaults to nil: package reconnect's defaults.
	Reconnect *reconnect.Options
	// Nick is the nick to join with: 1-24 letters, digits, '-' or '_'.
	// The server appends a number to a nick already in the room; the
	// welcome tells the one given. Defaults to none: the server names the
	// client "guest-<n>".
	Nick string
	// OnWelcome is called when the server welcomed the client, with the
	// nick it was given.
	OnWelcome func(nick string)
	// OnEvent is called for every room event, in sequence order.
	OnEvent func(ChatEvent)
	// OnMissed is called when a gap in the sequence numbers shows that n
	// events were missed; the state's Missed is the total.
	OnMissed func(n int)
	// OnResume is called after the welcome of every connection but the
	// first, with whether the server sent everything missed while the
	// client was away (recovered) or could not (a gap the page must own).
	OnResume func(recovered bool)
	// History is how many room events the state keeps, the latest.
	// Defaults to 1000.
	History int
}

// ChatState is what the chat client knows of the room.
type ChatState struct {
	Conn
	Epoch   string      // the numbering of the room's seq, from the welcome
	Lost    int         // reconnections after which the server could not send what was missed
	Nick    string      // the nick the server gave, once Welcomed
	Events  []ChatEvent // the latest room events, in sequence order
	LastSeq uint64      // the last sequence number seen, the welcome's included
	Missed  int         // events missed, from the gaps in the sequence
	Pending int         // own messages not yet seen coming back from the room
	Refused int         // own messages the room refused (a Refused event each)
}

// Chat is a client of the chat room.
type Chat struct {
	s         socket[ChatState]
	onWelcome func(string)
	onEvent   func(ChatEvent)
	onMissed  func(int)
	onResume  func(bool)
	history   int
}

// ValidNick reports whether the server accepts nick: 1 to 24 ASCII letters,
// digits, '-' or '_'.
func ValidNick(nick string) bool {
	if nick == "" || len(nick) > MaxNick {
		return false
	}
	for _, c := range []byte(nick) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// DialChat joins the chat room of base, the server's ws:// or wss:// URL as
// BaseURL returns it. It returns an error wrapping ErrInvalid for a nick the
// server would refuse. The client is CONNECTING on return.
func DialChat(base string, opts *ChatOptions) (*Chat, error) {
	var o ChatOptions
	if opts != nil {
		o = *opts
	}
	u := endpoint(base, ChatPath) + "?"
	if o.Nick != "" {
		if !ValidNick(o.Nick) {
			return nil, fmt.Errorf("client: nick %q: must be 1-%d letters, digits, '-' or '_': %w", o.Nick, MaxNick, ErrInvalid)
		}
		u += "nick=" + url.QueryEscape(o.Nick) + "&"
	}
	c := &Chat{onWelcome: o.OnWelcome, onEvent: o.OnEvent, onMissed: o.OnMissed, onResume: o.OnResume, history: o.History}
	if c.history <= 0 {
		c.history = 1000
	}
	// Every attempt after a welcome asks for what was missed since.
	resume := func() string {
		st, _ := c.s.get()
		return resumeQuery(st.Epoch, st.LastSeq)
	}
	err := c.s.open(u, resume, o.Reconnect, o.Hooks,
		func(st *ChatState) *Conn { return &st.Conn },
		func(st *ChatState) { st.Events = slices.Clip(st.Events) },
		c.message)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// chatWire is a chat message on the wire, in either direction.
type chatWire struct {
	Type   string   `json:"type"`
	Nick   string   `json:"nick,omitempty"`
	Nicks  []string `json:"nicks,omitempty"`
	Text   string   `json:"text,omitempty"`
	Reason string   `json:"reason,omitempty"`
	Seq    uint64   `json:"seq,omitempty"`
	Time   string   `json:"time,omitempty"`
}

// ParseChat parses a message from the chat endpoint: a welcome, which has
// Type Welcome, or a room event. It returns an error for anything the
// protocol does not allow.
func ParseChat(m wsapi.MessageEvent) (ChatEvent, error) {
	if m.Type != wsapi.Text {
		return ChatEvent{}, fmt.Errorf("chat: %d-byte binary message: the protocol is JSON text", len(m.Data))
	}
	var w chatWire
	if err := json.Unmarshal(m.Data, &w); err != nil {
		return ChatEvent{}, fmt.Errorf("chat: failed to parse message: %w", err)
	}
	ev := ChatEvent{Type: ChatEventType(w.Type), Nick: w.Nick, Text: w.Text, Reason: w.Reason, Seq: w.Seq}
	if ev.Type == Refused {
		return parseRefused(ev, w)
	}
	if w.Reason != "" {
		return ChatEvent{}, fmt.Errorf("chat: %s message with a reason", w.Type)
	}
	switch ev.Type {
	case Welcome, Join, Leave:
		if w.Text != "" {
			return ChatEvent{}, fmt.Errorf("chat: %s message with text", w.Type)
		}
	case Say:
	default:
		return ChatEvent{}, fmt.Errorf("chat: unknown message type %q", w.Type)
	}
	if w.Nick == "" {
		return ChatEvent{}, fmt.Errorf("chat: %s message without nick", w.Type)
	}
	switch {
	case w.Nicks == nil && (ev.Type == Join || ev.Type == Leave):
		ev.Nicks = []string{w.Nick}
	case w.Nicks == nil:
	case ev.Type != Join && ev.Type != Leave:
		return ChatEvent{}, fmt.Errorf("chat: %s message with nicks", w.Type)
	case len(w.Nicks) < 2 || w.Nicks[0] != w.Nick || slices.Contains(w.Nicks, ""):
		return ChatEvent{}, fmt.Errorf("chat: %s message: nicks %q do not follow nick %q", w.Type, w.Nicks, w.Nick)
	default:
		ev.Nicks = w.Nicks
	}
	if w.Seq == 0 && ev.Type != Welcome {
		return ChatEvent{}, fmt.Errorf("chat: %s message without seq", w.Type)
	}
	t, err := time.Parse(time.RFC3339Nano, w.Time)
	if err != nil {
		return ChatEvent{}, fmt.Errorf("chat: %s message: bad time: %w", w.Type, err)
	}
	ev.Time = t
	return ev, nil
}

// parseRefused checks a refusal: the say's text and a reason, and neither
// a nick nor a seq, as it is no room event.
func parseRefused(ev ChatEvent, w chatWire) (ChatEvent, error) {
	if w.Text == "" || w.Reason == "" || w.Nick != "" || w.Nicks != nil || w.Seq != 0 {
		return ChatEvent{}, fmt.Errorf("chat: refused message: want text and reason, no nick, nicks or seq")
	}
	t, err := time.Parse(time.RFC3339Nano, w.Time)
	if err != nil {
		return ChatEvent{}, fmt.Errorf("chat: refused message: bad time: %w", err)
	}
	ev.Time = t
	return ev, nil
}

func (c *Chat) message(m wsapi.MessageEvent) error {
	ev, err := ParseChat(m)
	if err != nil {
		return err
	}
	var w welcome
	if ev.Type == Welcome {
		if w, _, err = parseWelcome(m); err != nil {
			return fmt.Errorf("chat: %w", err)
		}
	}
	var missed int
	var welcomed, resumed, recovered bool
	c.s.update(func(st *ChatState) {
		switch {
		case ev.Type == Welcome:
			if st.Welcomed {
				err = errors.New("chat: a second welcome")
				return
			}
			resumed = st.Epoch != ""
			recovered = resumed && w.Recovered != nil && *w.Recovered
			if !recovered {
				// Live from here; a gap, if resumed, is owned below.
				st.LastSeq = ev.Seq
			}
			if resumed && !recovered {
				st.Lost++
			}
			st.Welcomed, st.Nick, st.Epoch, welcomed = true, ev.Nick, w.Epoch, true
			return
		case !st.Welcomed:
			err = fmt.Errorf("chat: %s before the welcome", ev.Type)
			return
		case ev.Type == Refused:
			st.Refused++
			if st.Pending > 0 {
				st.Pending--
			}
			return
		case ev.Seq <= st.LastSeq:
			err = fmt.Errorf("chat: %s with seq %d after seq %d", ev.Type, ev.Seq, st.LastSeq)
			return
		}
		if gap := ev.Seq - st.LastSeq - 1; gap > 0 {
			missed = int(gap)
			st.Missed += missed
		}
		st.LastSeq = ev.Seq
		st.Events = appendCapped(st.Events, ev, c.history)
		if ev.Type == Say && ev.Nick == st.Nick && st.Pending > 0 {
			st.Pending--
		}
	})
	if err != nil {
		return err
	}
	switch {
	case welcomed:
		if c.onWelcome != nil {
			c.onWelcome(ev.Nick)
		}
		if resumed && c.onResume != nil {
			c.onResume(recovered)
		}
		return nil
	case missed > 0 && c.onMissed != nil:
		c.onMissed(missed)
	}
	if c.onEvent != nil {
		c.onEvent(ev)
	}
	return nil
}

// Say sends text to the room. The room's own copy, an event of the state
// and of OnEvent, is the server's acknowledgement. It returns an error
// wrapping ErrInvalid for text the server would refuse (empty, over 1000
// characters, or not UTF-8) and one wrapping ErrNotOpen unless the socket
// is OPEN.
func (c *Chat) Say(text string) error {
	if n := utf8.RuneCountInString(text); n == 0 || n > MaxSay || !utf8.ValidString(text) {
		return fmt.Errorf("client: chat text must be 1-%d characters of UTF-8, not %d: %w", MaxSay, n, ErrInvalid)
	}
	b, err := json.Marshal(chatWire{Type: string(Say), Text: text})
	if err != nil {
		return err
	}
	// Counted first: the room's copy may come back before send returns.
	c.s.update(func(st *ChatState) { st.Pending++ })
	if err := c.s.send(wsapi.Text, b); err != nil {
		c.s.update(func(st *ChatState) { st.Pending-- })
		return err
	}
	return nil
}

// State returns a copy of the client's state.
func (c *Chat) State() ChatState { return c.s.state() }

// Wait blocks until cond holds for the state and returns that state. It
// returns an error wrapping ctx's error when ctx ends, and a
// *wsapi.CloseError when the socket closed and cond does not hold.
func (c *Chat) Wait(ctx context.Context, cond func(ChatState) bool) (ChatState, error) {
	return c.s.wait(ctx, cond)
}

// Socket returns the client's socket, for its ReadyState and
// BufferedAmount. Do not set its handlers: the client owns them.
func (c *Chat) Socket() *reconnect.Socket { return c.s.ws }

// Close leaves the room: close 1000 "disconnect". The state's Local is then
// true when the close event comes.
func (c *Chat) Close() error { return c.s.close() }
