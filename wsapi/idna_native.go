//go:build !js

package wsapi

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
