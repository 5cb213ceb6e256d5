package wsapi

import "strconv"

// ReadyState mirrors WebSocket.readyState; the numbers are the browser's.
type ReadyState uint16

// The four states of a socket, in the order a socket passes through them.
const (
	Connecting ReadyState = 0
	Open       ReadyState = 1
	Closing    ReadyState = 2
	Closed     ReadyState = 3
)

// String returns the name the WebSocket specification gives the state.
func (s ReadyState) String() string {
	switch s {
	case Connecting:
		return "CONNECTING"
	case Open:
		return "OPEN"
	case Closing:
		return "CLOSING"
	case Closed:
		return "CLOSED"
	}
	return "ReadyState(" + strconv.Itoa(int(s)) + ")"
}

// MessageType says whether a message came in a text or a binary frame.
type MessageType int

// The message types carry the RFC 6455 opcodes so they print as the wire
// would.
const (
	Text   MessageType = 1 // RFC 6455 opcode 1
	Binary MessageType = 2 // RFC 6455 opcode 2
)

// String returns "text" or "binary".
func (t MessageType) String() string {
	switch t {
	case Text:
		return "text"
	case Binary:
		return "binary"
	}
	return "MessageType(" + strconv.Itoa(int(t)) + ")"
}

// MessageEvent is one message, whole: the browser never shows fragments.
type MessageEvent struct {
	Type MessageType
	Data []byte // a text message's UTF-8 bytes, or a binary message's bytes
}

// Text returns the message's data as a string, for text messages.
func (e MessageEvent) Text() string { return string(e.Data) }

// CloseEvent is what the close event reports: the status the peer sent.
type CloseEvent struct {
	Code     int // 1005 when the close frame had no status, 1006 when there was none
	Reason   string
	WasClean bool
}
