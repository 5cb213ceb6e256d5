//go:build !js

package wsapi

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseURL is the URL step of `new WebSocket(url)` for the native backend. It
// returns the URL as Chrome serializes it (what ws.url shows) or an error
// wrapping ErrSyntax that names the bad value.
//
// It follows Chrome's URL canonicalizer rather than the WHATWG URL Standard
// where the two differ, because ws.url is what programs compare against:
// Chrome percent-encodes "|" in paths, "'" in user info, and a space or "*"
// in hosts, and it accepts hosts such as "a b" that the standard rejects.
// There is no page to resolve a relative URL against, so every URL without
// a scheme is a SyntaxError, as it is on a file:// page.
//
// A Go string may hold bytes that are not UTF-8, which a JavaScript string
// cannot; such a URL is a SyntaxError rather than being silently rewritten
// with U+FFFD.
//
// International host names are converted to punycode only for the scripts
// whose IDNA mapping is plain lower-casing, without Unicode normalization
// tables (see idnMap); any other non-ASCII host character is a SyntaxError
// here even where Chrome accepts it. Refusing is the safe side: a guessed
// mapping could connect to a different host than Chrome would.
func parseURL(raw string) (string, error) {
	fail := func(why string) (string, error) {
		return "", fmt.Errorf("invalid WebSocket URL %q: %s: %w", raw, why, ErrSyntax)
	}
	if err := checkURLText(raw); err != nil {
		return "", err
	}
	// Chrome strips C0 controls and spaces at both ends, and tabs and
	// newlines everywhere, before anything else.
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
	// In a ws, wss, http or https URL a "#" can only start a fragment (which
	// the WebSocket constructor refuses, even empty) or make the URL invalid.
	if strings.ContainsRune(s, '#') {
		return fail("a WebSocket URL cannot have a fragment")
	}
	colon := strings.IndexByte(s, ':')
	if colon < 0 || !isScheme(s[:colon]) {
		return fail("not an absolute URL")
	}
	var scheme, defaultPort string
	switch asciiLower(s[:colon]) {
	case "ws", "http":
		scheme, defaultPort = "ws", "80"
	case "wss", "https":
		scheme, defaultPort = "wss", "443"
	default:
		return fail("the scheme must be ws, wss, http or https")
	}

	// Any number of slashes or backslashes may follow the scheme.
	rest := strings.TrimLeft(s[colon+1:], `/\`)
	end := strings.IndexAny(rest, `/\?`)
	if end < 0 {
		end = len(rest)
	}
	authority, rest := rest[:end], rest[end:]

	var userinfo string
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		user, pass, _ := strings.Cut(authority[:at], ":")
		userinfo = escape(user, userinfoEscapes)
		if pass != "" {
			userinfo += ":" + escape(pass, userinfoEscapes)
		}
		if userinfo != "" {
			userinfo += "@"
		}
		authority = authority[at+1:]
	}

	host, port := authority, ""
	if i := portColon(authority); i >= 0 {
		host, port = authority[:i], authority[i+1:]
	}
	if host == "" {
		return fail("no host")
	}
	host, why := canonHost(host)
	if why != "" {
		return fail(why)
	}
	if port != "" {
		n, ok := parsePort(port)
		if !ok {
			return fail(fmt.Sprintf("bad port %q", port))
		}
		port = strconv.Itoa(n)
		if port == defaultPort {
			port = ""
		}
	}

	path, query, hasQuery := strings.Cut(rest, "?")
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(userinfo)
	b.WriteString(host)
	if port != "" {
		b.WriteString(":")
		b.WriteString(port)
	}
	b.WriteString(canonPath(path))
	if hasQuery {
		b.WriteString("?")
		b.WriteString(escape(query, queryEscapes))
	}
	return b.String(), nil
}

// The ASCII characters, besides controls, space, DEL and non-ASCII bytes,
// that Chrome percent-encodes in each part of a URL ("#", "?", "/" and "\"
// never reach them: they end a part).
const (
	userinfoEscapes = "\"'/:;<=>?@[\\]^`{|}"
	pathEscapes     = "\"<>^`{|}"
	queryEscapes    = "\"'<>"
)

// escape percent-encodes s as Chrome does in the URL part whose extra
// characters are in set. Existing escapes, even malformed ones such as
// "%zz", are left alone.
func escape(s, set string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(set, c) >= 0 {
			b.WriteString(pctByte(c))
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func pctByte(c byte) string {
	const hex = "0123456789ABCDEF"
	return string([]byte{'%', hex[c>>4], hex[c&15]})
}

// canonPath serializes a path, removing "." and ".." segments (also when
// written %2e) and treating "\" as "/". The empty path is "/".
func canonPath(p string) string {
	if p == "" {
		return "/"
	}
	segs := splitSlashes(p[1:])
	var out []string
	for i, seg := range segs {
		last := i == len(segs)-1
		switch dots(seg) {
		case 2:
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		case 1:
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, escape(seg, pathEscapes))
		}
	}
	return "/" + strings.Join(out, "/")
}

func splitSlashes(s string) []string {
	var segs []string
	for {
		i := strings.IndexAny(s, `/\`)
		if i < 0 {
			return append(segs, s)
		}
		segs = append(segs, s[:i])
		s = s[i+1:]
	}
}

// dots says whether a path segment is "." (1), ".." (2), counting "%2e" as a
// dot, or neither (0).
func dots(seg string) int {
	seg = strings.ReplaceAll(asciiLower(seg), "%2e", ".")
	switch seg {
	case ".":
		return 1
	case "..":
		return 2
	}
	return 0
}

// portColon returns the index of the colon that starts the port: the first
// one outside brackets, or -1.
func portColon(authority string) int {
	inBrackets := false
	for i := 0; i < len(authority); i++ {
		switch authority[i] {
		case '[':
			inBrackets = true
		case ']':
			inBrackets = false
		case ':':
			if !inBrackets {
				return i
			}
		}
	}
	return -1
}

// parsePort accepts ASCII digits only, leading zeros included, up to 65535.
func parsePort(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
		if n > 65535 {
			return 0, false
		}
	}
	return n, true
}

func isScheme(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && (c < '0' || c > '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f' }

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiLower lower-cases ASCII letters only: strings.ToLower would also map
// letters such as the Kelvin sign to ASCII.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// withoutUserinfo removes "user:pass@" from a URL as parseURL serializes
// it, where an "@" of the credentials is percent-encoded.
func withoutUserinfo(u string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + "://" + rest
}
