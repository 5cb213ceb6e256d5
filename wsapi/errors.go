package wsapi

import (
	"errors"
	"fmt"
)

// The browser's DOMException names, for errors.Is. Every error a method
// returns for bad input wraps one of these and names the bad value.
var (
	// ErrSyntax is the browser's SyntaxError: a bad URL, a bad protocol
	// list, or a close reason over 123 bytes.
	ErrSyntax = errors.New("SyntaxError")
	// ErrInvalidState is the browser's InvalidStateError: Send while
	// CONNECTING.
	ErrInvalidState = errors.New("InvalidStateError")
	// ErrInvalidAccess is the browser's InvalidAccessError: a close code
	// that is not 1000 or 3000-4999.
	ErrInvalidAccess = errors.New("InvalidAccessError")
	// ErrNotSupported is returned where an option asks for something this
	// platform cannot do, such as custom HTTP headers in the browser.
	ErrNotSupported = errors.New("NotSupportedError")
	// ErrConnection is wrapped by every error the OnError handler receives,
	// on both backends. The browser says nothing more about a failure; the
	// native backend wraps the cause as well.
	ErrConnection = errors.New("websocket connection failed")
)

// errClosedBeforeOpen is the cause of the failure of a socket closed while
// CONNECTING; Chrome reports the same case in its console.
var errClosedBeforeOpen = errors.New("WebSocket is closed before the connection is established")

// connectionError is the error the OnError handler receives: it wraps
// ErrConnection and the cause, and names the URL.
func connectionError(url string, cause error) error {
	return &connError{url: url, cause: cause}
}

type connError struct {
	url   string
	cause error
}

func (e *connError) Error() string {
	return "wsapi: connection to " + e.url + " failed: " + e.cause.Error()
}

func (e *connError) Unwrap() []error { return []error{ErrConnection, e.cause} }

// CloseError is the error of a wait that the socket's close ended: it
// carries the close event.
type CloseError struct {
	CloseEvent
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("wsapi: socket closed with %d %q (clean: %t)", e.Code, e.Reason, e.WasClean)
}

// CloseStatus returns the close code carried by err, a *CloseError or an
// error wrapping one, and -1 for any other error.
func CloseStatus(err error) int {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return -1
}

// The errors are formatted with fmt, which the browser build links anyway
// (through safejs): formatting them by hand made that build 957 bytes
// larger gzipped, not smaller (a minimal program, 2026-12-06).

// wrap returns the error "msg: err", which wraps err.
func wrap(msg string, err error) error { return fmt.Errorf("%s: %w", msg, err) }

// quoteShort quotes s for an error message, cut after 40 characters.
func quoteShort(s string) string { return fmt.Sprintf("%.40q", s) }

// typeName names v's type for an error message.
func typeName(v any) string { return fmt.Sprintf("%T", v) }
