package reconnect

import (
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeClock is the schedule's time for a test: each Now is step later
// than the previous one, and every timer fires at once, after noting the
// wait it was asked for.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	step  time.Duration
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch, func() bool { return false }
}

// TestScheduleWaits: the socket waits exactly the delays of the schedule,
// Backoff.Delay of each attempt with each draw, and, when every
// connection stays open MinUptime, starts each time again from attempt 1.
func TestScheduleWaits(t *testing.T) {
	b := Backoff{Min: time.Second, Max: 8 * time.Second, Factor: 2}
	draws := []float64{0.5, 0.9, 0.25, 0.75, 0.1}
	for _, c := range []struct {
		name     string
		path     string
		step     time.Duration // how far the clock moves at each look
		attempts []int
	}{
		// Refused: never open, the retries count up, to the cap.
		{"refused", "/refuse?n=1000", 0, []int{1, 2, 3, 4, 5}},
		// Dropped after the handshake, uptime zero: they count up.
		{"short uptime", "/drop?n=1000", 0, []int{1, 2, 3, 4, 5}},
		// Dropped, but the clock says each stayed open an hour.
		{"long uptime", "/drop?n=1000", time.Hour, []int{1, 1, 1, 1, 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			clk := &fakeClock{now: time.Unix(1e9, 0), step: c.step}
			i := 0
			var mu sync.Mutex
			s, err := New(os.Getenv("WSAPI_RECONNECT_SERVER")+c.path+"&key="+t.Name()+strconv.FormatInt(time.Now().UnixNano(), 10), &Options{
				MinDelay: b.Min, MaxDelay: b.Max, Factor: b.Factor, MaxRetries: 1000,
				Rand: func() float64 {
					mu.Lock()
					defer mu.Unlock()
					r := draws[i%len(draws)]
					i++
					return r
				},
				clock: clk,
			})
			if err != nil {
				t.Fatal(err)
			}
			var retries []Retry
			s.OnRetry(func(r Retry) {
				retries = append(retries, r)
				if len(retries) == len(c.attempts) {
					s.Close()
				}
			})
			<-s.Done()
			var want []time.Duration
			var got []int
			for k, r := range retries {
				got = append(got, r.Attempt)
				// Between the retry's scheduling and its wait the clock
				// is read once more: step of the delay has passed.
				want = append(want, b.Delay(c.attempts[k], draws[k])-c.step)
			}
			clk.mu.Lock()
			waits := clk.waits
			clk.mu.Unlock()
			if !slices.Equal(got, c.attempts) {
				t.Errorf("attempts %v, want %v", got, c.attempts)
			}
			// The last retry is cut short by Close: its wait may be
			// noted or not.
			n := len(want) - 1
			if len(waits) < n || !slices.Equal(waits[:n], want[:n]) {
				t.Errorf("waited %v, want %v", waits, want)
			}
		})
	}
}
