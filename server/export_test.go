//go:build !js

package server

import "time"

// SetPresenceWindow sets how long joins and leaves may wait to be
// announced together, for tests; call it before the room has members.
func SetPresenceWindow(s *Server, d time.Duration) {
	s.room.mu.Lock()
	s.room.window = d
	s.room.mu.Unlock()
}
