//go:build !js

package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
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
	path:      "/ws/chat",
	resumable: true,
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

// event is a room event as sent; Text is set for say only. A join or
// leave of several members names them all in Nicks, and the first in
// Nick too; one of a single member has no Nicks.
type event struct {
	Type  string   `json:"type"`
	Nick  string   `json:"nick"`
	Nicks []string `json:"nicks,omitempty"`
	Text  string   `json:"text,omitempty"`
	Seq   int64    `json:"seq"`
	Time  string   `json:"time"`
	// The welcome's: the numbering's name, and whether the events after
	// the client's since follow (absent without since).
	Epoch     string `json:"epoch,omitempty"`
	Recovered *bool  `json:"recovered,omitempty"`
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

// Presence announcements.
const (
	// presenceWindow is how long a join or leave may wait to be
	// announced together with the others of a burst.
	presenceWindow = 100 * time.Millisecond
	// maxPresenceNicks is the most nicks one join or leave event names:
	// 1000 nicks of at most 24 characters keep it under 32 KiB, the read
	// limit coder/websocket clients have by default.
	maxPresenceNicks = 1000
)

// room is the chat room: its members, their nicks and the seq.
//
// Everything happens under mu, so that seq numbers go out in order, but
// nothing under mu waits: a member gets a message by client.send, which
// fails when its queue is full, and such a member is kicked out.
//
// Joins and leaves are not announced one by one: a burst of them would
// cost one broadcast per member, each to every member. They wait, and
// flush announces all that wait at once, the leaves in one event, then
// the joins in another. flush runs from a timer, window after the first
// of them, and before a say of a member whose join waits, so that nobody
// sees a member talk before it joined. Only that say flushes: a say
// names its speaker alone, so the others' says need no flush, and a
// room that chats through a burst of joins still announces them
// together. A member that leaves before its join was announced is
// announced neither way, and a nick stays taken until its leave is
// announced, so that the room never names two members alike.
type room struct {
	mu      sync.Mutex
	seq     int64
	clients []*client
	nicks   map[string]bool // the members' and those of leaves not yet announced
	guests  int
	closed  bool // shutting down: no more broadcasts

	epoch   string  // names this numbering of seq
	history history // the latest events, for clients that come back

	window  time.Duration
	joins   []*client // joined, in order, not yet announced
	leaves  []string  // nicks of members gone, not yet announced
	timer   *time.Timer
	armed   bool           // timer will run flushTimer
	flushes sync.WaitGroup // one while armed, until flushTimer returns
}

func newRoom(epoch string, h history) *room {
	return &room{nicks: make(map[string]bool), window: presenceWindow, epoch: epoch, history: h}
}

// join gives c its nick and sends it the welcome at once, then, if it
// comes back with a resume position the history still covers, the events
// it missed, in order, before any live one (the room's lock is held); its
// join is announced with the next flush.
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
	now := time.Now()
	var missed []*message
	ok := false
	if c.resume.given && c.resume.epoch == r.epoch {
		missed, ok = r.history.after(c.resume.since, r.seq, now)
	}
	// The queue is new and holds at least two messages, and the replay
	// is given room of its own: this cannot fail.
	c.send(encode(event{Type: "welcome", Nick: c.nick, Seq: r.seq, Time: stamp(now),
		Epoch: r.epoch, Recovered: recoveredField(c.resume, ok)}))
	c.sendReplay(missed)
	c.joinPending = true
	r.joins = append(r.joins, c)
	r.arm()
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

// say publishes text from c, unless c has been kicked out. If c's join
// waits, the flush comes first.
func (r *room) say(c *client, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.roomSlot < 0 {
		return
	}
	if c.joinPending {
		r.flush()
		if c.roomSlot < 0 {
			return // dropped by the flush
		}
	}
	r.publish("say", []string{c.nick}, text)
}

// leave removes c, unless it has been kicked out already.
func (r *room) leave(c *client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.roomSlot >= 0 {
		r.remove(c)
	}
}

// shutdown stops the broadcasts: every member is being closed. Joins and
// leaves not yet announced never will be. It returns once no flush runs
// or will.
func (r *room) shutdown() {
	r.mu.Lock()
	r.closed = true
	r.joins, r.leaves = nil, nil
	r.disarm()
	r.mu.Unlock()
	r.flushes.Wait()
}

// remove takes c out of the room and has its leave announced, or, if its
// join waits still, neither.
func (r *room) remove(c *client) {
	last := len(r.clients) - 1
	moved := r.clients[last]
	r.clients[c.roomSlot] = moved
	moved.roomSlot = c.roomSlot
	r.clients[last] = nil
	r.clients = r.clients[:last]
	c.roomSlot = -1
	if c.joinPending {
		c.joinPending = false
		if i := slices.Index(r.joins, c); i >= 0 {
			r.joins = slices.Delete(r.joins, i, i+1)
		}
		delete(r.nicks, c.nick)
		return
	}
	r.leaves = append(r.leaves, c.nick)
	r.arm()
}

// arm makes the timer flush within window, unless it will already.
func (r *room) arm() {
	if r.armed || r.closed {
		return
	}
	r.armed = true
	r.flushes.Add(1)
	if r.timer == nil {
		r.timer = time.AfterFunc(r.window, r.flushTimer)
	} else {
		r.timer.Reset(r.window)
	}
}

// disarm stops the timer if it has yet to fire. If it has fired,
// flushTimer is waiting for mu, and does the rest.
func (r *room) disarm() {
	if r.armed && r.timer.Stop() {
		r.armed = false
		r.flushes.Done()
	}
}

// flushTimer runs in the timer's goroutine.
func (r *room) flushTimer() {
	defer r.flushes.Done()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed = false
	r.flush()
}

// flush announces the leaves that wait, then the joins, each in one
// event (of at most maxPresenceNicks nicks), with r.mu held. Members
// dropped meanwhile for being slow wait for the next flush.
func (r *room) flush() {
	r.disarm()
	if r.closed {
		return
	}
	if leaves := r.leaves; len(leaves) > 0 {
		r.leaves = nil
		for _, nick := range leaves {
			delete(r.nicks, nick)
		}
		r.publishAll("leave", leaves)
	}
	if joins := r.joins; len(joins) > 0 {
		r.joins = nil
		nicks := make([]string, len(joins))
		for i, c := range joins {
			c.joinPending = false
			nicks[i] = c.nick
		}
		r.publishAll("join", nicks)
	}
}

// publishAll publishes the join or leave of nicks.
func (r *room) publishAll(typ string, nicks []string) {
	for len(nicks) > 0 {
		n := min(len(nicks), maxPresenceNicks)
		r.publish(typ, nicks[:n:n], "")
		nicks = nicks[n:]
	}
}

// publish sends the next event to every member, with r.mu held. It never
// waits: a member whose queue is full is kicked out with 1008 "too slow",
// and its leave waits for the next flush.
func (r *room) publish(typ string, nicks []string, text string) {
	if r.closed {
		return
	}
	r.seq++
	now := time.Now()
	e := event{Type: typ, Nick: nicks[0], Text: text, Seq: r.seq, Time: stamp(now)}
	if len(nicks) > 1 {
		e.Nicks = nicks
	}
	m := encode(e)
	r.history.add(r.seq, now, m)
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
}
