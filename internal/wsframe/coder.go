package wsframe

// What the repository relies on in coder/websocket (v1.8.15), beyond its
// documented API, in the three places that watch its frames through this
// package. An upgrade that changes one of these fails the tests named.
//
// The native client's handshake hook (wsapi/handshake_native.go):
//   - coder dials through DialOptions.HTTPClient, so a RoundTripper of ours
//     sees the request and the 101 response before coder does, may rewrite
//     Sec-WebSocket-Protocol and Sec-WebSocket-Extensions both ways, and
//     may replace the response Body, which coder then uses as the
//     connection (TestHandshakeFailsAtOnce, TestExtensionsAsSent,
//     TestCheckExtensions, the deflate-* scenarios);
//   - coder accepts "permessage-deflate; client_no_context_takeover" from
//     the server and then compresses each message with a fresh compressor,
//     only from its CompressionThreshold (512 bytes) up, deciding by the
//     first Write of a message (TestDeflateOnTheWire,
//     TestDeflateOnTheWireInterop).
//
// The native client's frame tap (wsapi/frametap_native.go; its reads in
// frametap_read_native.go, its writes in frametap_write_native.go):
//   - coder reads every byte of the server through that Body's Read, in
//     order, and an error from Read ends its reader without it answering
//     anything (TestFrameTapRefuses, TestFrameTapStray, TestProtocolClient);
//   - coder writes each of its frames through Write, whole or in pieces,
//     and frames of several goroutines never interleave; a client frame is
//     masked (TestFrameTapStream, TestFrameTapInject);
//   - coder writes a close frame of its own only when it fails the
//     connection itself (TestProtocolClient's coder-detected cases).
//
// The server's cork (server/cork.go):
//   - coder's server writes through a bufio.Writer on the hijacked
//     net.Conn and flushes after every frame, so a Write holds whole frames
//     or whole headers, and a control frame of another goroutine comes
//     whole between two frames (TestCorkWriter, TestWriteBatch);
//   - after writing the close frame that answers the peer's, coder closes
//     the connection at once (TestCorkedClose, TestCorkedCloseReply).
