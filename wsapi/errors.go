package wsapi

import "errors"

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
