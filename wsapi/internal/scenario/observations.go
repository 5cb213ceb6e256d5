//go:build !js

package scenario

import (
	"context"
	"time"
)

// record is what the server knows about one id.
type record struct {
	lines []string
	// active counts the handlers running for the id; idle is closed when
	// it drops to zero, which is what /observe waits for.
	active int
	idle   chan struct{}
}

// Observations returns a copy of the lines recorded for id so far.
func (s *Server) Observations(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec := s.ids[id]; rec != nil {
		return append([]string(nil), rec.lines...)
	}
	return nil
}

// begin marks a handler for id as running.
func (s *Server) begin(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.recordLocked(id)
	if rec.active == 0 {
		rec.idle = make(chan struct{})
	}
	rec.active++
}

// end marks a handler for id as returned.
func (s *Server) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.ids[id]
	rec.active--
	if rec.active == 0 {
		close(rec.idle)
	}
}

// record appends a line to what id saw.
func (s *Server) record(id, line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.recordLocked(id)
	rec.lines = append(rec.lines, line)
}

// recordLocked returns id's record, made on first use; s.mu is held.
func (s *Server) recordLocked(id string) *record {
	rec := s.ids[id]
	if rec == nil {
		rec = &record{}
		s.ids[id] = rec
	}
	return rec
}

// waitIdle waits until no handler of id is running, or for at most d, or
// until ctx is done, and returns the lines recorded for id by then.
func (s *Server) waitIdle(ctx context.Context, id string, d time.Duration) []string {
	s.mu.Lock()
	var idle chan struct{}
	if rec := s.ids[id]; rec != nil && rec.active > 0 {
		idle = rec.idle
	}
	s.mu.Unlock()
	if idle != nil {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-idle:
		case <-t.C:
			s.opts.Logf("scenario: observe %q: handlers still running after %v", id, d)
		case <-ctx.Done():
		}
	}
	return s.Observations(id)
}
