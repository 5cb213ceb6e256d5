// Package wsjson sends values as JSON text messages and decodes them, as
// coder/websocket's wsjson does, on every platform.
//
// It is a package of its own so that a program that does not use it does
// not link encoding/json.
package wsjson

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsread"
)

// TextSender is what Send sends through: a *wsapi.WebSocket, or a
// reconnecting socket, or anything with its SendText.
type TextSender interface {
	SendText(s string) error
}

// Send sends v's JSON encoding as one text message. A value that does not
// encode is an error naming its type, and nothing is sent. Like SendText,
// it does not block: see WaitBufferedAmount for a bound.
func Send(s TextSender, v any) error {
	if s == nil || (reflect.ValueOf(s).Kind() == reflect.Pointer && reflect.ValueOf(s).IsNil()) {
		return fmt.Errorf("wsjson: failed to send %T: nil sender", v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("wsjson: failed to encode %T: %w", v, err)
	}
	return s.SendText(string(b))
}

// Decode decodes m's JSON into v, a non-nil pointer. A message that does
// not decode is an error naming the message (its type, its length and
// the start of its data) and v's type. Binary messages decode too: JSON is
// bytes either way.
func Decode(m wsapi.MessageEvent, v any) error {
	if err := json.Unmarshal(m.Data, v); err != nil {
		return &DecodeError{Message: m, Target: v, Err: err}
	}
	return nil
}

// Read reads the next message from r and decodes it into v. A message that
// does not decode is consumed, and the error says so; the next Read reads
// the message after it.
func Read(ctx context.Context, r *wsread.Reader, v any) error {
	if r == nil {
		return fmt.Errorf("wsjson: failed to read into %T: nil *wsread.Reader", v)
	}
	m, err := r.Read(ctx)
	if err != nil {
		return err
	}
	return Decode(m, v)
}

// DecodeError is Decode's error for a message that is not v's JSON.
type DecodeError struct {
	Message wsapi.MessageEvent // the message, whole
	Target  any                // the value it was decoded into
	Err     error              // encoding/json's error
}

func (e *DecodeError) Error() string {
	data := e.Message.Data
	cut := ""
	if len(data) > 40 {
		data, cut = data[:40], "..."
	}
	return fmt.Sprintf("wsjson: failed to decode a %d-byte %s message %q%s into %T: %v", len(e.Message.Data), e.Message.Type, data, cut, e.Target, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }
