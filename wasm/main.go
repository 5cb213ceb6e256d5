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
	"slices"
	"strconv"
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

// log appends a line to the event log and returns its element.
func (a *app) log(socket, kind, line string) safejs.Value {
	li := create("li", "", line)
	setAttr(li, "data-socket", socket)
	setAttr(li, "data-kind", kind)
	setAttr(li, "data-time", time.Now().Format("15:04:05.000"))
	appendCapped(a.el["log"], li, logMax)
	return li
}

// showError shows msg in the page's error bar until the next connect or a
// click on it.
func (a *app) showError(msg string) {
	fmt.Fprintln(os.Stderr, "wsapi-demo:", msg)
	setText(a.el["error"], msg)
	setHidden(a.el["error"], false)
}

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

func (a *app) onQuote(gen int, q client.Quote, count int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen != a.gen {
		return
	}
	trend := ""
	switch {
	case a.last != 0 && q.Price > a.last:
		trend = "up"
	case a.last != 0 && q.Price < a.last:
		trend = "down"
	}
	a.last = q.Price
	a.prices = append(a.prices, q.Price)
	if len(a.prices) > sparkMax {
		a.prices = a.prices[len(a.prices)-sparkMax:]
	}
	// The text reads "GOPHER 101.25"; the spans are for the style.
	t := a.el["ticker"]
	call(t, "replaceChildren",
		create("span", "symbol", q.Symbol), " ",
		create("span", "price", strconv.FormatFloat(q.Price, 'f', 2, 64)))
	setAttr(t, "data-trend", trend)
	setText(a.el["ticks-count"], strconv.Itoa(count))
	line := sparkline(a.prices)
	setAttr(a.el["spark-line"], "points", line)
	if line != "" {
		line = "0,30 " + line + " 100,30"
	}
	setAttr(a.el["spark-area"], "points", line)
}

// sparkline returns the points of a polyline drawing prices across a 100×30
// box, the lowest at the bottom.
func sparkline(prices []float64) string {
	if len(prices) < 2 {
		return ""
	}
	lo, hi := prices[0], prices[0]
	for _, p := range prices {
		lo, hi = min(lo, p), max(hi, p)
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	var b strings.Builder
	for i, p := range prices {
		x := float64(i) * 100 / float64(len(prices)-1)
		y := 28 - (p-lo)/span*24
		fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
	}
	return strings.TrimSpace(b.String())
}

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
