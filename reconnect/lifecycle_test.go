package reconnect

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// The lifecycle reactions, driven by hand: the browser's events call
// these same methods (lifecycle_js.go), and Chromium runs this test too.

// lifeSocket connects to path on the suite's server, retrying at once, and
// reports its events on a channel.
func lifeSocket(t *testing.T, path string) (*Socket, chan string) {
	t.Helper()
	return lifeSocketWith(t, os.Getenv("WSAPI_RECONNECT_SERVER")+path, &Options{})
}

// lifeSocketWith is lifeSocket for url and o, whose delays and reactions
// to the page it sets.
func lifeSocketWith(t *testing.T, url string, o *Options) (*Socket, chan string) {
	t.Helper()
	o.MinDelay, o.MaxDelay, o.Rand = time.Millisecond, time.Millisecond, func() float64 { return 0 }
	// The page's own events must not interfere with the test's.
	o.IgnoreNetwork, o.IgnoreVisibility, o.IgnorePageLifecycle = true, true, true
	s, err := New(url, o)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 100)
	s.OnRetry(func(r Retry) { ch <- "retry " + r.Paused })
	s.SetHandlers(wsapi.Handlers{
		Open:  func() { ch <- "open" },
		Close: func(e wsapi.CloseEvent) { ch <- "close " + e.Reason },
	})
	t.Cleanup(func() {
		s.Close()
		<-s.Done()
	})
	return s, ch
}

func expect(t *testing.T, ch chan string, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case got := <-ch:
			if got != w {
				t.Fatalf("event %q, want %q", got, w)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no event, want %q", w)
		}
	}
}

// quiet fails if an event comes within a short while: no attempt is made.
// A pass proves little alone; the events that follow it prove the rest.
func quiet(t *testing.T, ch chan string) {
	t.Helper()
	select {
	case got := <-ch:
		t.Fatalf("event %q while paused", got)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestOffline(t *testing.T) {
	s, ch := lifeSocket(t, "/echo")
	expect(t, ch, "open")
	s.setOnline(false)
	expect(t, ch, "close reconnect: offline", "retry offline")
	if r, ok := s.NextRetry(); !ok || r.Paused != "offline" {
		t.Errorf("NextRetry %+v %v", r, ok)
	}
	quiet(t, ch)
	s.setOnline(true)
	expect(t, ch, "open")
}

func TestHidden(t *testing.T) {
	s, ch := lifeSocket(t, "/drop?n=1&key="+t.Name()+time.Now().String())
	s.setVisible(false) // an open connection stays; no new one starts
	expect(t, ch, "open", "close ", "retry hidden")
	quiet(t, ch)
	s.setVisible(true)
	expect(t, ch, "open")
}

func TestPageHide(t *testing.T) {
	s, ch := lifeSocket(t, "/echo")
	expect(t, ch, "open")
	s.pageHide()
	expect(t, ch, "close pagehide", "retry pagehide")
	quiet(t, ch)
	s.pageShow()
	expect(t, ch, "open")
}

// TestPageHideWhileDialing: a pagehide that comes while the providers are
// asked finds no connection to close; the one they lead to must not open
// in a page that may be in the back/forward cache.
func TestPageHideWhileDialing(t *testing.T) {
	release := make(chan struct{})
	asked := make(chan struct{}, 10)
	s, ch := lifeSocketWith(t, "", &Options{
		URLProvider: func(context.Context) (string, error) {
			asked <- struct{}{}
			<-release
			return os.Getenv("WSAPI_RECONNECT_SERVER") + "/echo", nil
		},
	})
	select {
	case <-asked:
	case <-time.After(20 * time.Second):
		t.Fatal("the provider was not asked")
	}
	s.pageHide()
	close(release)
	expect(t, ch, "close ", "retry pagehide")
	quiet(t, ch)
	s.pageShow()
	expect(t, ch, "open")
}
