package reconnect_test

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

// patience bounds every wait of the suite: a failure, never a measure.
const patience = 20 * time.Second

var keys atomic.Int64

// key is a fresh key for the server's counts, unique in the run.
func key(t testing.TB) string {
	return strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()) + "-" + strconv.FormatInt(keys.Add(1), 10) + "-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 10)
}

// fast are options for tests: retries at once, bounded.
func fast() *reconnect.Options {
	return &reconnect.Options{
		MinDelay: time.Millisecond,
		MaxDelay: time.Millisecond,
		Rand:     func() float64 { return 0 },
	}
}

// recorder writes every event of a socket, in order, as a line.
type recorder struct {
	t  testing.TB
	ch chan string
}

func record(t testing.TB, s *reconnect.Socket) *recorder {
	r := &recorder{t: t, ch: make(chan string, 10000)}
	s.OnRetry(func(x reconnect.Retry) { r.ch <- "retry " + strconv.Itoa(x.Attempt) })
	s.SetHandlers(wsapi.Handlers{
		Open:    func() { r.ch <- "open " + strconv.Itoa(s.Opens()) },
		Message: func(m wsapi.MessageEvent) { r.ch <- "message " + m.Text() },
		Error:   func(error) { r.ch <- "error" },
		Close: func(e wsapi.CloseEvent) {
			r.ch <- "close " + strconv.Itoa(e.Code) + " " + s.ReadyState().String()
		},
	})
	t.Cleanup(func() {
		s.Close()
		select {
		case <-s.Done():
		case <-time.After(patience):
			t.Errorf("socket not done %v after the test", patience)
		}
	})
	return r
}

// next returns the next event.
func (r *recorder) next() string {
	r.t.Helper()
	select {
	case e := <-r.ch:
		return e
	case <-time.After(patience):
		r.t.Fatalf("no event in %v", patience)
		return ""
	}
}

// expect takes the next events and fails unless they are want.
func (r *recorder) expect(want ...string) {
	r.t.Helper()
	for _, w := range want {
		if got := r.next(); got != w {
			r.t.Fatalf("event %q, want %q (of %q)", got, w, want)
		}
	}
}

// until skips events up to and including want.
func (r *recorder) until(want string) {
	r.t.Helper()
	for {
		if r.next() == want {
			return
		}
	}
}

// rest returns the events left once the socket is done.
func (r *recorder) rest(s *reconnect.Socket) []string {
	r.t.Helper()
	waitDone(r.t, s)
	var out []string
	for {
		select {
		case e := <-r.ch:
			out = append(out, e)
		default:
			return out
		}
	}
}

func waitDone(t testing.TB, s *reconnect.Socket) {
	t.Helper()
	select {
	case <-s.Done():
	case <-time.After(patience):
		t.Fatalf("socket not done in %v", patience)
	}
}

func waitOpen(t testing.TB, s *reconnect.Socket) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := s.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
}
