//go:build js && wasm

package main

import (
	"slices"
	"strconv"
	"strings"

	"github.com/go-wsapi/wsapi/wasm/client"
)

// The chat panel: what is said, who comes and goes, and whether a
// reconnected client got back what it missed.

func (a *app) say() {
	a.mu.Lock()
	c := a.chat
	a.mu.Unlock()
	if c == nil {
		a.showError("Connect first.")
		return
	}
	in := a.el["chat-input"]
	if err := c.Say(getString(in, "value")); err != nil {
		a.showError("Chat: " + err.Error())
		return
	}
	set(in, "value", "")
}

func (a *app) onWelcome(gen int, nick string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen != a.gen {
		return
	}
	a.nick = nick
	setText(a.el["chat-nick"], "as "+nick)
}

func (a *app) onChat(gen int, e client.ChatEvent) {
	a.mu.Lock()
	own := a.nick
	ok := gen == a.gen
	a.mu.Unlock()
	if !ok {
		return
	}
	class := string(e.Type)
	if e.Nick == own || slices.Contains(e.Nicks, own) {
		class += " mine"
	}
	li := create("li", class, "")
	setAttr(li, "data-seq", strconv.FormatUint(e.Seq, 10))
	setAttr(li, "data-type", string(e.Type))
	setAttr(li, "data-time", e.Time.Local().Format("15:04:05"))
	if e.Type == client.Say {
		// The text reads "<nick>: <text>"; the spans are for the style.
		call(li, "append", create("span", "nick", e.Nick), ": ", create("span", "text", e.Text))
	} else {
		setText(li, e.String())
		if len(e.Nicks) > 1 {
			// The text names a few; the tooltip, everyone.
			setAttr(li, "title", strings.Join(e.Nicks, ", "))
		}
	}
	appendCapped(a.el["chat-messages"], li, chatMax)
}

// onResume says in the chat whether the room sent what was said while
// this client was away, or could not.
func (a *app) onResume(gen int, recovered bool) {
	if !a.current(gen) {
		return
	}
	class, typ := "notice-line", "resumed"
	if !recovered {
		class, typ = "notice-line lost", "lost"
	}
	li := create("li", class, client.Resumed(recovered))
	setAttr(li, "data-type", typ)
	appendCapped(a.el["chat-messages"], li, chatMax)
}

func (a *app) onMissed(gen int) {
	a.mu.Lock()
	c := a.chat
	ok := gen == a.gen
	a.mu.Unlock()
	if !ok || c == nil {
		return
	}
	setText(a.el["chat-gap"], "missed "+strconv.Itoa(c.State().Missed))
	setHidden(a.el["chat-gap"], false)
}
