//go:build !js

package wsapi

import (
	"fmt"
	"net/url"
)

// unsafePorts are the ports Chrome never connects to: the Fetch standard's
// bad ports (https://fetch.spec.whatwg.org/#port-blocking), services that
// a page must not be able to talk to by making their parser read an HTTP
// request; but for 4190 and 6679, which Fetch lists and Chrome opens.
// Chrome's WebSocket constructs a socket for such a URL and then fails it,
// error then close 1006, without a connection; so does the native client.
// testdata/chrome/ports.json is Chrome's behaviour on each.
var unsafePorts = map[string]bool{
	"1": true, "7": true, "9": true, "11": true, "13": true, "15": true,
	"17": true, "19": true, "20": true, "21": true, "22": true, "23": true,
	"25": true, "37": true, "42": true, "43": true, "53": true, "69": true,
	"77": true, "79": true, "87": true, "95": true, "101": true, "102": true,
	"103": true, "104": true, "109": true, "110": true, "111": true,
	"113": true, "115": true, "117": true, "119": true, "123": true,
	"135": true, "137": true, "139": true, "143": true, "161": true,
	"179": true, "389": true, "427": true, "465": true, "512": true,
	"513": true, "514": true, "515": true, "526": true, "530": true,
	"531": true, "532": true, "540": true, "548": true, "554": true,
	"556": true, "563": true, "587": true, "601": true, "636": true,
	"989": true, "990": true, "993": true, "995": true, "1719": true,
	"1720": true, "1723": true, "2049": true, "3659": true, "4045": true,
	"5060": true, "5061": true, "6000": true, "6566": true,
	"6665": true, "6666": true, "6667": true, "6668": true, "6669": true,
	"6697": true, "10080": true,
}

// errUnsafePort is the cause of a connection to an unsafe port, in
// Chrome's words.
type errUnsafePort struct{ port string }

func (e errUnsafePort) Error() string {
	return fmt.Sprintf("port %s is not allowed: net::ERR_UNSAFE_PORT", e.port)
}

// checkPort returns errUnsafePort when the URL, as parseURL serializes
// it, names a port Chrome refuses. A URL without a port uses 80 or 443,
// which are safe.
func checkPort(u string) error {
	pu, err := url.Parse(u)
	if err != nil {
		return nil // parseURL accepted it; the dial will say what is wrong
	}
	if p := pu.Port(); unsafePorts[p] {
		return errUnsafePort{p}
	}
	return nil
}
