//go:build js && wasm

package main

import (
	"strconv"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wasm/client"
	"github.com/go-wsapi/wsapi/wsapi"
)

// The header's live values, polled every pollEvery: each socket's state
// (or its next retry), the echo socket's bufferedAmount, and which buttons
// can be used. Only what changed is written to the DOM.

// refresh shows the live values: each socket's readyState, the echo
// socket's bufferedAmount, and which controls can be used.
func (a *app) refresh() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refreshLocked()
}

func (a *app) refreshLocked() {
	var echoS, chatS, ticksS *reconnect.Socket
	if a.echo != nil {
		echoS = a.echo.Socket()
	}
	if a.chat != nil {
		chatS = a.chat.Socket()
	}
	if a.ticks != nil {
		ticksS = a.ticks.Socket()
	}
	echo, chat, ticks := stateOf(echoS), stateOf(chatS), stateOf(ticksS)
	var buffered uint64
	if echoS != nil {
		buffered = echoS.BufferedAmount()
	}
	live := 0
	now := time.Now()
	for _, s := range []struct {
		id   string
		sock *reconnect.Socket
		st   wsapi.ReadyState
	}{{"state-echo", echoS, echo}, {"state-chat", chatS, chat}, {"state-ticks", ticksS, ticks}} {
		text := s.st.String()
		if s.sock != nil {
			// "reconnecting in 2.3 s (attempt 3)" while it waits.
			if r, ok := s.sock.NextRetry(); ok {
				text = client.RetryText(r, now)
			}
		}
		a.showText(s.id, text)
		a.showAttr(s.id, "data-state", s.st.String())
		if s.st == wsapi.Connecting || s.st == wsapi.Open {
			live++
		}
	}
	a.showText("buffered-echo", strconv.FormatUint(buffered, 10))
	a.showDisabled("connect", live == 3)
	a.showDisabled("disconnect", live == 0)
	a.showDisabled("echo-send-text", echo != wsapi.Open)
	a.showDisabled("echo-send-binary", echo != wsapi.Open)
	a.showDisabled("chat-send", chat != wsapi.Open)
}

// stateOf is the socket's ReadyState, CLOSED for none.
func stateOf(s *reconnect.Socket) wsapi.ReadyState {
	if s == nil {
		return wsapi.Closed
	}
	return s.ReadyState()
}

// showText, showAttr and showDisabled write to the DOM only what changed.
func (a *app) showText(id, s string) {
	if k := id + " text"; a.shown[k] != s {
		a.shown[k] = s
		setText(a.el[id], s)
	}
}

func (a *app) showAttr(id, name, s string) {
	if k := id + " " + name; a.shown[k] != s {
		a.shown[k] = s
		setAttr(a.el[id], name, s)
	}
}

func (a *app) showDisabled(id string, disabled bool) {
	s := strconv.FormatBool(disabled)
	if k := id + " disabled"; a.shown[k] != s {
		a.shown[k] = s
		set(a.el[id], "disabled", disabled)
	}
}
