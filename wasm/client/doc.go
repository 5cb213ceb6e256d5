// Package client is the demo's client logic on wsapi, with no DOM: the
// echo, chat and ticks protocols of the companion server (package server),
// and the state a page renders from them. It builds for every platform, so
// the page's own logic is tested natively against the real server.
//
//	chat, err := client.DialChat("ws://127.0.0.1:8080", &client.ChatOptions{
//		Nick:    "alice",
//		OnEvent: func(e client.ChatEvent) { fmt.Println(e.Seq, e) },
//	})
//	if err != nil {
//		return err
//	}
//	defer chat.Close()
//	chat.Say("hello")
//
// # Events and state
//
// Each client (Echo, Chat, Ticks) owns one reconnecting socket (package
// reconnect), which makes a new connection when one ends. Its callbacks
// run one at a time and in order, after the client's state was updated, so
// State called from a callback already shows the event. A callback may
// call any method of its client.
//
// State returns a copy of the state that the caller may keep. Wait blocks
// until the state satisfies a condition, which is how tests and other
// blocking code use a client; it returns a *wsapi.CloseError if the socket
// closes for good first.
//
// Chat and Ticks resume: every attempt after a welcome names the last seq
// seen and the welcome's epoch, and the server sends what was missed, or
// says it could not (ChatOptions.OnResume, the states' Lost); see
// docs/recovery.md.
//
// # Protocol
//
// Chat and ticks messages are JSON text frames. Every chat room event
// (join, say, leave) carries the room's sequence number, which grows by one
// per event; Chat counts the events it missed from the gaps. The server
// announces the joins and leaves of a burst together: one join or leave
// event may name several members (ChatEvent.Nicks), and a client's own
// join comes a little after its welcome, always before its first say. A
// message that does not follow the protocol is not applied to the state:
// it is counted and reported to Hooks.Invalid, and the socket stays open.
package client
