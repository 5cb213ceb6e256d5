//go:build !js

package server

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// Options are the settings of New. A nil *Options is the zero Options, and
// every zero field takes its default.
type Options struct {
	// WebDir is the directory of the page's static files (index.html,
	// style.css, loader.js), read on every request so that they can be
	// edited while the server runs. Defaults to "web".
	WebDir string

	// WasmPath is the compiled demo program. It is read and gzipped once,
	// in New, so a rebuilt program needs a restart. Defaults to
	// "bin/main.wasm".
	WasmPath string

	// WasmExecPath is the wasm_exec.js served next to the program. It must
	// come from the toolchain that built the program. Defaults to
	// lib/wasm/wasm_exec.js in the GOROOT this server was built with (or,
	// failing that, the one of the go command on PATH).
	WasmExecPath string

	// AllowedOrigins are host patterns (path.Match syntax, matched without
	// case against the Origin's host, or against scheme://host when the
	// pattern has "://") of other origins whose pages may open sockets
	// here. Browsers send Origin and cannot forge it, so this is what stops
	// any page on the web from using a visitor's browser against this
	// server. A request whose Origin matches its Host, or that has no
	// Origin (a native client), is always allowed. Defaults to none.
	AllowedOrigins []string

	// AllowedHosts are the names (path.Match patterns, matched without case
	// against the Host header's name, port left out) this server is known
	// by to browsers. An upgrade that carries an Origin, a browser's, must
	// name one of them, or an IP address, in Host: otherwise a page whose
	// DNS name was pointed at this server (DNS rebinding) would pass the
	// same-origin check, Origin and Host both being its own. Native
	// clients, which send no Origin, are not held to it. Defaults to
	// "localhost"; cmd/wsapi-demo adds the name of its -addr.
	AllowedHosts []string

	// ReadLimit is the largest message a client may send, in bytes; a
	// larger one closes the connection with 1009. Defaults to 64 KiB.
	ReadLimit int64

	// SendQueue is how many messages may wait for a slow client. The chat
	// room never waits for a client: one whose queue is full is closed
	// with 1008 "too slow". A joining client is sent its welcome at once
	// and its join soon after, so values below 2 are raised to 2.
	// Defaults to 64.
	SendQueue int

	// PingInterval is the time between pings. A peer that is gone without
	// a FIN (a laptop lid shut, a NAT that forgot the flow) is found only
	// by talking to it. Defaults to 20s.
	PingInterval time.Duration

	// PingTimeout is how long a pong may take before the peer is taken for
	// dead and its connection is cut. Defaults to PingInterval.
	PingTimeout time.Duration

	// TickInterval is the time between two quotes on /ws/ticks. Defaults
	// to 500ms.
	TickInterval time.Duration

	// HistorySize is how many of the latest events the chat room, and the
	// ticks stream, keep for clients that come back (see docs/recovery.md):
	// one that missed more is told it could not be recovered. Defaults to
	// 1000.
	HistorySize int

	// HistoryAge is how long an event is kept for clients that come back.
	// Defaults to 2m, as Socket.IO's connection state recovery.
	HistoryAge time.Duration

	// RateLimit is how many messages a second a client may send, on
	// average, on any endpoint; one that sends faster, once RateBurst is
	// spent, is closed with 1008 "rate limit exceeded". Without it one
	// client could flood the chat room, and so every member's queue. A
	// negative value turns the limit off. Defaults to 100.
	RateLimit float64

	// RateBurst is how many messages a client may send at once before
	// RateLimit applies; the allowance refills at RateLimit. Defaults to
	// twice RateLimit, and to at least 1.
	RateBurst int

	// NATS is the URL of a NATS server with JetStream (nats://host:4222):
	// the chat room's events, history and nicks are then kept there and
	// shared by every server given the same NATS, each serving its own
	// clients (server/docs/cluster.md). New fails if it cannot reach it;
	// later losses are reconnected. Defaults to none: this process alone.
	NATS string

	// PublishQueue is how many chat events a server of a cluster may hold
	// while NATS has yet to store them (it is away, or slow): they wait in
	// memory, in order. A say that finds the queue full is refused, and
	// its sender is told with a "refused" message (docs/wire.md); nothing
	// queued is dropped. Joins and leaves are queued past the bound, as
	// members come and go whatever NATS does. A say is at most 1000
	// characters, so the queue holds a few MiB at most. Without NATS
	// nothing waits. Defaults to 2048.
	PublishQueue int

	// NATSOptions are more options for the NATS connection (credentials,
	// TLS, or nats.InProcessServer for a server embedded in the process).
	NATSOptions []nats.Option

	// Logger gets one line per connection opened and closed, and one per
	// refused upgrade. Defaults to slog.Default().
	Logger *slog.Logger
}

// Defaults, named for the tests and the command.
const (
	DefaultWebDir       = "web"
	DefaultWasmPath     = "bin/main.wasm"
	DefaultReadLimit    = 64 << 10
	DefaultSendQueue    = 64
	DefaultPingInterval = 20 * time.Second
	DefaultTickInterval = 500 * time.Millisecond
	DefaultRateLimit    = 100
	DefaultHistorySize  = 1000
	DefaultHistoryAge   = 2 * time.Minute
	DefaultPublishQueue = 2048
)

// minSendQueue holds a chat join's welcome and join messages.
const minSendQueue = 2

// cloneWithDefaults copies o, so that the caller may change or reuse it,
// fills in the defaults and checks the values.
func (o *Options) cloneWithDefaults() (*Options, error) {
	var c Options
	if o != nil {
		c = *o
	}
	c.AllowedOrigins = append([]string(nil), c.AllowedOrigins...)
	c.AllowedHosts = append([]string(nil), c.AllowedHosts...)
	c.NATSOptions = append([]nats.Option(nil), c.NATSOptions...)

	var errs []error
	negative := func(name string, v int64) {
		if v < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative, got %d", name, v))
		}
	}
	// negativeDur names the duration as one (-1s), not in nanoseconds.
	negativeDur := func(name string, d time.Duration) {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative, got %v", name, d))
		}
	}
	negative("ReadLimit", c.ReadLimit)
	negative("SendQueue", int64(c.SendQueue))
	negativeDur("PingInterval", c.PingInterval)
	negativeDur("PingTimeout", c.PingTimeout)
	negativeDur("TickInterval", c.TickInterval)
	negative("RateBurst", int64(c.RateBurst))
	negative("HistorySize", int64(c.HistorySize))
	negativeDur("HistoryAge", c.HistoryAge)
	negative("PublishQueue", int64(c.PublishQueue))
	if math.IsNaN(c.RateLimit) {
		errs = append(errs, errors.New("RateLimit must be a number, got NaN"))
	}
	for _, p := range c.AllowedOrigins {
		// coder/websocket only logs a bad pattern, on every request.
		if _, err := path.Match(strings.ToLower(p), ""); err != nil {
			errs = append(errs, fmt.Errorf("bad origin pattern %q: %w", p, err))
		}
	}
	errs = append(errs, checkHostPatterns(c.AllowedHosts)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(c.AllowedHosts) == 0 {
		c.AllowedHosts = defaultAllowedHosts
	}

	if c.WebDir == "" {
		c.WebDir = DefaultWebDir
	}
	if c.WasmPath == "" {
		c.WasmPath = DefaultWasmPath
	}
	if c.WasmExecPath == "" {
		c.WasmExecPath = defaultWasmExecPath()
	}
	if c.ReadLimit == 0 {
		c.ReadLimit = DefaultReadLimit
	}
	if c.SendQueue == 0 {
		c.SendQueue = DefaultSendQueue
	}
	c.SendQueue = max(c.SendQueue, minSendQueue)
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.PingTimeout == 0 {
		c.PingTimeout = c.PingInterval
	}
	if c.TickInterval == 0 {
		c.TickInterval = DefaultTickInterval
	}
	if c.HistorySize == 0 {
		c.HistorySize = DefaultHistorySize
	}
	if c.HistoryAge == 0 {
		c.HistoryAge = DefaultHistoryAge
	}
	if c.PublishQueue == 0 {
		c.PublishQueue = DefaultPublishQueue
	}
	if c.RateLimit == 0 {
		c.RateLimit = DefaultRateLimit
	}
	if c.RateBurst == 0 {
		c.RateBurst = int(min(2*c.RateLimit, math.MaxInt32))
	}
	c.RateBurst = max(c.RateBurst, 1)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return &c, nil
}

// defaultWasmExecPath finds wasm_exec.js in the GOROOT this program was
// built with: main.wasm must be built by the same toolchain, and `make run`
// builds both. A binary built with -trimpath has no GOROOT of its own; the
// go command's is the next best guess.
func defaultWasmExecPath() string {
	//lint:ignore SA1019 the toolchain that built us is exactly the one wanted
	root := runtime.GOROOT()
	if root == "" {
		if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
			root = strings.TrimSpace(string(out))
		}
	}
	return filepath.Join(root, "lib", "wasm", "wasm_exec.js")
}
