package wsapitest

// Script says what a test server made by Handler does on each connection,
// the same whichever runtime the client runs in: it sends Send, then
// echoes (Echo) or closes with CloseCode.
type Script struct {
	// Send holds text messages sent once the connection is open, in
	// order. Defaults to none.
	Send []string
	// Echo, once Send is sent, sends every message back as it came, text
	// or binary, until the client closes, and answers the client's close
	// with the client's code and reason. Defaults to false.
	Echo bool
	// CloseCode, unless Echo, is the code the server closes with once
	// Send is sent. Defaults to 1000.
	CloseCode int
	// CloseReason goes with CloseCode. Defaults to "".
	CloseReason string
	// Protocols are the subprotocols the server may select, the first the
	// client offers that is listed. Defaults to none.
	Protocols []string
}

// Echo is the script of an echo server.
var Echo = Script{Echo: true}
