package reconnect

import "github.com/go-wsapi/wsapi/wsapi"

// ShouldReconnect is the default close policy: it reports whether a
// connection that ended with e should be followed by another. A Close or
// CloseWithStatus of the Socket always ends it, whatever the policy says;
// the policy only judges closes the Socket did not ask for.
//
// It stops on the codes that say coming back would fail the same way or is
// unwanted, and retries the rest:
//
//   - 1003 (unsupported data) and 1007 (invalid payload): the server cannot
//     take what this client sends, and a new connection sends the same.
//   - 1009 (message too big): as centrifuge-js, a size this client exceeds
//     is a bug that reconnecting would only hide.
//   - 3500-3999 and 4500-4999: centrifuge-js's terminal ranges, the ones an
//     application server uses to say "do not come back" (banned, account
//     gone, client too old). 3000-3499 and 4000-4499 are retried, as there.
//
// Retried: 1000 and 1001 (a server that restarts or redeploys), 1005 and
// 1006 (a drop, a failed handshake: the browser tells no more), 1011-1015
// (server errors, "try again later"), 1002 (usually a middlebox), and 1008
// (policy violation), which servers send for a slow client (this
// repository's server does), a rate limit or an expired token that a
// URLProvider can renew; a server that means "never" should say so with a
// code of the terminal ranges.
func ShouldReconnect(e wsapi.CloseEvent) bool {
	switch c := e.Code; {
	case c == 1003, c == 1007, c == 1009:
		return false
	case 3500 <= c && c <= 3999, 4500 <= c && c <= 4999:
		return false
	}
	return true
}
