package reconnect

import (
	"errors"
	"fmt"
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

// wrapError is "msg: err", wrapping err and more sentinels, which
// fmt.Errorf cannot word so.
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

// quoteShort quotes s for an error message, cut after 40 characters.
func quoteShort(s string) string { return fmt.Sprintf("%.40q", s) }

// typeName names v's type for an error message.
func typeName(v any) string { return fmt.Sprintf("%T", v) }
