//go:build !js

// Package protocoltest is the protocol table: the intent of the Autobahn
// test suite's case families 1 to 7 (framing, pings and pongs, reserved
// bits, opcodes, fragmentation, UTF-8, closing), written anew as a Go table
// of raw frames, and the tester that plays a case against a peer and judges
// what the peer did.
//
// The same table runs both ways: against the server (the tester is a raw
// client, and masks its frames) and against the native wsapi client (the
// tester is a raw server). The peer under test is expected to echo every
// message, answer every ping, and fail the connection where RFC 6455 says
// it must. Each case states the strict outcome and, where there is one, an
// acceptable variant:
//
//   - PASS: the peer echoed and answered exactly as expected and answered
//     the tester's close (1000 unless the case sends its own);
//   - FAILED-CONNECTION c: the peer failed the connection, sending a close
//     frame with code c first ("no close frame" if it dropped TCP), after
//     the replies expected before the fault;
//   - NON-STRICT: the case's variant, which RFC 6455 allows or tolerates;
//     the case says why.
//
// Anything else is ACCEPTED (the peer went on where it had to fail), WRONG
// (say why) or HANG (the peer never ended the connection).
package protocoltest
