//go:build js && wasm

package main

import (
	"github.com/go-wsapi/wsapi/wasm/client"
	"github.com/go-wsapi/wsapi/wsapi"
)

// The echo panel: the input sent as text or binary, and what came back.

func (a *app) sendEcho(typ wsapi.MessageType) {
	a.mu.Lock()
	e := a.echo
	a.mu.Unlock()
	if e == nil {
		a.showError("Connect first.")
		return
	}
	s := getString(a.el["echo-input"], "value")
	var err error
	if typ == wsapi.Text {
		err = e.SendText(s)
	} else {
		err = e.SendBinary([]byte(s))
	}
	if err != nil {
		a.showError("Echo: " + err.Error())
	}
}

func (a *app) onEcho(gen int, m client.EchoMessage) {
	if !a.current(gen) {
		return
	}
	appendCapped(a.el["echo-output"], create("li", m.Type.String(), m.String()), echoMax)
}
