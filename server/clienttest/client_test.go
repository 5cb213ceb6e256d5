//go:build !js

package clienttest_test

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-wsapi/wsapi/internal/clienttest"
	"github.com/go-wsapi/wsapi/wasm/client"
	"github.com/go-wsapi/wsapi/wsapi"
)

func TestEcho(t *testing.T) {
	base := startServer(t)
	ctx := clienttest.Context(t)
	rec := &clienttest.Recorder{Name: "echo"}
	var echoes []string // only touched by OnEcho, then read after Done
	e, err := client.DialEcho(base, &client.EchoOptions{
		Hooks:  rec.Hooks(),
		OnEcho: func(m client.EchoMessage) { echoes = append(echoes, m.String()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, e)
	// Queued while CONNECTING, sent on open.
	if err := e.SendText("too early"); err != nil {
		t.Errorf("SendText while CONNECTING: %v", err)
	}
	if err := e.Socket().WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	bin := []byte{0, 1, 2, 0xfe, 0xff}
	if err := e.SendText("héllo"); err != nil {
		t.Fatal(err)
	}
	if err := e.SendBinary(bin); err != nil {
		t.Fatal(err)
	}
	st, err := e.Wait(ctx, func(s client.EchoState) bool { return s.Received == 3 })
	if err != nil {
		t.Fatal(err)
	}
	want := []client.EchoMessage{{Type: wsapi.Text, Data: []byte("too early")}, {Type: wsapi.Text, Data: []byte("héllo")}, {Type: wsapi.Binary, Data: bin}}
	if st.Sent != 3 || len(st.Echoes) != 3 ||
		st.Echoes[1].Type != want[1].Type || !bytes.Equal(st.Echoes[1].Data, want[1].Data) ||
		st.Echoes[2].Type != want[2].Type || !bytes.Equal(st.Echoes[2].Data, want[2].Data) {
		t.Errorf("state %+v, want 3 sent and echoes %v", st, want)
	}
	e.Close()
	<-e.Socket().Done()
	if err := e.SendText("too late"); !errors.Is(err, client.ErrNotOpen) {
		t.Errorf("SendText when CLOSED: %v, want client.ErrNotOpen", err)
	}
	if got, want := echoes, []string{"text: too early", "text: héllo", "binary: 5 bytes 000102feff"}; !slices.Equal(got, want) {
		t.Errorf("OnEcho saw %q, want %q", got, want)
	}
	wantLog := []string{
		"echo open",
		"echo message text 9 bytes",
		"echo message text 6 bytes",
		"echo message binary 5 bytes",
		"echo close 1000 disconnect wasClean=true local=true",
	}
	if got := rec.Lines(); !slices.Equal(got, wantLog) {
		t.Errorf("log\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLog, "\n"))
	}
	if st := e.State(); !st.Closed || !st.Local || st.Close.Code != 1000 {
		t.Errorf("state after Close: %+v", st.Conn)
	}
}

// timeRE is the server's time format: RFC 3339, milliseconds, UTC.
var timeRE = regexp.MustCompile(`"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"`)

func TestChat(t *testing.T) {
	base := startServer(t)
	ctx := clienttest.Context(t)
	var badTime sync.Once
	join := func(nick string) (*client.Chat, *clienttest.Recorder) {
		rec := &clienttest.Recorder{Name: "chat"}
		h := rec.Hooks()
		h.Message = func(m wsapi.MessageEvent) {
			if !timeRE.Match(m.Data) {
				badTime.Do(func() { t.Errorf("time not as RFC 3339 UTC with milliseconds: %s", m.Data) })
			}
		}
		c, err := client.DialChat(base, &client.ChatOptions{Hooks: h, Nick: nick})
		if err != nil {
			t.Fatal(err)
		}
		clienttest.CloseAtEnd(t, c)
		if _, err := c.Wait(ctx, func(s client.ChatState) bool { return len(s.Events) > 0 }); err != nil {
			t.Fatalf("%s: %v", nick, err)
		}
		return c, rec
	}
	alice, _ := join("alice")
	bob, bobRec := join("bob")
	alice2, _ := join("alice") // the server renames a nick in use

	if got := alice2.State().Nick; got != "alice-2" {
		t.Errorf("second alice is %q, want alice-2", got)
	}
	if err := alice.Say("hello"); err != nil {
		t.Fatal(err)
	}
	if st, err := alice.Wait(ctx, func(s client.ChatState) bool { return s.Pending == 0 }); err != nil {
		t.Fatal(err, st)
	}
	if err := bob.Say("hi alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Wait(ctx, func(s client.ChatState) bool { return s.Pending == 0 }); err != nil {
		t.Fatal(err)
	}
	if err := alice2.Close(); err != nil {
		t.Fatal(err)
	}
	<-alice2.Socket().Done()

	// alice saw everything from her own join on, in order; bob from his.
	st, err := alice.Wait(ctx, func(s client.ChatState) bool { return len(s.Events) == 6 })
	if err != nil {
		t.Fatal(err)
	}
	wantAlice := []string{"alice joined", "bob joined", "alice-2 joined", "alice: hello", "bob: hi alice", "alice-2 left"}
	checkRoom(t, "alice", st, wantAlice)
	st, err = bob.Wait(ctx, func(s client.ChatState) bool { return len(s.Events) == 5 })
	if err != nil {
		t.Fatal(err)
	}
	checkRoom(t, "bob", st, wantAlice[1:])
	if st.Events[0].Seq != alice.State().Events[1].Seq {
		t.Errorf("bob's join has seq %d for bob and %d for alice", st.Events[0].Seq, alice.State().Events[1].Seq)
	}
	if st.Pending != 0 || st.Nick != "bob" || st.Missed != 0 || st.Invalid != 0 {
		t.Errorf("bob's state: %+v", st)
	}
	bob.Close()
	<-bob.Socket().Done()
	if got := bobRec.Lines(); len(got) == 0 || got[len(got)-1] != "chat close 1000 disconnect wasClean=true local=true" {
		t.Errorf("bob's log: %q", got)
	}

	if err := alice.Say(""); !errors.Is(err, client.ErrInvalid) {
		t.Errorf(`client.Say(""): %v, want client.ErrInvalid`, err)
	}
	if err := alice.Say(strings.Repeat("é", client.MaxSay+1)); !errors.Is(err, client.ErrInvalid) {
		t.Errorf("client.Say of %d characters: %v, want client.ErrInvalid", client.MaxSay+1, err)
	}
	if err := alice.Say(strings.Repeat("é", client.MaxSay)); err != nil {
		t.Errorf("client.Say of %d characters: %v", client.MaxSay, err)
	}
	if _, err := alice.Wait(ctx, func(s client.ChatState) bool { return s.Pending == 0 }); err != nil {
		t.Fatal(err)
	}
}

// checkRoom checks that the state has exactly the events want, with
// consecutive sequence numbers following the welcome's.
func checkRoom(t *testing.T, who string, st client.ChatState, want []string) {
	t.Helper()
	var got []string
	for i, e := range st.Events {
		got = append(got, e.String())
		if e.Seq != st.Events[0].Seq+uint64(i) {
			t.Errorf("%s: event %d (%s) has seq %d, want %d", who, i, e, e.Seq, st.Events[0].Seq+uint64(i))
		}
		if e.Time.IsZero() {
			t.Errorf("%s: event %d (%s) has no time", who, i, e)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s saw\n%s\nwant\n%s", who, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(st.Events) > 0 && st.Events[0].Seq != st.LastSeq-uint64(len(st.Events))+1 {
		t.Errorf("%s: last seq %d after %d events from %d", who, st.LastSeq, len(st.Events), st.Events[0].Seq)
	}
}

func TestChatGuest(t *testing.T) {
	base := startServer(t)
	c, err := client.DialChat(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, c)
	st, err := c.Wait(clienttest.Context(t), func(s client.ChatState) bool { return s.Welcomed })
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^guest-\d+$`).MatchString(st.Nick) {
		t.Errorf("nick %q, want guest-<n>", st.Nick)
	}
}

func TestTicks(t *testing.T) {
	base := startServer(t)
	ctx := clienttest.Context(t)
	var mu sync.Mutex
	var counts []int
	tk, err := client.DialTicks(base, &client.TicksOptions{OnQuote: func(q client.Quote, n int) {
		mu.Lock()
		counts = append(counts, n)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, tk)
	st, err := tk.Wait(ctx, func(s client.TicksState) bool { return s.Count >= 3 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Last.Symbol != "GOPHER" || st.Last.Price <= 0 || st.Last.Seq != uint64(st.Count) || st.Missed != 0 || st.Invalid != 0 {
		t.Errorf("state %+v", st)
	}
	if !regexp.MustCompile(`^GOPHER \d+\.\d\d$`).MatchString(st.Last.String()) {
		t.Errorf("ticker shows %q", st.Last)
	}
	tk.Close()
	<-tk.Socket().Done()
	mu.Lock()
	defer mu.Unlock()
	for i, n := range counts {
		if n != i+1 {
			t.Fatalf("OnQuote counts %v", counts)
		}
	}
}
