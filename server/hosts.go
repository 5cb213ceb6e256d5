//go:build !js

package server

import (
	"fmt"
	"net"
	"net/http"
	"path"
	"strings"
)

// DNS rebinding: a page of evil.example, whose name the attacker then
// points at 127.0.0.1, opens ws://evil.example:8080/ws/chat; the browser
// sends Origin http://evil.example:8080 and Host evil.example:8080, which
// match, so the same-origin check lets it in, and the page talks to this
// server as its visitor. The attacker controls the name, never the Host
// an honest page names, so the Host of a browser's upgrade must be one
// this server is known by. An IP address in Host cannot have been
// rebound (there is no name to point elsewhere), so it always passes.

// defaultAllowedHosts is the name a local server is reached by.
var defaultAllowedHosts = []string{"localhost"}

// checkHostPatterns returns an error naming each bad pattern.
func checkHostPatterns(patterns []string) []error {
	var errs []error
	for _, p := range patterns {
		bad := p == "" || strings.Contains(p, "/")
		if strings.Contains(p, ":") {
			// Only an IPv6 address in brackets, which always passes
			// anyway: with a port, a pattern would never match.
			ip, ok := strings.CutPrefix(p, "[")
			ip, ok2 := strings.CutSuffix(ip, "]")
			bad = !ok || !ok2 || net.ParseIP(ip) == nil
		}
		if bad {
			errs = append(errs, fmt.Errorf("bad host pattern %q: want a host name or pattern, or an IPv6 address in brackets, without scheme or port", p))
			continue
		}
		if _, err := path.Match(strings.ToLower(p), ""); err != nil {
			errs = append(errs, fmt.Errorf("bad host pattern %q: %w", p, err))
		}
	}
	return errs
}

// hostAllowed reports whether a browser may open a socket on the request's
// Host: an IP address, or a name matching one of the patterns (without
// case, without the port).
func hostAllowed(r *http.Request, patterns []string) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" {
		return false
	}
	if net.ParseIP(host) != nil {
		return true
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), host); ok {
			return true
		}
	}
	return false
}
