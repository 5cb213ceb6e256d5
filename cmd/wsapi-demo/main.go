//go:build !js

// Command wsapi-demo serves the go-wsapi demo: the page, the Go program it
// runs as WebAssembly, and the WebSocket endpoints of package server.
//
//	go run ./cmd/wsapi-demo            # after building bin/main.wasm
//	wsapi-demo -h                      # the flags and their variables
//
// Every flag can also be set with an environment variable: -send-queue is
// WSAPI_SEND_QUEUE. A flag on the command line wins over the variable.
//
// On SIGINT or SIGTERM the server closes every WebSocket with 1001 "server
// shutting down" and exits once they are closed, or when -shutdown-timeout
// has passed, cutting those left (exit status 1). A second signal kills it
// at once.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/go-wsapi/wsapi/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, the next one gets the default handling.
	context.AfterFunc(ctx, stop)
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// config is what the flags and the environment set.
type config struct {
	addr            string
	tlsCert         string
	tlsKey          string
	shutdownTimeout time.Duration
	headerTimeout   time.Duration
	maxHeaderBytes  int
	server          server.Options
}

// Defaults of the HTTP limits: a browser's upgrade request, cookies and
// all, is well under 16 KiB, and comes in one go.
const (
	defaultHeaderTimeout  = 10 * time.Second
	defaultMaxHeaderBytes = 16 << 10
)

// envPrefix starts the name of a flag's environment variable.
const envPrefix = "WSAPI_"

// envName is the environment variable of a flag: -read-limit is
// WSAPI_READ_LIMIT.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig reads the environment (through getenv), then args, which
// win. -h writes the usage to output and returns flag.ErrHelp; the other
// errors are returned, not written.
func parseConfig(args []string, getenv func(string) string, output io.Writer) (*config, error) {
	c := &config{}
	var origins, hosts string
	fs := flag.NewFlagSet("wsapi-demo", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080",
		"listen on `host:port`")
	fs.StringVar(&c.server.WebDir, "web", server.DefaultWebDir,
		"`directory` of the page's files (index.html, style.css, loader.js)")
	fs.StringVar(&c.server.WasmPath, "wasm", server.DefaultWasmPath,
		"the demo program, a `file` built with GOOS=js GOARCH=wasm")
	fs.StringVar(&c.server.WasmExecPath, "wasm-exec", "",
		"wasm_exec.js `file` (default lib/wasm/wasm_exec.js in the GOROOT this command was built with)")
	fs.StringVar(&origins, "origins", "",
		"other origins allowed to open WebSockets: comma-separated host `patterns` (*.example.com, https://app.example.com)")
	fs.StringVar(&hosts, "hosts", "",
		"names browsers reach this server by, the only ones a page may name in Host (against DNS rebinding): comma-separated `patterns` (default localhost and -addr's host name; IP addresses always pass)")
	fs.StringVar(&c.server.NATS, "nats", "",
		"NATS server `URL` (nats://127.0.0.1:4222, with JetStream) to share the chat room and the ticks with the other servers given it (server/docs/cluster.md); none: this process alone")
	fs.IntVar(&c.server.PublishQueue, "publish-queue", server.DefaultPublishQueue,
		"chat `events` held while -nats has yet to store them; a say past it is refused to its sender")
	fs.Int64Var(&c.server.ReadLimit, "read-limit", server.DefaultReadLimit,
		"largest message a client may send, in `bytes`; a larger one closes with 1009")
	fs.IntVar(&c.server.SendQueue, "send-queue", server.DefaultSendQueue,
		"`messages` queued for a slow chat client before it is closed with 1008")
	fs.DurationVar(&c.server.PingInterval, "ping-interval", server.DefaultPingInterval,
		"time between pings")
	fs.DurationVar(&c.server.PingTimeout, "ping-timeout", 0,
		"time a pong may take before the peer is cut (default the ping interval)")
	fs.DurationVar(&c.server.TickInterval, "tick-interval", server.DefaultTickInterval,
		"time between two quotes on /ws/ticks")
	fs.IntVar(&c.server.HistorySize, "history", server.DefaultHistorySize,
		"`events` the chat room and the ticks keep for clients that come back (docs/recovery.md)")
	fs.DurationVar(&c.server.HistoryAge, "history-age", server.DefaultHistoryAge,
		"how long an event is kept for clients that come back")
	fs.Float64Var(&c.server.RateLimit, "rate-limit", server.DefaultRateLimit,
		"`messages` a second a client may send, on average, before it is closed with 1008; negative for no limit")
	fs.IntVar(&c.server.RateBurst, "rate-burst", 0,
		"`messages` a client may send at once before -rate-limit applies (default twice -rate-limit)")
	fs.DurationVar(&c.headerTimeout, "header-timeout", defaultHeaderTimeout,
		"time a client has to send a request's headers, the WebSocket handshake's included")
	fs.IntVar(&c.maxHeaderBytes, "max-header-bytes", defaultMaxHeaderBytes,
		"largest request header, in `bytes`; a larger one gets 431")
	fs.StringVar(&c.tlsCert, "tls-cert", "",
		"certificate `file` (PEM) to serve https and wss; needs -tls-key")
	fs.StringVar(&c.tlsKey, "tls-key", "",
		"private key `file` (PEM) of -tls-cert")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 5*time.Second,
		"on SIGINT or SIGTERM, time given to the WebSockets to close before they are cut")
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}

	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("invalid value %q for %s: %w", v, envName(f.Name), err))
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(fs, output)
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for o := range strings.SplitSeq(origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.server.AllowedOrigins = append(c.server.AllowedOrigins, o)
		}
	}
	for h := range strings.SplitSeq(hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			c.server.AllowedHosts = append(c.server.AllowedHosts, h)
		}
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return nil, errors.New("-tls-cert and -tls-key go together")
	}
	if c.shutdownTimeout <= 0 {
		return nil, fmt.Errorf("-shutdown-timeout must be positive, got %v", c.shutdownTimeout)
	}
	if c.headerTimeout <= 0 {
		return nil, fmt.Errorf("-header-timeout must be positive, got %v", c.headerTimeout)
	}
	if c.maxHeaderBytes <= 0 {
		return nil, fmt.Errorf("-max-header-bytes must be positive, got %d", c.maxHeaderBytes)
	}
	if err := checkNotZero(&c.server); err != nil {
		return nil, err
	}
	return c, nil
}

// checkNotZero refuses 0 for the flags whose server option takes 0 for
// its default: `-history 0` would otherwise keep 1,000 events, not none,
// without a word. Their defaults are not 0, so 0 is what the user gave.
// (A negative value is the server's to refuse, or, for -rate-limit, no
// limit.)
func checkNotZero(o *server.Options) error {
	for _, f := range []struct {
		name string
		zero bool
		def  any
	}{
		{"read-limit", o.ReadLimit == 0, server.DefaultReadLimit},
		{"send-queue", o.SendQueue == 0, server.DefaultSendQueue},
		{"ping-interval", o.PingInterval == 0, server.DefaultPingInterval},
		{"tick-interval", o.TickInterval == 0, server.DefaultTickInterval},
		{"history", o.HistorySize == 0, server.DefaultHistorySize},
		{"history-age", o.HistoryAge == 0, server.DefaultHistoryAge},
		{"publish-queue", o.PublishQueue == 0, server.DefaultPublishQueue},
		{"rate-limit", o.RateLimit == 0, server.DefaultRateLimit},
	} {
		if f.zero {
			return fmt.Errorf("-%s must not be 0 (the server would take 0 for its default, %v)", f.name, f.def)
		}
	}
	return nil
}

// usage lists the flags, each with its environment variable.
func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, `Usage: wsapi-demo [flags]

Serves the go-wsapi demo page, its WebAssembly program and its WebSockets
(/ws/echo, /ws/chat, /ws/ticks). Each flag can also be set with the
environment variable shown next to it; the flag wins.

`)
	fs.VisitAll(func(f *flag.Flag) {
		name, text := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  -%s %s  $%s\n", f.Name, name, envName(f.Name))
		fmt.Fprintf(w, "    \t%s", text)
		if f.DefValue != "" && f.DefValue != "0s" && f.DefValue != "0" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// run is the command, with its environment passed in for the tests; ctx
// ending is the signal to stop. It returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "wsapi-demo: %v\nRun wsapi-demo -h for the flags.\n", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	cfg.server.Logger = logger
	if err := serve(ctx, cfg, stdout, logger); err != nil {
		fmt.Fprintf(stderr, "wsapi-demo: %v\n", err)
		return 1
	}
	return 0
}

// serve runs the server until ctx ends, then shuts it down within
// cfg.shutdownTimeout.
func serve(ctx context.Context, cfg *config, stdout io.Writer, logger *slog.Logger) error {
	opts := cfg.server
	opts.AllowedHosts = defaultHosts(opts.AllowedHosts, cfg.addr)
	srv, err := server.New(&opts)
	if err != nil {
		return err
	}
	// No ReadTimeout or WriteTimeout: they would stay on the hijacked
	// connections and cut every WebSocket after that time. The headers
	// are what a slowloris client holds back, and their time and size
	// are limited; a WebSocket's messages have limits of their own.
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: cfg.headerTimeout,
		MaxHeaderBytes:    cfg.maxHeaderBytes,
		IdleTimeout:       time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// HTTP/1.1 only: a WebSocket cannot ride HTTP/2 here (coder/websocket
	// has no RFC 8441), so a browser must never be told it can.
	hs.Protocols = new(http.Protocols)
	hs.Protocols.SetHTTP1(true)
	scheme := "http"
	if cfg.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
		if err != nil {
			return fmt.Errorf("failed to load the TLS certificate: %w", err)
		}
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		scheme = "https"
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("failed to listen: %w", err)
	}
	served := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			served <- hs.ServeTLS(ln, "", "")
		} else {
			served <- hs.Serve(ln)
		}
	}()
	fmt.Fprintf(stdout, "serving %s://%s/\n", scheme, displayAddr(cfg.addr, ln.Addr()))

	select {
	case err := <-served:
		return fmt.Errorf("failed to serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	wsDone := make(chan error, 1)
	go func() { wsDone <- srv.Shutdown(sctx) }()
	err = errors.Join(hs.Shutdown(sctx), <-wsDone)
	<-served // http.ErrServerClosed, at once
	if err != nil {
		hs.Close()
		return fmt.Errorf("failed to shut down in time: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// defaultHosts is -hosts, or when it is empty localhost and the host name
// of -addr (an IP address needs no entry: it always passes).
func defaultHosts(hosts []string, addr string) []string {
	if len(hosts) > 0 {
		return hosts
	}
	hosts = []string{"localhost"}
	if host, _, _ := net.SplitHostPort(addr); host != "" && net.ParseIP(host) == nil && !strings.EqualFold(host, "localhost") {
		hosts = append(hosts, host)
	}
	return hosts
}

// displayAddr is the host:port to print: the host as asked for (localhost
// for all interfaces) and the port listened on, which -addr may leave to
// the system with port 0.
func displayAddr(addr string, bound net.Addr) string {
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	_, port, _ := net.SplitHostPort(bound.String())
	return net.JoinHostPort(host, port)
}
