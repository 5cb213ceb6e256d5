//go:build !js

package wsapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-wsapi/wsapi/internal/wsframe"
)

// chromeExtensionOffer is the Sec-WebSocket-Extensions header Chrome sends,
// so that a server negotiates the same extensions with both backends.
const chromeExtensionOffer = "permessage-deflate; client_max_window_bits"

// handshake is the http.RoundTripper of one socket's opening handshake. It
// writes the request as Chrome does, checks the response as Chrome does,
// and fails at once, with the connection closed, where coder/websocket
// would first read the body for up to 3 s. A response it accepts reaches
// coder/websocket in a form coder accepts too, its connection wrapped in a
// frameTap.
type handshake struct {
	base      http.RoundTripper
	own       bool     // base is handshakeTransport, which tells what it dialed
	protocols []string // offered

	// Set by a successful RoundTrip, read once Dial has returned.
	extensions string // Sec-WebSocket-Extensions as the server sent it, for Extensions()
	tap        *frameTap
	// compressMax is the longest message the client may compress, when
	// the server limited the client's window; 0 when there is no limit.
	compressMax int
}

// handshakeError is a response Chrome refuses, worded as Chrome's console
// words it.
type handshakeError struct{ msg string }

func (e *handshakeError) Error() string { return "error during WebSocket handshake: " + e.msg }

func handshakeErrorf(format string, args ...any) error {
	return &handshakeError{fmt.Sprintf(format, args...)}
}

func (h *handshake) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	// coder/websocket spells two headers differently from Chrome: the
	// protocol list is joined with ", ", and the extension offer is
	// Chrome's. A server thus sees the same request from both backends.
	if p := r.Header.Values("Sec-WebSocket-Protocol"); len(p) > 0 {
		r.Header.Set("Sec-WebSocket-Protocol", strings.Join(strings.Split(strings.Join(p, ","), ","), ", "))
	}
	offered := r.Header.Get("Sec-WebSocket-Extensions") != ""
	if offered {
		r.Header.Set("Sec-WebSocket-Extensions", chromeExtensionOffer)
	}
	// A plain connection of our own, with no proxy: the tap may write
	// to its socket (through TLS or a proxy's it may not).
	var slot *dialed
	if h.own && r.URL.Scheme == "http" {
		if p, err := http.ProxyFromEnvironment(r); err == nil && p == nil {
			slot = &dialed{}
			r = r.WithContext(context.WithValue(r.Context(), dialedKey{}, slot))
		}
	}
	resp, err := h.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	deflate, err := h.check(resp, r.Header.Get("Sec-WebSocket-Key"), offered)
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	rwc, ok := resp.Body.(io.ReadWriteCloser)
	if !ok {
		resp.Body.Close()
		return nil, fmt.Errorf("the HTTP transport returned a %T, not a connection, for the 101 response", resp.Body)
	}
	h.extensions = strings.Join(resp.Header.Values("Sec-WebSocket-Extensions"), ", ")
	resp.Header.Del("Sec-WebSocket-Extensions")
	if deflate != nil {
		resp.Header.Set("Sec-WebSocket-Extensions", deflate.forCoder())
	}
	if deflate != nil {
		h.compressMax = deflate.compressMax()
	}
	h.tap = newFrameTap(rwc, deflate != nil)
	if slot != nil && slot.conn != nil {
		h.tap.raw = newRawWriter(slot.conn)
	}
	resp.Body = h.tap
	return resp, nil
}

// check is Chrome's validation of the handshake response, in Chrome's
// order. It returns the permessage-deflate parameters the server accepted,
// if it did.
func (h *handshake) check(resp *http.Response, key string, offered bool) (*deflateParams, error) {
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return nil, handshakeErrorf("Unexpected response code: %d", resp.StatusCode)
	}
	switch up := headerValues(resp.Header, "Upgrade"); {
	case len(up) == 0:
		return nil, handshakeErrorf("'Upgrade' header is missing")
	case len(up) > 1:
		return nil, handshakeErrorf("'Upgrade' header must not appear more than once in a response")
	case !strings.EqualFold(up[0], "websocket"):
		return nil, handshakeErrorf("'Upgrade' header value is not 'WebSocket': %s", up[0])
	}
	conn := headerValues(resp.Header, "Connection")
	if len(conn) == 0 {
		return nil, handshakeErrorf("'Connection' header is missing")
	}
	if !containsFold(conn, "Upgrade") {
		return nil, handshakeErrorf("'Connection' header value must contain 'Upgrade'")
	}
	switch acc := headerValues(resp.Header, "Sec-WebSocket-Accept"); {
	case len(acc) == 0:
		return nil, handshakeErrorf("'Sec-WebSocket-Accept' header is missing")
	case len(acc) > 1:
		return nil, handshakeErrorf("'Sec-WebSocket-Accept' header must not appear more than once in a response")
	case acc[0] != wsframe.AcceptKey(key):
		return nil, handshakeErrorf("Incorrect 'Sec-WebSocket-Accept' header value")
	}
	if err := h.checkProtocol(resp.Header); err != nil {
		return nil, err
	}
	return checkExtensions(resp.Header, offered)
}

// checkProtocol holds the selected subprotocol to what was offered, exactly
// (coder/websocket ignores case, and accepts none when some were offered).
func (h *handshake) checkProtocol(hdr http.Header) error {
	got := headerValues(hdr, "Sec-WebSocket-Protocol")
	switch {
	case len(got) > 1:
		return handshakeErrorf("'Sec-WebSocket-Protocol' header must not appear more than once in a response")
	case len(got) == 1 && len(h.protocols) == 0:
		return handshakeErrorf("Response must not include 'Sec-WebSocket-Protocol' header if not present in request: %s", got[0])
	case len(got) == 0 && len(h.protocols) > 0:
		return handshakeErrorf("Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received")
	case len(got) == 1 && !contains(h.protocols, got[0]):
		return handshakeErrorf("'Sec-WebSocket-Protocol' header value '%s' in response does not match any of sent values", got[0])
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// headerValues returns the comma-separated values of every line of a
// header, trimmed, as Chrome enumerates them: "a, b" are two values, and
// a line with nothing is one empty value.
func headerValues(h http.Header, name string) []string {
	var out []string
	for _, line := range h.Values(name) {
		for v := range strings.SplitSeq(line, ",") {
			out = append(out, strings.Trim(v, " \t"))
		}
	}
	return out
}

// deflateParams are the permessage-deflate parameters of a response.
type deflateParams struct {
	serverNoContextTakeover bool
	clientNoContextTakeover bool
	clientMaxWindowBits     int // 15 when the server set no limit
}

// compressMax is the longest message the client may compress: one whose
// every back-reference fits the window the server allowed. coder/websocket
// compresses with compress/flate, whose window is always 32 KiB (15 bits);
// a message compressed alone refers back at most its own length, so one no
// longer than a smaller window is compressed within it. Longer messages go
// uncompressed, which RFC 7692 lets a client do whatever was agreed. 0
// means no limit.
func (p *deflateParams) compressMax() int {
	if p.clientMaxWindowBits >= 15 {
		return 0
	}
	return 1 << p.clientMaxWindowBits
}

// forCoder is the Sec-WebSocket-Extensions header coder/websocket is given
// in place of the server's: the same agreement in the only parameters it
// takes. The window sizes are left out: coder decompresses with a 15-bit
// window, which reads the output of any smaller one. A client window under
// 15 bits is given as client_no_context_takeover, so that coder compresses
// each message alone (see compressMax): a client may always forgo the
// context it was allowed, and the server's inflater, which keeps its own,
// is not told.
func (p *deflateParams) forCoder() string {
	s := "permessage-deflate"
	if p.clientNoContextTakeover || p.clientMaxWindowBits < 15 {
		s += "; client_no_context_takeover"
	}
	if p.serverNoContextTakeover {
		s += "; server_no_context_takeover"
	}
	return s
}

// checkExtensions validates Sec-WebSocket-Extensions as Chrome does: only
// permessage-deflate, once, with valid response parameters.
func checkExtensions(h http.Header, offered bool) (*deflateParams, error) {
	lines := h.Values("Sec-WebSocket-Extensions")
	if len(lines) == 0 {
		return nil, nil
	}
	var deflate *deflateParams
	for _, line := range lines {
		exts, ok := parseExtensions(line)
		if !ok {
			return nil, handshakeErrorf("'Sec-WebSocket-Extensions' header value is rejected by the parser: %s", line)
		}
		for _, ext := range exts {
			if ext.name != "permessage-deflate" || !offered {
				return nil, handshakeErrorf("Found an unsupported extension '%s' in 'Sec-WebSocket-Extensions' header", ext.name)
			}
			if deflate != nil {
				return nil, handshakeErrorf("Received duplicate permessage-deflate response")
			}
			p, err := deflateResponse(ext.params)
			if err != nil {
				return nil, err
			}
			deflate = p
		}
	}
	return deflate, nil
}

// deflateResponse checks the parameters of a permessage-deflate response.
func deflateResponse(params []extParam) (*deflateParams, error) {
	p := deflateParams{clientMaxWindowBits: 15}
	seen := map[string]bool{}
	fail := func(format string, args ...any) (*deflateParams, error) {
		return nil, handshakeErrorf("Error in permessage-deflate: "+format, args...)
	}
	for _, q := range params {
		if seen[q.name] {
			return fail("Received duplicate permessage-deflate extension parameter %s", q.name)
		}
		seen[q.name] = true
		switch q.name {
		case "server_no_context_takeover", "client_no_context_takeover":
			if q.hasValue {
				return fail("Received invalid %s parameter", q.name)
			}
			if q.name == "server_no_context_takeover" {
				p.serverNoContextTakeover = true
			} else {
				p.clientNoContextTakeover = true
			}
		case "server_max_window_bits", "client_max_window_bits":
			if !q.hasValue && q.name == "client_max_window_bits" {
				return fail("client_max_window_bits must have value")
			}
			bits, ok := windowBits(q.value)
			if !q.hasValue || !ok {
				return fail("Received invalid %s parameter", q.name)
			}
			if q.name == "client_max_window_bits" {
				p.clientMaxWindowBits = bits
			}
		default:
			return fail("Received an unexpected permessage-deflate extension parameter")
		}
	}
	return &p, nil
}

// windowBits parses a window size, 8 to 15, written without leading zeros.
func windowBits(s string) (int, bool) {
	if s == "" || s[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 8 || n > 15 || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

// extension is one element of a Sec-WebSocket-Extensions value.
type extension struct {
	name   string
	params []extParam
}

type extParam struct {
	name, value string
	hasValue    bool
}

// parseExtensions parses a Sec-WebSocket-Extensions value (RFC 6455
// section 9.1): extensions separated by commas, each a token with
// parameters after semicolons, a parameter a token with an optional value,
// a token or a quoted string holding a token.
func parseExtensions(s string) ([]extension, bool) {
	p := extParser{s: s}
	var exts []extension
	for {
		name, ok := p.token()
		if !ok {
			return nil, false
		}
		ext := extension{name: name}
		for p.consume(';') {
			var q extParam
			if q.name, ok = p.token(); !ok {
				return nil, false
			}
			if p.consume('=') {
				q.hasValue = true
				if q.value, ok = p.value(); !ok {
					return nil, false
				}
			}
			ext.params = append(ext.params, q)
		}
		exts = append(exts, ext)
		if !p.consume(',') {
			break
		}
	}
	p.space()
	return exts, p.i == len(p.s)
}

type extParser struct {
	s string
	i int
}

func (p *extParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// consume skips spaces, and c if it comes next.
func (p *extParser) consume(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *extParser) token() (string, bool) {
	p.space()
	start := p.i
	for p.i < len(p.s) && isTokenChar(rune(p.s[p.i])) {
		p.i++
	}
	return p.s[start:p.i], p.i > start
}

// value reads a parameter value: a token, or a quoted string whose content,
// escapes removed, is a token.
func (p *extParser) value() (string, bool) {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return p.token()
	}
	p.i++
	var b strings.Builder
	for p.i < len(p.s) && p.s[p.i] != '"' {
		if p.s[p.i] == '\\' {
			p.i++
			if p.i == len(p.s) {
				return "", false
			}
		}
		if !isTokenChar(rune(p.s[p.i])) {
			return "", false
		}
		b.WriteByte(p.s[p.i])
		p.i++
	}
	if p.i == len(p.s) || b.Len() == 0 {
		return "", false
	}
	p.i++
	return b.String(), true
}
