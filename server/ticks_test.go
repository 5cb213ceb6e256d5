//go:build !js

package server

import (
	"encoding/json"
	"testing"
	"time"
)

// TestTicksResumeKeepsItsWord: the quotes a welcome says are recovered
// are the ones sent, even when the stream moves past the history while
// the welcome is being written.
func TestTicksResumeKeepsItsWord(t *testing.T) {
	ts := newTickStream(time.Hour, "e", history{size: 4, age: time.Hour})
	defer ts.shutdown()
	for range 5 {
		ts.tickLocked(time.Now()) // seq 1 to 5; the history holds 2 to 5
	}
	c := &client{resume: resume{given: true, since: 3, epoch: "e"}}
	welcome, ms, last, _ := ts.subscribe(c)
	defer ts.unsubscribe(c)
	var w tickWelcome
	if err := json.Unmarshal(welcome.data, &w); err != nil || w.Recovered == nil || !*w.Recovered || w.Seq != 5 {
		t.Fatalf("welcome %s (%v), want recovered at seq 5", welcome.data, err)
	}
	// The welcome's write is slow: four quotes come meanwhile, and push
	// 4 and 5 out of the history.
	ts.mu.Lock()
	for range 4 {
		ts.tickLocked(time.Now())
	}
	ts.mu.Unlock()
	more, _ := ts.after(last)
	ms = append(ms, more...)
	want := int64(4)
	for _, m := range ms {
		var q struct{ Seq int64 }
		if err := json.Unmarshal(m.data, &q); err != nil {
			t.Fatal(err)
		}
		if q.Seq != want {
			t.Fatalf("after a recovered welcome at seq 5 (since 3): quote %d, want %d", q.Seq, want)
		}
		want++
	}
	if want != 10 {
		t.Fatalf("quotes up to %d, want up to 9", want-1)
	}
}
