package reconnect

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// Options configure a reconnecting socket; a nil *Options means every
// default. New copies them: changing them afterwards changes nothing.
type Options struct {
	// Protocols are the subprotocols offered on every connection, most
	// preferred first. Defaults to none.
	Protocols []string

	// MinDelay is the bound of the first retry's delay, before jitter:
	// the first retry waits a random time below it. Defaults to 500ms
	// (centrifuge-js's).
	MinDelay time.Duration

	// MaxDelay is the largest delay between attempts. Defaults to 20s
	// (centrifuge-js's).
	MaxDelay time.Duration

	// Factor is how much the delay's bound grows from one retry to the
	// next; at least 1. Defaults to 2.
	Factor float64

	// MinUptime is how long a connection must stay open for the retry
	// count to start again from 1 when it ends: a server that accepts and
	// drops at once is not hammered at MinDelay. Defaults to 5s
	// (partysocket's).
	MinUptime time.Duration

	// ConnectTimeout bounds one attempt, providers included, from its
	// start to open; an attempt that takes longer fails (error, close
	// 1006) and is retried. Defaults to 10s.
	ConnectTimeout time.Duration

	// MaxRetries is how many retries in a row are made after a connection
	// ended before giving up; the count starts again after a connection
	// that stayed open MinUptime. Defaults to 0: no limit.
	MaxRetries int

	// ShouldReconnect judges each close the Socket did not ask for: true
	// to try again. Defaults to the package's ShouldReconnect.
	ShouldReconnect func(wsapi.CloseEvent) bool

	// URLProvider, when set, is called before every attempt for the URL
	// to connect to, so that a fresh token or another server can be used;
	// ctx ends with the attempt's ConnectTimeout or with Close. An error,
	// or a URL wsapi refuses, fails that attempt: OnError receives it and
	// the retry schedule goes on. Defaults to nil: New's url every time.
	URLProvider func(ctx context.Context) (string, error)

	// ProtocolsProvider, when set, is called before every attempt, after
	// URLProvider, for the subprotocols to offer, in place of Protocols.
	// Errors are handled as URLProvider's. Defaults to nil: Protocols.
	ProtocolsProvider func(ctx context.Context) ([]string, error)

	// MaxQueued is the most messages that Send queues while the socket is
	// not open; a send beyond it is refused with an error wrapping
	// ErrQueueFull. Defaults to 1024.
	MaxQueued int

	// MaxQueuedBytes is the most payload bytes that Send queues while the
	// socket is not open, as MaxQueued. Defaults to 1 MiB.
	MaxQueuedBytes int

	// IdleTimeout, when set, is a dead-link detector that works in the
	// browser too, where no ping can be sent: a connection that has
	// received no message for this long is given up, its close reported
	// as 1006, and a new one made. The server must then send something
	// at least that often (a heartbeat). Defaults to 0: off.
	IdleTimeout time.Duration

	// IgnoreNetwork turns off the reaction to the browser's offline and
	// online events: on offline, the connection is given up and no
	// attempt is made until online, which retries at once. Only in the
	// browser; elsewhere nothing reports them. Defaults to false.
	IgnoreNetwork bool

	// IgnoreVisibility turns off the reaction to the page's visibility:
	// while the page is hidden no new attempt is made (an open
	// connection stays), and when it shows again a waiting retry is made
	// at once. Only in the browser. Defaults to false.
	IgnoreVisibility bool

	// IgnorePageLifecycle turns off the reaction to pagehide and
	// pageshow: on pagehide the connection is closed (1000, "pagehide"),
	// as Phoenix does, so that a page entering the back/forward cache
	// ends its connections itself and cleanly, and on pageshow from the
	// cache a new connection is made at once. (Chromium 156 caches a page
	// with an open WebSocket too, but cuts it: the server sees 1001, the
	// page an error and close 1006 once restored; see e2e's
	// TestLifecycleBackForwardCache.) Only in the browser. Defaults to
	// false.
	IgnorePageLifecycle bool

	// WebSocket are the settings of each connection (headers, TLS, ping,
	// close timeout), as for wsapi.NewWithOptions; its Protocols must be
	// empty (use Protocols). Defaults to nil: wsapi's defaults.
	WebSocket *wsapi.Options

	// Rand is the source of the jitter, a number in [0, 1): tests fix it.
	// Defaults to math/rand/v2's Float64.
	Rand func() float64

	clock clock // the schedule's time; the package's tests set it
}

// Default settings; see Options.
const (
	DefaultMinDelay       = 500 * time.Millisecond
	DefaultMaxDelay       = 20 * time.Second
	DefaultFactor         = 2
	DefaultMinUptime      = 5 * time.Second
	DefaultConnectTimeout = 10 * time.Second
	DefaultMaxQueued      = 1024
	DefaultMaxQueuedBytes = 1 << 20
)

// cloneWithDefaults copies o, so that the caller may change or reuse it,
// fills the defaults and checks what is left, naming a bad value.
func (o *Options) cloneWithDefaults() (*Options, error) {
	var c Options
	if o != nil {
		c = *o
	}
	c.Protocols = append([]string(nil), c.Protocols...)
	if c.WebSocket != nil {
		if len(c.WebSocket.Protocols) > 0 {
			return nil, optionError("WebSocket.Protocols", "is set: use Options.Protocols")
		}
		w := *c.WebSocket
		c.WebSocket = &w
	} else {
		c.WebSocket = &wsapi.Options{}
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"MinDelay", &c.MinDelay, DefaultMinDelay},
		{"MaxDelay", &c.MaxDelay, DefaultMaxDelay},
		{"MinUptime", &c.MinUptime, DefaultMinUptime},
		{"ConnectTimeout", &c.ConnectTimeout, DefaultConnectTimeout},
		{"IdleTimeout", &c.IdleTimeout, 0},
	} {
		if *d.v < 0 {
			return nil, optionError(d.name, d.v.String()+" is negative")
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if c.MaxDelay < c.MinDelay {
		return nil, optionError("MaxDelay", c.MaxDelay.String()+" is below MinDelay "+c.MinDelay.String())
	}
	switch {
	case c.Factor == 0:
		c.Factor = DefaultFactor
	case !(c.Factor >= 1) || c.Factor > 1e6:
		return nil, optionError("Factor", strconv.FormatFloat(c.Factor, 'g', -1, 64)+" is not in [1, 1e6]")
	}
	for _, n := range []struct {
		name string
		v    *int
		def  int
	}{
		{"MaxRetries", &c.MaxRetries, 0},
		{"MaxQueued", &c.MaxQueued, DefaultMaxQueued},
		{"MaxQueuedBytes", &c.MaxQueuedBytes, DefaultMaxQueuedBytes},
	} {
		if *n.v < 0 {
			return nil, optionError(n.name, strconv.Itoa(*n.v)+" is negative")
		}
		if *n.v == 0 {
			*n.v = n.def
		}
	}
	if c.ShouldReconnect == nil {
		c.ShouldReconnect = ShouldReconnect
	}
	if c.Rand == nil {
		c.Rand = rand.Float64
	}
	if c.clock == nil {
		c.clock = realClock{}
	}
	return &c, nil
}

// backoff is the schedule the options describe.
func (o *Options) backoff() Backoff {
	return Backoff{Min: o.MinDelay, Max: o.MaxDelay, Factor: o.Factor}
}
