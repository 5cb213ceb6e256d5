package reconnect

import (
	"errors"
	"reflect"
	"strconv"
)

// Errors, for errors.Is. Every error for bad input names the bad value.
var (
	// ErrOption is wrapped by New's error for a bad Options field.
	ErrOption = errors.New("invalid option")
	// ErrQueueFull is wrapped by a send refused because the queue of
	// messages waiting for the next open is at MaxQueued or
	// MaxQueuedBytes. The message was not queued: nothing is dropped
	// silently.
	ErrQueueFull = errors.New("send queue full")
	// ErrRetriesExhausted is wrapped by Err when the socket gave up after
	// MaxRetries retries.
	ErrRetriesExhausted = errors.New("retries exhausted")
	// ErrStopped is wrapped by Err when the close policy said not to come
	// back; the error also wraps a *wsapi.CloseError with the close.
	ErrStopped = errors.New("close policy said stop")
	// ErrProvider is wrapped by the error OnError receives when the
	// URLProvider or ProtocolsProvider failed or gave an empty URL.
	ErrProvider = errors.New("provider failed")
)

// optionError is New's error for a bad Options field.
func optionError(field, why string) error {
	return &wrapError{msg: "reconnect: failed to construct Socket: Options." + field + " " + why + ": " + ErrOption.Error(), errs: []error{ErrOption}}
}

// wrapError is fmt.Errorf("msg: %w", errs...) without fmt, which the
// browser build would otherwise link for this alone.
type wrapError struct {
	msg  string
	errs []error
}

func (e *wrapError) Error() string   { return e.msg }
func (e *wrapError) Unwrap() []error { return e.errs }

// wrap returns "msg: err", wrapping err and the extra sentinels.
func wrap(msg string, err error, also ...error) error {
	return &wrapError{msg: msg + ": " + err.Error(), errs: append([]error{err}, also...)}
}

// quoteShort is fmt's %.40q: s quoted, cut after 40 characters.
func quoteShort(s string) string {
	n := 0
	for i := range s {
		if n == 40 {
			s = s[:i]
			break
		}
		n++
	}
	return strconv.Quote(s)
}

// typeName is fmt's %T.
func typeName(v any) string {
	if v == nil {
		return "<nil>"
	}
	return reflect.TypeOf(v).String()
}
