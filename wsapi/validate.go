package wsapi

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// This file holds the argument checks that the browser makes before a
// WebSocket does anything, shared by both backends. The expected results are
// Chrome's own, recorded by testdata/js/urls.js into testdata/chrome; the
// tests hold these functions to them, row by row.

// checkURLText refuses a URL that is not valid UTF-8. A JavaScript string
// cannot hold such bytes: the browser would have turned them into U+FFFD
// and connected somewhere else, so both backends refuse it first, with a
// SyntaxError naming it.
func checkURLText(raw string) error {
	if !utf8.ValidString(raw) {
		return fmt.Errorf("invalid WebSocket URL %q: not valid UTF-8: %w", raw, ErrSyntax)
	}
	return nil
}

// checkProtocols is the protocols step of `new WebSocket(url, protocols)`:
// each must be a non-empty RFC 7230 token, and none may repeat. Chrome
// compares them case-sensitively ("a" and "A" may both be offered) where
// Node's undici does not.
func checkProtocols(protocols []string) error {
	seen := make(map[string]bool, len(protocols))
	for _, p := range protocols {
		if !isToken(p) {
			return wrap("invalid subprotocol "+strconv.Quote(p)+": not an RFC 7230 token", ErrSyntax)
		}
		if seen[p] {
			return wrap("duplicate subprotocol "+strconv.Quote(p), ErrSyntax)
		}
		seen[p] = true
	}
	return nil
}

// isToken reports whether s is an RFC 7230 token: one or more tchars.
func isToken(s string) bool {
	for _, r := range s {
		if !isTokenChar(r) {
			return false
		}
	}
	return s != ""
}

// isTokenChar is RFC 7230's tchar: visible ASCII except separators.
func isTokenChar(r rune) bool {
	switch r {
	case '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=', '{', '}':
		return false
	}
	return r > ' ' && r < 0x7f
}

// maxCloseReason is the longest close reason, in UTF-8 bytes, that fits a
// control frame's 125-byte payload after the 2-byte code.
const maxCloseReason = 123

// checkClose is the argument check of close(code, reason), which
// CloseWithStatus always makes: the code must be 1000 or 3000-4999, else
// ErrInvalidAccess, checked first; then the reason must fit in 123 UTF-8
// bytes, else ErrSyntax. Code 0 is not "no code": close(0) throws in the
// browser too, and Close is the call without a code.
//
// A JavaScript reason is a string that the browser encodes as UTF-8, so it
// is always valid. A Go reason that is not valid UTF-8 cannot be sent as a
// close frame's text (RFC 6455 requires UTF-8), so it is ErrSyntax as well.
func checkClose(code int, reason string) error {
	if code != 1000 && (code < 3000 || code > 4999) {
		return wrap("invalid close code "+strconv.Itoa(code)+": must be 1000 or 3000-4999", ErrInvalidAccess)
	}
	if !utf8.ValidString(reason) {
		return wrap("close reason "+strconv.Quote(reason)+" is not valid UTF-8", ErrSyntax)
	}
	if len(reason) > maxCloseReason {
		return wrap("close reason "+strconv.Quote(reason)+" is "+strconv.Itoa(len(reason))+" bytes, over "+strconv.Itoa(maxCloseReason), ErrSyntax)
	}
	return nil
}
