//go:build !js

package wsapi

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

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
