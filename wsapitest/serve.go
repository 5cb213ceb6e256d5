package wsapitest

import "strings"

// WebSocketURL turns the http:// or https:// URL of a test server, such
// as httptest.Server.URL, into the ws:// or wss:// URL of the same server.
func WebSocketURL(httpURL string) string {
	if rest, ok := strings.CutPrefix(httpURL, "http"); ok {
		return "ws" + rest
	}
	return httpURL
}
