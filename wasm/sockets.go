//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wasm/client"
	"github.com/go-wsapi/wsapi/wsapi"
)

// The three sockets (echo, chat, ticks) are opened and closed together, by
// the Connect and Disconnect buttons; gen tells the events of the latest
// connect from late ones of the sockets before it.

// connect opens the three sockets, closing those of a previous connect.
func (a *app) connect() {
	nick := strings.TrimSpace(getString(a.el["nick"], "value"))
	if nick != "" && !client.ValidNick(nick) {
		a.showError(fmt.Sprintf("Nick %q: use 1-%d letters, digits, '-' or '_'.", nick, client.MaxNick))
		return
	}
	setHidden(a.el["banner"], true)
	setHidden(a.el["error"], true)
	clearChildren(a.el["chat-messages"])
	setHidden(a.el["chat-gap"], true)
	setText(a.el["chat-nick"], "")
	setText(a.el["ticker"], "—")
	setAttr(a.el["ticker"], "data-trend", "")
	setText(a.el["ticks-count"], "0")
	setAttr(a.el["spark-line"], "points", "")
	setAttr(a.el["spark-area"], "points", "")

	a.mu.Lock()
	defer a.mu.Unlock()
	a.closeLocked()
	a.gen++
	gen := a.gen
	a.nick, a.prices, a.last = "", nil, 0
	var errs []error
	var err error
	a.echo, err = client.DialEcho(a.base, &client.EchoOptions{
		Reconnect: a.rc,
		Hooks:     a.hooks("echo", gen),
		OnEcho:    func(m client.EchoMessage) { a.onEcho(gen, m) },
	})
	errs = append(errs, err)
	a.chat, err = client.DialChat(a.base, &client.ChatOptions{
		Reconnect: a.rc,
		Hooks:     a.hooks("chat", gen),
		Nick:      nick,
		OnWelcome: func(nick string) { a.onWelcome(gen, nick) },
		OnEvent:   func(e client.ChatEvent) { a.onChat(gen, e) },
		OnMissed:  func(int) { a.onMissed(gen) },
		OnResume:  func(ok bool) { a.onResume(gen, ok) },
	})
	errs = append(errs, err)
	a.ticks, err = client.DialTicks(a.base, &client.TicksOptions{
		Reconnect: a.rc,
		Hooks:     a.hooks("ticks", gen),
		OnQuote:   func(q client.Quote, n int) { a.onQuote(gen, q, n) },
	})
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		a.showError("Connect failed: " + err.Error())
	}
	a.refreshLocked()
}

// disconnect is the user's Disconnect: the sockets close with 1000, and
// their close shows no banner.
func (a *app) disconnect() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closeLocked()
	a.refreshLocked()
}

func (a *app) closeLocked() {
	if a.echo != nil {
		a.echo.Close()
	}
	if a.chat != nil {
		a.chat.Close()
	}
	if a.ticks != nil {
		a.ticks.Close()
	}
}

// current reports whether gen is the latest connect's.
func (a *app) current(gen int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return gen == a.gen
}

// hooks log a socket's events, and show the banner when it closes without
// the user's Disconnect.
func (a *app) hooks(name string, gen int) client.Hooks {
	return client.Hooks{
		Open: func() {
			a.log(name, "open", client.LogOpen(name))
			a.refresh()
		},
		Message: func(m wsapi.MessageEvent) { a.log(name, "message", client.LogMessage(name, m)) },
		Error:   func(error) { a.log(name, "error", client.LogError(name)) },
		Close: func(ev wsapi.CloseEvent, local bool) {
			li := a.log(name, "close", client.LogClose(name, ev))
			if local || (ev.Code == 1000 && ev.WasClean) {
				setAttr(li, "data-ok", "") // shown as routine, not as a failure
			}
			// The socket reconnects: the banner is for a close after
			// which it does not, and the header tells the rest.
			if !local && a.current(gen) && a.finalClose(name) {
				setText(a.el["banner"], client.ClosedBanner(ev))
				setHidden(a.el["banner"], false)
			}
			a.refresh()
		},
		Retry: func(r reconnect.Retry) {
			li := a.log(name, "retry", client.LogRetry(name, r))
			setAttr(li, "data-ok", "")
			a.refresh()
		},
		Invalid: func(_ wsapi.MessageEvent, err error) {
			a.showError(fmt.Sprintf("Ignored a message that breaks the protocol: %v", err))
		},
	}
}

// finalClose reports whether the socket of the named client will not
// reconnect.
func (a *app) finalClose(name string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	var s *reconnect.Socket
	switch {
	case name == "echo" && a.echo != nil:
		s = a.echo.Socket()
	case name == "chat" && a.chat != nil:
		s = a.chat.Socket()
	case name == "ticks" && a.ticks != nil:
		s = a.ticks.Socket()
	default:
		return true
	}
	return s.ReadyState() == wsapi.Closed
}
