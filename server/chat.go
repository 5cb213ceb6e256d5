//go:build !js

package server

import (
	"bytes"
	"encoding/json"
	"net/http"
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

// refusal tells the sender of a say that the room did not take it
// (docs/wire.md): it was not published, and nobody sees it.
type refusal struct {
	Type   string `json:"type"` // "refused"
	Text   string `json:"text"` // the say's
	Reason string `json:"reason"`
	Time   string `json:"time"`
}

// reasonBusy refuses a say while the room's events wait to be stored
// (Options.PublishQueue): the sender may say it again later.
const reasonBusy = "busy"

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
