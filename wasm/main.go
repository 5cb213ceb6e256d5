//go:build js && wasm

// Command wasm is the demo page's program, compiled to WebAssembly: it
// opens the companion server's echo, chat and ticks sockets with wsapi,
// through package client, and shows what they do on the page (web/). The
// element ids it drives are the contract with the end-to-end tests.
//
// Nothing here blocks a JS callback: event listeners only read the event
// and post the work to the action loop, and the sockets' own events arrive
// on their goroutines. The query string may set the nick (?nick=alice) and
// connect at once (?connect).
package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wasm/client"
	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/hack-pad/safejs"
)

// How much each list keeps, and how often the live values are read.
const (
	logMax    = 300
	echoMax   = 100
	chatMax   = 500
	sparkMax  = 60
	pollEvery = 100 * time.Millisecond
)

// ids are the page's elements the program drives.
var ids = []string{
	"loading", "load-error", "banner", "error", "about",
	"connect", "disconnect", "nick",
	"state-echo", "state-chat", "state-ticks", "buffered-echo",
	"log", "log-mute-ticks",
	"echo-input", "echo-send-text", "echo-send-binary", "echo-output",
	"chat-input", "chat-send", "chat-messages", "chat-gap", "chat-nick",
	"ticker", "ticks-count", "spark-line", "spark-area", "server",
}

type app struct {
	el      map[string]safejs.Value
	actions chan func()
	base    string // the server's ws:// or wss:// URL

	mu     sync.Mutex // guards what follows
	gen    int        // bumped by every connect, so late events of old sockets are told apart
	echo   *client.Echo
	chat   *client.Chat
	ticks  *client.Ticks
	nick   string    // the nick the room gave us
	prices []float64 // the latest quotes, for the sparkline
	last   float64   // the previous quote's price
	shown  map[string]string
	// rc are the sockets' reconnection settings: the defaults, or, with
	// ?lifecycle=off in the page's URL, no reaction to the page's and the
	// network's events (to see a page kept out of the back/forward cache).
	rc *reconnect.Options
}

func main() {
	a, err := newApp()
	if err != nil {
		// The loader shows #load-error when the program exits; this
		// says why.
		fmt.Fprintln(os.Stderr, "wsapi-demo:", err)
		if el, e := byID("load-error"); e == nil {
			setText(el, "The demo could not start: "+err.Error())
			setHidden(el, false)
		}
		os.Exit(1)
	}
	a.start()
	for f := range a.actions {
		a.run(f)
	}
}

func newApp() (*app, error) {
	a := &app{
		el:      make(map[string]safejs.Value, len(ids)),
		actions: make(chan func(), 64),
		shown:   make(map[string]string),
	}
	var errs []error
	for _, id := range ids {
		v, err := byID(id)
		if err != nil {
			errs = append(errs, err)
		}
		a.el[id] = v
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	loc := mustGlobal("location")
	base, err := client.BaseURL(getString(loc, "href"))
	if err != nil {
		return nil, err
	}
	a.base = base
	return a, nil
}

// start wires the page, starts the live values, and hides the loading
// notice: from here on the page works.
func (a *app) start() {
	listeners := []struct {
		id, typ string
		f       func(ev safejs.Value)
	}{
		{"connect", "click", func(safejs.Value) { a.post(a.connect) }},
		{"disconnect", "click", func(safejs.Value) { a.post(a.disconnect) }},
		{"nick", "keydown", onEnter(func() { a.post(a.connect) })},
		{"echo-send-text", "click", func(safejs.Value) { a.post(func() { a.sendEcho(wsapi.Text) }) }},
		{"echo-send-binary", "click", func(safejs.Value) { a.post(func() { a.sendEcho(wsapi.Binary) }) }},
		{"echo-input", "keydown", onEnter(func() { a.post(func() { a.sendEcho(wsapi.Text) }) })},
		{"chat-send", "click", func(safejs.Value) { a.post(a.say) }},
		{"chat-input", "keydown", onEnter(func() { a.post(a.say) })},
		{"banner", "click", func(safejs.Value) { setHidden(a.el["banner"], true) }},
		{"error", "click", func(safejs.Value) { setHidden(a.el["error"], true) }},
		{"log-mute-ticks", "change", func(ev safejs.Value) {
			muted, _ := get(get(ev, "target"), "checked").Bool()
			call(get(a.el["log"], "classList"), "toggle", "mute-ticks", muted)
		}},
	}
	for _, l := range listeners {
		if err := listen(a.el[l.id], l.typ, a.showError, l.f); err != nil {
			a.showError(fmt.Sprintf("failed to listen to %s on #%s: %v", l.typ, l.id, err))
		}
	}
	setText(a.el["about"], "Go "+runtime.Version()+" · "+runtime.GOOS+"/"+runtime.GOARCH)
	setText(a.el["server"], a.base)

	q, _ := url.ParseQuery(strings.TrimPrefix(getString(mustGlobal("location"), "search"), "?"))
	if n := q.Get("nick"); n != "" {
		set(a.el["nick"], "value", n)
	}
	if q.Get("lifecycle") == "off" {
		a.rc = &reconnect.Options{IgnoreNetwork: true, IgnoreVisibility: true, IgnorePageLifecycle: true}
	}
	if q.Has("connect") {
		a.post(a.connect)
	}

	a.refresh()
	go func() {
		t := time.NewTicker(pollEvery)
		defer t.Stop()
		for range t.C {
			a.refresh()
		}
	}()
	setHidden(a.el["loading"], true)
	setAttr(get(document, "body"), "data-wasm", "ready")
}

// onEnter returns a keydown listener that calls f for the Enter key.
func onEnter(f func()) func(ev safejs.Value) {
	return func(ev safejs.Value) {
		if getString(ev, "key") == "Enter" {
			f()
		}
	}
}

// post hands f to the action loop; a listener calls it and returns.
func (a *app) post(f func()) {
	select {
	case a.actions <- f:
	default:
		a.showError("too many clicks at once: one was dropped")
	}
}

// run runs one action, turning a panic into a message on the page.
func (a *app) run(f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "wsapi-demo: panic: %v\n%s", r, debug.Stack())
			a.showError(fmt.Sprintf("internal error: %v", r))
		}
	}()
	f()
}
