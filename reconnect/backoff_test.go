package reconnect_test

import (
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
)

func TestBackoffDelay(t *testing.T) {
	b := reconnect.Backoff{Min: 500 * time.Millisecond, Max: 20 * time.Second, Factor: 2}
	for _, c := range []struct {
		attempt int
		r       float64
		want    time.Duration
	}{
		{1, 0, 0},
		{1, 0.5, 250 * time.Millisecond},
		{1, 0.999, 499500 * time.Microsecond},
		{2, 0.5, 500 * time.Millisecond},
		{3, 0.5, time.Second},
		{6, 1, 16 * time.Second},
		{7, 1, 20 * time.Second}, // 32 s, capped
		{7, 0.25, 5 * time.Second},
		{1000, 0.5, 10 * time.Second},  // Factor^999 overflows: the cap
		{0, 1, 500 * time.Millisecond}, // below 1 counts as 1
		{3, -1, 0},                     // r is clamped to [0, 1]
		{3, 2, 2 * time.Second},
	} {
		if got := b.Delay(c.attempt, c.r); got != c.want {
			t.Errorf("Delay(%d, %v) = %v, want %v", c.attempt, c.r, got, c.want)
		}
	}
	flat := reconnect.Backoff{Min: time.Second, Max: time.Second, Factor: 1}
	for a := 1; a < 50; a++ {
		if got := flat.Bound(a); got != time.Second {
			t.Fatalf("Factor 1: Bound(%d) = %v", a, got)
		}
	}
}

// TestScheduleFromOptions checks the schedule a socket draws, with a fixed
// random source, through the delays it reports in OnRetry.
func TestScheduleFromOptions(t *testing.T) {
	draws := []float64{0.5, 0.5, 0.5, 0.25}
	i := 0
	s, err := reconnect.New(serverURL("/refuse?n=1000&key="+key(t)), &reconnect.Options{
		MinDelay: 2 * time.Millisecond, MaxDelay: 10 * time.Millisecond, Factor: 3, MaxRetries: 4,
		Rand: func() float64 { r := draws[i]; i++; return r },
	})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan reconnect.Retry, 10)
	s.OnRetry(func(r reconnect.Retry) { got <- r })
	waitDone(t, s)
	close(got)
	want := []time.Duration{time.Millisecond, 3 * time.Millisecond, 5 * time.Millisecond, 2500 * time.Microsecond}
	n := 0
	for r := range got {
		if r.Attempt != n+1 || r.Delay != want[n] {
			t.Errorf("retry %d: attempt %d delay %v, want %d %v", n, r.Attempt, r.Delay, n+1, want[n])
		}
		n++
	}
	if n != 4 {
		t.Errorf("%d retries, want 4", n)
	}
}
