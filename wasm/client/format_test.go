package client

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

func text(s string) wsapi.MessageEvent { return wsapi.MessageEvent{Type: wsapi.Text, Data: []byte(s)} }

func TestBaseURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"http://127.0.0.1:8080/", "ws://127.0.0.1:8080"},
		{"http://127.0.0.1:8080", "ws://127.0.0.1:8080"},
		{"https://example.com/demo/?nick=a#x", "wss://example.com"},
		{"http://[::1]:9/", "ws://[::1]:9"},
		{"ws://h:1/ws/echo", "ws://h:1"},
	} {
		got, err := BaseURL(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("BaseURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"file:///tmp/index.html", "/relative", "http://", ":"} {
		if got, err := BaseURL(in); err == nil {
			t.Errorf("BaseURL(%q) = %q, want an error", in, got)
		}
	}
}

func TestValidNick(t *testing.T) {
	for _, n := range []string{"a", "alice", "Bob-2", "x_y", strings.Repeat("z", 24), "0"} {
		if !ValidNick(n) {
			t.Errorf("ValidNick(%q) = false", n)
		}
	}
	for _, n := range []string{"", strings.Repeat("z", 25), "a b", "é", "a/b", "a?b", "a&nick=b"} {
		if ValidNick(n) {
			t.Errorf("ValidNick(%q) = true", n)
		}
	}
	if _, err := DialChat("ws://127.0.0.1:1", &ChatOptions{Nick: "a b"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("DialChat with a bad nick: %v, want ErrInvalid", err)
	}
}

func TestStrings(t *testing.T) {
	bin := make([]byte, 20)
	for i := range bin {
		bin[i] = byte(i * 17)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct{ got, want string }{
		{EchoMessage{wsapi.Text, []byte("héllo")}.String(), "text: héllo"},
		{EchoMessage{wsapi.Binary, []byte{0xca, 0xfe}}.String(), "binary: 2 bytes cafe"},
		{EchoMessage{wsapi.Binary, bin}.String(), "binary: 20 bytes 00112233445566778899aabbccddeeff"},
		{EchoMessage{wsapi.Binary, nil}.String(), "binary: 0 bytes"},
		{ChatEvent{Type: Say, Nick: "alice", Text: "hi there"}.String(), "alice: hi there"},
		{ChatEvent{Type: Join, Nick: "bob"}.String(), "bob joined"},
		{ChatEvent{Type: Leave, Nick: "bob"}.String(), "bob left"},
		{ChatEvent{Type: Join, Nick: "bob", Nicks: []string{"bob"}}.String(), "bob joined"},
		{ChatEvent{Type: Join, Nick: "a", Nicks: []string{"a", "b"}}.String(), "a and b joined"},
		{ChatEvent{Type: Leave, Nick: "a", Nicks: []string{"a", "b", "c"}}.String(), "a, b and c left"},
		{ChatEvent{Type: Join, Nick: "a", Nicks: []string{"a", "b", "c", "d"}}.String(), "a, b, c and d joined"},
		{ChatEvent{Type: Join, Nick: "a", Nicks: []string{"a", "b", "c", "d", "e"}}.String(), "a, b, c and 2 others joined"},
		{ChatEvent{Type: Leave, Nick: "a", Nicks: strings.Split("abcdefghijklmnopqrstuvwxyz", "")}.String(), "a, b, c and 23 others left"},
		{Quote{Symbol: "GOPHER", Price: 101.25}.String(), "GOPHER 101.25"},
		{Quote{Symbol: "GOPHER", Price: 99}.String(), "GOPHER 99.00"},
		{LogOpen("echo"), "echo open"},
		{LogMessage("echo", text("abc")), "echo message text 3 bytes"},
		{LogMessage("echo", wsapi.MessageEvent{Type: wsapi.Binary, Data: bin}), "echo message binary 20 bytes"},
		{LogError("chat"), "chat error"},
		{LogClose("chat", wsapi.CloseEvent{Code: 1001, Reason: "server shutting down", WasClean: true}), "chat close 1001 server shutting down wasClean=true"},
		{LogClose("ticks", wsapi.CloseEvent{Code: 1006}), "ticks close 1006 wasClean=false"},
		{ClosedBanner(wsapi.CloseEvent{Code: 1001, Reason: "server shutting down"}), "Connection closed: 1001 server shutting down"},
		{ClosedBanner(wsapi.CloseEvent{Code: 1006}), "Connection closed: 1006"},
		{LogRetry("chat", reconnect.Retry{Attempt: 3, Delay: 2345678 * time.Microsecond}), "chat retry 3 in 2.346s"},
		{RetryText(reconnect.Retry{Attempt: 3, At: now.Add(2300 * time.Millisecond)}, now), "reconnecting in 2.3 s (attempt 3)"},
		{RetryText(reconnect.Retry{Attempt: 1, At: now.Add(-time.Second)}, now), "reconnecting in 0.0 s (attempt 1)"},
		{RetryText(reconnect.Retry{Attempt: 2, Paused: "offline"}, now), "reconnecting when online (attempt 2)"},
		{RetryText(reconnect.Retry{Attempt: 2, Paused: "hidden"}, now), "reconnecting when visible (attempt 2)"},
		{RetryText(reconnect.Retry{Attempt: 2, Paused: "pagehide"}, now), "reconnecting when shown (attempt 2)"},
		{Resumed(true), "reconnected: nothing missed"},
		{Resumed(false), "reconnected, but what was said meanwhile could not be recovered"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestParseChat(t *testing.T) {
	const ts = `"time":"2026-01-02T03:04:05.678Z"`
	want := time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)
	for _, c := range []struct {
		in   string
		want ChatEvent
	}{
		{`{"type":"welcome","nick":"alice","seq":0,` + ts + `}`, ChatEvent{Type: Welcome, Nick: "alice", Time: want}},
		{`{"type":"join","nick":"alice","seq":7,` + ts + `}`, ChatEvent{Type: Join, Nick: "alice", Nicks: []string{"alice"}, Seq: 7, Time: want}},
		{`{"type":"join","nick":"alice","nicks":["alice","bob"],"seq":7,` + ts + `}`, ChatEvent{Type: Join, Nick: "alice", Nicks: []string{"alice", "bob"}, Seq: 7, Time: want}},
		{`{"type":"leave","nick":"a","nicks":["a","b","c"],"seq":7,` + ts + `}`, ChatEvent{Type: Leave, Nick: "a", Nicks: []string{"a", "b", "c"}, Seq: 7, Time: want}},
		{`{"type":"say","nick":"alice","text":"hello","seq":8,` + ts + `,"extra":1}`, ChatEvent{Type: Say, Nick: "alice", Text: "hello", Seq: 8, Time: want}},
		{`{"type":"leave","nick":"alice","seq":9,` + ts + `}`, ChatEvent{Type: Leave, Nick: "alice", Nicks: []string{"alice"}, Seq: 9, Time: want}},
		{`{"type":"refused","text":"hello","reason":"busy",` + ts + `}`, ChatEvent{Type: Refused, Text: "hello", Reason: "busy", Time: want}},
	} {
		got, err := ParseChat(text(c.in))
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseChat(%s) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{
		``, `[]`, `{"type":"say"`,
		`{"type":"shout","nick":"a","seq":1,` + ts + `}`,
		`{"type":"say","seq":1,` + ts + `}`,
		`{"type":"say","nick":"a",` + ts + `}`,
		`{"type":"say","nick":"a","seq":1}`,
		`{"type":"say","nick":"a","seq":1,"time":"yesterday"}`,
		`{"type":"join","nick":"a","text":"x","seq":1,` + ts + `}`,
		`{"type":"join","nick":"a","nicks":[],"seq":1,` + ts + `}`,
		`{"type":"join","nick":"a","nicks":["a"],"seq":1,` + ts + `}`,
		`{"type":"join","nick":"a","nicks":["b","a"],"seq":1,` + ts + `}`,
		`{"type":"leave","nick":"a","nicks":["a",""],"seq":1,` + ts + `}`,
		`{"type":"leave","nick":"a","nicks":["a",1],"seq":1,` + ts + `}`,
		`{"type":"say","nick":"a","nicks":["a","b"],"text":"x","seq":1,` + ts + `}`,
		`{"type":"welcome","nick":"a","nicks":["a","b"],"seq":0,` + ts + `}`,
		`{"type":"refused","reason":"busy",` + ts + `}`,
		`{"type":"refused","text":"x",` + ts + `}`,
		`{"type":"refused","text":"x","reason":"busy","seq":3,` + ts + `}`,
		`{"type":"refused","nick":"a","text":"x","reason":"busy",` + ts + `}`,
		`{"type":"refused","text":"x","reason":"busy"}`,
		`{"type":"say","nick":"a","text":"x","reason":"busy","seq":1,` + ts + `}`,
	} {
		if got, err := ParseChat(text(in)); err == nil {
			t.Errorf("ParseChat(%s) = %+v, want an error", in, got)
		}
	}
	if _, err := ParseChat(wsapi.MessageEvent{Type: wsapi.Binary, Data: []byte(`{}`)}); err == nil {
		t.Error("ParseChat(binary): no error")
	}
}

func TestParseQuote(t *testing.T) {
	q, err := ParseQuote(text(`{"type":"quote","seq":3,"time":"2026-01-02T03:04:05.678Z","symbol":"GOPHER","price":101.25}`))
	want := Quote{Seq: 3, Time: time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC), Symbol: "GOPHER", Price: 101.25}
	if err != nil || q != want {
		t.Errorf("ParseQuote = %+v, %v; want %+v", q, err, want)
	}
	for _, in := range []string{
		`{}`, `{"type":"quote"`,
		`{"type":"tick","seq":3,"time":"2026-01-02T03:04:05.678Z","symbol":"GOPHER","price":1}`,
		`{"type":"quote","time":"2026-01-02T03:04:05.678Z","symbol":"GOPHER","price":1}`,
		`{"type":"quote","seq":3,"symbol":"GOPHER","price":1}`,
		`{"type":"quote","seq":3,"time":"2026-01-02T03:04:05.678Z","price":1}`,
		`{"type":"quote","seq":3,"time":"2026-01-02T03:04:05.678Z","symbol":"GOPHER"}`,
		`{"type":"quote","seq":3,"time":"2026-01-02T03:04:05.678Z","symbol":"GOPHER","price":0}`,
		`{"type":"quote","seq":3,"time":"2026-01-02T03:04:05.678Z","symbol":"GOPHER","price":-2}`,
	} {
		if got, err := ParseQuote(text(in)); err == nil {
			t.Errorf("ParseQuote(%s) = %+v, want an error", in, got)
		}
	}
}

func TestAppendCapped(t *testing.T) {
	var list []int
	var snaps [][]int
	for i := range 10 {
		list = appendCapped(list, i, 3)
		snaps = append(snaps, list[:len(list):len(list)])
	}
	if got := list; len(got) != 3 || got[0] != 7 || got[2] != 9 {
		t.Errorf("list = %v, want [7 8 9]", got)
	}
	for i, s := range snaps {
		if s[len(s)-1] != i {
			t.Errorf("snapshot %d = %v: changed after it was taken", i, s)
		}
	}
}
