package wsapi

import "strconv"

// The close codes of RFC 6455 section 7.4.1 and of IANA's WebSocket Close
// Code Number Registry, under coder/websocket's names so that code moved
// from one library to the other reads the same. They are untyped
// constants: CloseWithStatus, CloseEvent.Code and CloseStatus take and give
// plain ints, and these go in and compare without a conversion.
//
// Only StatusNormalClosure and 3000-4999 may be passed to CloseWithStatus,
// as in the browser; the others are what a CloseEvent may report.
const (
	StatusNormalClosure   = 1000 // the purpose of the connection is fulfilled
	StatusGoingAway       = 1001 // a server going down, or a page navigated away
	StatusProtocolError   = 1002 // the peer broke the protocol
	StatusUnsupportedData = 1003 // a type of data the endpoint cannot accept

	// StatusNoStatusRcvd is reported when the close frame had no status;
	// it is never sent.
	StatusNoStatusRcvd = 1005
	// StatusAbnormalClosure is reported when there was no close frame at
	// all: a failed handshake, a dropped connection; it is never sent.
	StatusAbnormalClosure = 1006

	StatusInvalidFramePayloadData = 1007 // data not of the message's type, such as text that is not UTF-8
	StatusPolicyViolation         = 1008 // a message that breaks the endpoint's policy
	StatusMessageTooBig           = 1009 // a message too big to process
	StatusMandatoryExtension      = 1010 // the client wanted an extension the server did not agree to
	StatusInternalError           = 1011 // the server met an unexpected condition
	StatusServiceRestart          = 1012 // the server is restarting (IANA)
	StatusTryAgainLater           = 1013 // the server is overloaded (IANA)
	StatusBadGateway              = 1014 // a gateway got a bad response upstream (IANA)

	// StatusTLSHandshake is reported when the TLS handshake failed; it is
	// never sent.
	StatusTLSHandshake = 1015

	// The IANA registry's codes in 3000-3999, for libraries and
	// frameworks; a page may send them.
	StatusUnauthorized = 3000 // the endpoint needs credentials it did not get
	StatusForbidden    = 3003 // the credentials do not allow the connection
	StatusTimeout      = 3008 // the endpoint waited too long for the peer
)

// statusNames are the registry's names of the codes above, indexed by code
// minus 1000 for 1000-1015.
var statusNames = [...]string{
	"Normal Closure", "Going Away", "Protocol Error", "Unsupported Data",
	"Reserved", "No Status Rcvd", "Abnormal Closure", "Invalid Frame Payload Data",
	"Policy Violation", "Message Too Big", "Mandatory Extension", "Internal Error",
	"Service Restart", "Try Again Later", "Bad Gateway", "TLS Handshake",
}

// StatusText returns the IANA registry's name for a close code, such as
// "Normal Closure" for 1000, as net/http's StatusText names an HTTP status:
// "Private Use" for 4000-4999, the applications' own range, and "" for a
// code the registry does not name.
func StatusText(code int) string {
	switch {
	case code >= 1000 && code < 1000+len(statusNames):
		return statusNames[code-1000]
	case code == StatusUnauthorized:
		return "Unauthorized"
	case code == StatusForbidden:
		return "Forbidden"
	case code == StatusTimeout:
		return "Timeout"
	case code >= 4000 && code <= 4999:
		return "Private Use"
	}
	return ""
}

// String formats the event for a log line, with the code's name:
// `1000 Normal Closure "bye" (clean)`, `1006 Abnormal Closure "" (not clean)`.
func (e CloseEvent) String() string {
	s := strconv.Itoa(e.Code)
	if name := StatusText(e.Code); name != "" {
		s += " " + name
	}
	s += " " + strconv.Quote(e.Reason)
	if e.WasClean {
		return s + " (clean)"
	}
	return s + " (not clean)"
}
