//go:build !js

package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// Limits of the chat protocol.
const (
	maxNick = 24   // characters of a nick asked for
	maxSay  = 1000 // characters of a say
)

// validNick reports whether nick is 1 to 24 ASCII letters, digits, '-'
// and '_'. ASCII only: look-alike letters from other scripts would let one
// user pass for another.
func validNick(nick string) bool {
	if len(nick) == 0 || len(nick) > maxNick {
		return false
	}
	for i := 0; i < len(nick); i++ {
		b := nick[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// serveChat checks the nick before the upgrade, so that a bad one gets a
// plain 400 the page can show.
func (s *Server) serveChat(w http.ResponseWriter, r *http.Request) {
	nick := r.URL.Query().Get("nick")
	if nick != "" && !validNick(nick) {
		http.Error(w, "invalid nick: use 1 to 24 letters, digits, - and _", http.StatusBadRequest)
		return
	}
	s.serveWS(w, r, chatEndpoint, nick)
}

var chatEndpoint = &endpoint{
	path: "/ws/chat",
	open: func(s *Server, c *client) {
		s.room.join(c)
	},
	read: func(s *Server, c *client) error {
		for {
			typ, data, err := c.readMessage()
			if err != nil {
				return err
			}
			text, ok := parseSay(typ, data)
			if !ok {
				return errBadMessage
			}
			s.room.say(c, text)
		}
	},
	closed: func(s *Server, c *client) {
		s.room.leave(c)
	},
}

// parseSay reads {"type":"say","text":"..."}, the one message a client
// sends. The keys must be spelled exactly so, each at most once; other
// keys are ignored. encoding/json alone would take "TEXT" for "text" and
// the last of two "text" keys, where a filter in front of the server
// could read the first: two readers of one message must not disagree.
func parseSay(typ websocket.MessageType, data []byte) (string, bool) {
	if typ != websocket.MessageText || !utf8.Valid(data) || !json.Valid(data) {
		return "", false
	}
	d := json.NewDecoder(bytes.NewReader(data))
	if tok, _ := d.Token(); tok != json.Delim('{') {
		return "", false
	}
	var fields [2]*string // type, text
	for d.More() {
		tok, _ := d.Token()
		var f **string
		switch tok {
		case "type":
			f = &fields[0]
		case "text":
			f = &fields[1]
		default:
			var skip json.RawMessage
			if d.Decode(&skip) != nil {
				return "", false
			}
			continue
		}
		var v string
		if *f != nil || d.Decode(&v) != nil {
			return "", false // twice, or not a string
		}
		*f = &v
	}
	if fields[0] == nil || *fields[0] != "say" || fields[1] == nil {
		return "", false
	}
	text := *fields[1]
	if n := utf8.RuneCountInString(text); n < 1 || n > maxSay {
		return "", false
	}
	return text, true
}

// event is a room event as sent; Text is set for say only.
type event struct {
	Type string `json:"type"`
	Nick string `json:"nick"`
	Text string `json:"text,omitempty"`
	Seq  int64  `json:"seq"`
	Time string `json:"time"`
}

// timeFormat is RFC 3339 with milliseconds, for UTC times.
const timeFormat = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string {
	return t.UTC().Format(timeFormat)
}

// encode makes the frame of a server message, whose fields always encode.
func encode(v any) *message {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return &message{typ: websocket.MessageText, data: data}
}

// room is the chat room: its members, their nicks and the seq.
//
// Everything happens under mu, so that seq numbers go out in order, but
// nothing under mu waits: a member gets a message by client.send, which
// fails when its queue is full, and such a member is kicked out.
type room struct {
	mu      sync.Mutex
	seq     int64
	clients []*client
	nicks   map[string]bool
	guests  int
	closed  bool // shutting down: no more broadcasts
}

func newRoom() *room {
	return &room{nicks: make(map[string]bool)}
}

// join gives c its nick, sends it the welcome and announces it.
func (r *room) join(c *client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.nick == "" {
		r.guests++
		c.nick = "guest-" + strconv.Itoa(r.guests)
	}
	c.nick = r.unique(c.nick)
	r.nicks[c.nick] = true
	c.roomSlot = len(r.clients)
	r.clients = append(r.clients, c)
	// The queue is new and holds at least two messages: this cannot fail.
	c.send(encode(event{Type: "welcome", Nick: c.nick, Seq: r.seq, Time: stamp(time.Now())}))
	r.publish("join", c.nick, "")
}

// unique returns nick, or nick with the first free suffix from -2 on.
func (r *room) unique(nick string) string {
	if !r.nicks[nick] {
		return nick
	}
	for i := 2; ; i++ {
		n := nick + "-" + strconv.Itoa(i)
		if !r.nicks[n] {
			return n
		}
	}
}

// say publishes text from c, unless c has been kicked out.
func (r *room) say(c *client, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.roomSlot >= 0 {
		r.publish("say", c.nick, text)
	}
}

// leave removes c and announces it, unless it has been kicked out.
func (r *room) leave(c *client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.roomSlot >= 0 {
		r.remove(c)
		r.publish("leave", c.nick, "")
	}
}

// shutdown stops the broadcasts: every member is being closed.
func (r *room) shutdown() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
}

func (r *room) remove(c *client) {
	last := len(r.clients) - 1
	moved := r.clients[last]
	r.clients[c.roomSlot] = moved
	moved.roomSlot = c.roomSlot
	r.clients[last] = nil
	r.clients = r.clients[:last]
	c.roomSlot = -1
	delete(r.nicks, c.nick)
}

// publish sends the next event to every member, with r.mu held. It never
// waits: a member whose queue is full is kicked out with 1008 "too slow",
// which is announced in turn.
func (r *room) publish(typ, nick, text string) {
	if r.closed {
		return
	}
	r.seq++
	m := encode(event{Type: typ, Nick: nick, Text: text, Seq: r.seq, Time: stamp(time.Now())})
	var slow []*client
	for _, c := range r.clients {
		if !c.send(m) {
			slow = append(slow, c)
		}
	}
	for _, c := range slow {
		r.remove(c)
		c.kick(websocket.StatusPolicyViolation, "too slow")
	}
	for _, c := range slow {
		r.publish("leave", c.nick, "")
	}
}
