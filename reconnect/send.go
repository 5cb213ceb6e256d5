package reconnect

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/go-wsapi/wsapi/wsapi"
)

// SendText sends s as a text message, or queues it while the socket is not
// open. See SendBinary.
func (s *Socket) SendText(text string) error {
	if !utf8.ValidString(text) {
		return wrap("reconnect: failed to send text "+quoteShort(text)+": not valid UTF-8", wsapi.ErrSyntax)
	}
	return s.send(wsapi.MessageEvent{Type: wsapi.Text, Data: []byte(text)}, func(ws *wsapi.WebSocket) error { return ws.SendText(text) })
}

// SendBinary sends a copy of b as a binary message. While the socket is
// not open (connecting or waiting to retry) the message is queued, up to
// MaxQueued messages and MaxQueuedBytes bytes, and goes out on the next
// open, in order and before anything sent after that open; beyond the
// bound it is refused with an error wrapping ErrQueueFull. Once closed, it
// is counted in BufferedAmount and not sent, as the browser does.
func (s *Socket) SendBinary(b []byte) error {
	return s.send(wsapi.MessageEvent{Type: wsapi.Binary, Data: b}, func(ws *wsapi.WebSocket) error { return ws.SendBinary(b) })
}

// Send sends a string as text and a []byte as binary; see SendBinary.
func (s *Socket) Send(data any) error {
	switch d := data.(type) {
	case string:
		return s.SendText(d)
	case []byte:
		return s.SendBinary(d)
	}
	return errors.New("reconnect: Send takes a string or a []byte, not " + typeName(data))
}

func (s *Socket) send(m wsapi.MessageEvent, direct func(*wsapi.WebSocket) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case wsapi.Open:
		// Under mu, so that it cannot pass the queue's flush.
		return direct(s.cur.ws)
	case wsapi.Closing, wsapi.Closed:
		if s.cur != nil {
			return direct(s.cur.ws)
		}
		s.lateBytes += uint64(len(m.Data))
		return nil
	}
	n := len(m.Data)
	if len(s.queue) >= s.o.MaxQueued || s.queuedBytes+n > s.o.MaxQueuedBytes {
		return wrap("reconnect: failed to queue "+strconv.Itoa(n)+"-byte "+m.Type.String()+" message: "+
			strconv.Itoa(len(s.queue))+" messages, "+strconv.Itoa(s.queuedBytes)+" bytes queued, limits "+
			strconv.Itoa(s.o.MaxQueued)+" and "+strconv.Itoa(s.o.MaxQueuedBytes), ErrQueueFull)
	}
	if m.Type == wsapi.Binary {
		m.Data = append([]byte(nil), m.Data...) // the caller keeps b
	}
	s.queue = append(s.queue, m)
	s.queuedBytes += n
	return nil
}

// DrainQueue removes and returns the messages queued for the next open,
// in order: after the final close, those that were never sent.
func (s *Socket) DrainQueue() []wsapi.MessageEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue, s.queuedBytes = nil, 0
	return q
}
