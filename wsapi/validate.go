package wsapi

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the argument checks that the browser makes before a
// WebSocket does anything, shared by both backends. The expected results are
// Chrome's own, recorded by testdata/js/urls.js into testdata/chrome; the
// tests hold these functions to them, row by row.

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
	if !utf8.ValidString(raw) {
		return fail("not valid UTF-8")
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

// canonHost returns Chrome's serialization of a host, or a reason why it is
// not one. Chrome percent-decodes the host first, even inside brackets.
func canonHost(h string) (string, string) {
	h = percentDecode(h)
	if strings.HasPrefix(h, "[") {
		if !strings.HasSuffix(h, "]") {
			return "", "bad IPv6 address"
		}
		a, ok := parseIPv6(h[1 : len(h)-1])
		if !ok {
			return "", "bad IPv6 address"
		}
		return "[" + formatIPv6(a) + "]", ""
	}
	if !utf8.ValidString(h) {
		return "", "the host is not UTF-8 once percent-decoded"
	}
	if isASCII(h) {
		h = asciiLower(h)
	} else {
		// Chrome escapes a space or "*" before the IDNA step, so punycode
		// sees "%20" and "%2A"; it decodes them again afterwards. Other "%"
		// are refused here so that only those escapes are decoded.
		if strings.Contains(h, "%") {
			return "", `the host cannot contain '%'`
		}
		h = strings.NewReplacer(" ", "%20", "*", "%2A").Replace(h)
		var why string
		if h, why = idnToASCII(h); why != "" {
			return "", why
		}
		h = percentDecode(h)
	}
	var b strings.Builder
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c == ' ' || c == '*':
			b.WriteString(pctByte(c))
		case c < ' ' || c == 0x7f || strings.IndexByte("#%/:<>?@[\\]^|", c) >= 0:
			return "", fmt.Sprintf("the host cannot contain %q", c)
		default:
			b.WriteByte(c)
		}
	}
	h = b.String()
	if h == "" {
		return "", "empty host"
	}
	if endsInNumber(h) {
		v, ok := parseIPv4(h, false)
		if !ok {
			return "", "bad IPv4 address"
		}
		return formatIPv4(v), ""
	}
	return h, ""
}

// percentDecode decodes each well-formed %XX and keeps any other "%".
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// endsInNumber is the URL Standard's test for a host that must be an IPv4
// address: its last label (ignoring one trailing dot) is a number.
func endsInNumber(h string) bool {
	parts := strings.Split(h, ".")
	if parts[len(parts)-1] == "" {
		if len(parts) == 1 {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, ok := ipv4Number(last)
	return ok
}

// parseIPv4 parses one to four numbers, each decimal, octal (leading 0) or
// hex (0x), the last filling the remaining bytes. Inside IPv6 brackets
// Chrome wants exactly four parts and no trailing dot.
func parseIPv4(s string, inIPv6 bool) (uint32, bool) {
	parts := strings.Split(s, ".")
	if !inIPv6 && len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 || inIPv6 && len(parts) != 4 {
		return 0, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := ipv4Number(p)
		if !ok {
			return 0, false
		}
		if i < len(parts)-1 {
			if n > 255 {
				return 0, false
			}
			v |= n << (8 * (3 - i))
		} else {
			if n >= 1<<(8*(5-len(parts))) {
				return 0, false
			}
			v |= n
		}
	}
	return uint32(v), true
}

// ipv4Number parses one part of an IPv4 address. Values past 2^32 are
// capped there: they are all too big.
func ipv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := uint64(10)
	if len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X") {
		base, s = 16, s[2:]
	} else if len(s) >= 2 && s[0] == '0' {
		base, s = 8, s[1:]
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isHex(c) || base != 16 && c > '9' || uint64(unhex(c)) >= base {
			return 0, false
		}
		n = min(n*base+uint64(unhex(c)), 1<<32)
	}
	return n, true
}

func formatIPv4(v uint32) string {
	return strconv.Itoa(int(v>>24)) + "." + strconv.Itoa(int(v>>16&255)) + "." +
		strconv.Itoa(int(v>>8&255)) + "." + strconv.Itoa(int(v&255))
}

// parseIPv6 is the URL Standard's IPv6 parser, except that a dotted IPv4
// tail is read like a host's IPv4 address, in exactly four parts (so "0x7f"
// and "01" are allowed), as Chrome does.
func parseIPv6(s string) ([8]uint16, bool) {
	var a [8]uint16
	if j := strings.LastIndexByte(s, ':'); strings.Contains(s[j+1:], ".") {
		v, ok := parseIPv4(s[j+1:], true)
		if !ok {
			return a, false
		}
		s = s[:j+1] + strconv.FormatUint(uint64(v>>16), 16) + ":" + strconv.FormatUint(uint64(v&0xffff), 16)
	}
	piece, compress, i := 0, -1, 0
	if strings.HasPrefix(s, ":") {
		if !strings.HasPrefix(s, "::") {
			return a, false
		}
		i, piece, compress = 2, 1, 1
	}
	for i < len(s) {
		if piece == 8 {
			return a, false
		}
		if s[i] == ':' {
			if compress >= 0 {
				return a, false
			}
			i++
			piece++
			compress = piece
			continue
		}
		value, n := 0, 0
		for n < 4 && i < len(s) && isHex(s[i]) {
			value = value<<4 | int(unhex(s[i]))
			i++
			n++
		}
		if n == 0 {
			return a, false
		}
		if i < len(s) {
			if s[i] != ':' {
				return a, false
			}
			i++
			if i == len(s) {
				return a, false
			}
		}
		a[piece] = uint16(value)
		piece++
	}
	if compress >= 0 {
		swaps := piece - compress
		for p := 7; p != 0 && swaps > 0; p, swaps = p-1, swaps-1 {
			a[p], a[compress+swaps-1] = a[compress+swaps-1], a[p]
		}
	} else if piece != 8 {
		return a, false
	}
	return a, true
}

// formatIPv6 writes lower-case hex, compressing the first longest run of two
// or more zero pieces.
func formatIPv6(a [8]uint16) string {
	start, length := -1, 1
	for i := 0; i < 8; {
		j := i
		for j < 8 && a[j] == 0 {
			j++
		}
		if j-i > length {
			start, length = i, j-i
		}
		i = max(j, i+1)
	}
	var b strings.Builder
	for i := 0; i < 8; i++ {
		if i == start {
			b.WriteString("::")
			i += length - 1
			continue
		}
		if i > 0 && i != start+length {
			b.WriteByte(':')
		}
		b.WriteString(strconv.FormatUint(uint64(a[i]), 16))
	}
	return b.String()
}

// idnToASCII is the IDNA step for a host with non-ASCII characters: map each
// character (idnMap), check the bidi rule, and punycode each non-ASCII label.
func idnToASCII(h string) (string, string) {
	var m strings.Builder
	for _, r := range h {
		s, ok := idnMap(r)
		if !ok {
			return "", fmt.Sprintf("the host character %q is not supported by this implementation", r)
		}
		m.WriteString(s)
	}
	labels := strings.Split(m.String(), ".")
	bidi := false
	for _, l := range labels {
		bidi = bidi || strings.ContainsFunc(l, isHebrew)
	}
	for i, l := range labels {
		if bidi && !bidiRuleOK(l) {
			return "", fmt.Sprintf("the host label %q breaks the bidi rule", l)
		}
		// Chrome checks such labels here, where it does not in an ASCII
		// host; refusing them all is the safe approximation.
		if strings.HasPrefix(l, "xn--") {
			return "", fmt.Sprintf("the host label %q is punycode in an international host", l)
		}
		if !isASCII(l) {
			labels[i] = "xn--" + punycode(l)
		}
	}
	return strings.Join(labels, "."), ""
}

// idnMap maps one host character as UTS #46 does, for the characters where
// that can be done without Unicode's normalization tables: ASCII, full-width
// ASCII, the ideographic space and full stops, the soft hyphen (dropped),
// and the letters of Latin-1, Latin Extended-A, Greek, Cyrillic, Hebrew,
// kana, CJK ideographs, Hangul syllables and the emoticons block, which map
// to their lower case or to themselves. It reports false for anything else.
func idnMap(r rune) (string, bool) {
	switch {
	case r < utf8.RuneSelf:
		return asciiLower(string(r)), true
	case r == 0xad:
		return "", true
	case r == 0x3002 || r == 0xff0e || r == 0xff61:
		return ".", true
	case r == 0x3000:
		return " ", true
	case 0xff01 <= r && r <= 0xff5e:
		return asciiLower(string(r - 0xfee0)), true
	case r == 0xb5:
		return "\u03bc", true
	case r == 0x130:
		return "i\u0307", true
	case r == 0x132 || r == 0x133:
		return "ij", true
	case r == 0x13f || r == 0x140:
		return "l\u00b7", true
	case r == 0x149:
		return "\u02bcn", true
	case r == 0x17f:
		return "s", true
	case r == 0xb7, 0xc0 <= r && r <= 0x17f, // Latin-1, Latin Extended-A
		r == 0x386, 0x388 <= r && r <= 0x38a, r == 0x38c, 0x38e <= r && r <= 0x3a1,
		0x3a3 <= r && r <= 0x3ce, // Greek
		0x400 <= r && r <= 0x45f, // Cyrillic
		isHebrew(r),
		0x3041 <= r && r <= 0x3096, 0x309d <= r && r <= 0x309e, // hiragana
		0x30a1 <= r && r <= 0x30fa, 0x30fc <= r && r <= 0x30fe, // katakana
		0x3400 <= r && r <= 0x4dbf, 0x4e00 <= r && r <= 0x9fff, // CJK
		0xac00 <= r && r <= 0xd7a3,   // Hangul syllables
		0x1f600 <= r && r <= 0x1f64f: // emoticons
		return string(unicode.ToLower(r)), true
	}
	return "", false
}

func isHebrew(r rune) bool { return 0x5d0 <= r && r <= 0x5ea }

// bidiRuleOK checks one label of a domain that has right-to-left labels
// against RFC 5893, for the characters idnMap lets through: Hebrew letters
// are R, other letters L, ASCII digits EN, U+0307 NSM, space is not
// allowed, and the rest are neutral.
func bidiRuleOK(l string) bool {
	if l == "" {
		return true
	}
	class := func(r rune) byte {
		switch {
		case isHebrew(r):
			return 'R'
		case '0' <= r && r <= '9':
			return 'E'
		case r == ' ':
			return 'W'
		case r == 0x307:
			return 'M'
		case unicode.IsLetter(r):
			return 'L'
		}
		return 'N'
	}
	first := class([]rune(l)[0])
	if first != 'R' && first != 'L' {
		return false
	}
	other := byte('L')
	if first == 'L' {
		other = 'R'
	}
	last := byte(0)
	for _, r := range l {
		switch c := class(r); c {
		case other, 'W':
			return false
		case 'M':
		default:
			last = c
		}
	}
	return last == first || last == 'E'
}

// punycode encodes a label as RFC 3492 describes (without the "xn--").
func punycode(s string) string {
	const base, tmin, tmax = 36, 1, 26
	rs := []rune(s)
	var out []byte
	for _, r := range rs {
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
		}
	}
	basic := len(out)
	if basic > 0 {
		out = append(out, '-')
	}
	digit := func(d int64) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	n, delta, bias := int64(utf8.RuneSelf), int64(0), int64(72)
	for h := basic; h < len(rs); {
		m := int64(unicode.MaxRune + 1)
		for _, r := range rs {
			if int64(r) >= n && int64(r) < m {
				m = int64(r)
			}
		}
		delta += (m - n) * int64(h+1)
		n = m
		for _, r := range rs {
			if int64(r) < n {
				delta++
			}
			if int64(r) != n {
				continue
			}
			q := delta
			for k := int64(base); ; k += base {
				t := min(max(k-bias, tmin), tmax)
				if q < t {
					break
				}
				out = append(out, digit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			out = append(out, digit(q))
			bias = punyAdapt(delta, int64(h+1), h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out)
}

func punyAdapt(delta, points int64, first bool) int64 {
	if first {
		delta /= 700
	} else {
		delta /= 2
	}
	delta += delta / points
	k := int64(0)
	for delta > (36-1)*26/2 {
		delta /= 36 - 1
		k += 36
	}
	return k + 36*delta/(delta+38)
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
