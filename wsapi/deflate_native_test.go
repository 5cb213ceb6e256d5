//go:build !js

package wsapi_test

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// TestDeflateOnTheWire checks what the native client compresses when the
// server limits its window: exactly the messages that fit the window (and
// reach coder/websocket's threshold), and every one of them without a
// limit. The scenarios prove the messages cross intact; this proves the
// compression is really used where it legally can be.
func TestDeflateOnTheWire(t *testing.T) {
	e := scenarioEnv(t)
	sizes := []int{100, 600, 4096, 5000, 65536}
	for _, tc := range []struct {
		ext      string
		deflated []int // the sizes that must go compressed
	}{
		{"permessage-deflate", []int{600, 4096, 5000, 65536}},
		{"permessage-deflate; client_max_window_bits=15", []int{600, 4096, 5000, 65536}},
		{"permessage-deflate; client_max_window_bits=12", []int{600, 4096}},
		{"permessage-deflate; client_max_window_bits=10", []int{600}},
		{"permessage-deflate; client_max_window_bits=8", nil},
		{"permessage-deflate; client_no_context_takeover; client_max_window_bits=13", []int{600, 4096, 5000}},
	} {
		t.Run(tc.ext, func(t *testing.T) {
			id := fmt.Sprintf("wire-%08x", rand.Uint32())
			ws, err := wsapi.New(e.wsBase() + "/deflate?wire=1&id=" + id + "&ext=" + url.QueryEscape(tc.ext))
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			ws.OnOpen(func() {
				for _, n := range sizes {
					ws.SendText(strings.Repeat("wsapi ", n)[:n])
				}
			})
			ws.OnMessage(func(m wsapi.MessageEvent) {
				if got++; got == len(sizes) {
					ws.Close()
				}
			})
			<-ws.Done()
			if ws.Extensions() != tc.ext {
				t.Errorf("Extensions() = %q, want the server's %q", ws.Extensions(), tc.ext)
			}
			checkDeflated(t, "the server", observe(e, id), sizes, tc.deflated)
		})
	}
}

// TestDeflateOnTheWireInterop checks the same against real servers whose
// inflaters are zlib with the window's bits: Python websockets (12 bits by
// default) and Node ws (10 bits, and 15). Each message's echo proves it
// crossed, and the server's view says which came compressed, which is what
// holds the client to the window here: zlib fails only a reference beyond
// the window and what the message itself has produced so far, and these
// messages repeat a 6-byte pattern, whose references are short.
func TestDeflateOnTheWireInterop(t *testing.T) {
	e := interopEnv(t)
	sizes := []int{600, 1024, 4000, 4096, 5000, 65536}
	for _, tc := range []struct {
		server   string
		deflated []int
	}{
		{"python-default", []int{600, 1024, 4000, 4096}},            // client_max_window_bits=12
		{"node-deflate-small", []int{600, 1024}},                    // client_max_window_bits=10
		{"node-deflate", []int{600, 1024, 4000, 4096, 5000, 65536}}, // no limit: 15 bits
		{"python-nocompress", nil},
	} {
		t.Run(tc.server, func(t *testing.T) {
			if e.interop[tc.server] == "" {
				missingServer(t, tc.server)
			}
			id := fmt.Sprintf("wire-%08x", rand.Uint32())
			base := wsapitest.WebSocketURL(e.interop[tc.server])
			ws, err := wsapi.New(base + "/echo?wire=1&id=" + id)
			if err != nil {
				t.Fatal(err)
			}
			// One message at a time, each sent once the last came back.
			next := 0
			send := func() {
				n := sizes[next]
				ws.SendText(strings.Repeat("wsapi ", n)[:n])
			}
			ws.OnOpen(send)
			ws.OnMessage(func(m wsapi.MessageEvent) {
				if len(m.Data) != sizes[next] {
					t.Errorf("echo of %d bytes: %d", sizes[next], len(m.Data))
				}
				if next++; next == len(sizes) {
					ws.Close()
					return
				}
				send()
			})
			<-ws.Done()
			if ce, _ := ws.CloseEvent(); ce.Code != 1005 || !ce.WasClean {
				t.Errorf("close %+v, want 1005 clean", ce)
			}
			envOf := e
			envOf.server = e.interop[tc.server]
			checkDeflated(t, tc.server, observe(envOf, id), sizes, tc.deflated)
		})
	}
}

// checkDeflated holds a server's observation lines (request, then one
// recv line a message, with ?wire=1) to the text messages of sizes, of
// which those in deflated came compressed.
func checkDeflated(t *testing.T, server string, lines []string, sizes, deflated []int) {
	t.Helper()
	var want []string
	for _, n := range sizes {
		if slices.Contains(deflated, n) {
			want = append(want, fmt.Sprintf("recv text %d deflated", n))
		} else {
			want = append(want, fmt.Sprintf("recv text %d", n))
		}
	}
	if len(lines) < 1+len(want) || !slices.Equal(lines[1:1+len(want)], want) {
		t.Errorf("%s saw\n%s\nwant the messages\n%s", server, strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
