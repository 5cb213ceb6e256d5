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
			lines := observe(e, id)
			var want []string
			for _, n := range sizes {
				if slices.Contains(tc.deflated, n) {
					want = append(want, fmt.Sprintf("recv text %d deflated", n))
				} else {
					want = append(want, fmt.Sprintf("recv text %d", n))
				}
			}
			if len(lines) < 1+len(want) || !slices.Equal(lines[1:1+len(want)], want) {
				t.Errorf("server saw\n%s\nwant the messages\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
