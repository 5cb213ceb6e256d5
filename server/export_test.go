//go:build !js

package server

import (
	"sync"
	"time"
)

// SetPresenceWindow sets how long joins and leaves may wait to be
// announced together, for tests; call it before the room has members.
func SetPresenceWindow(s *Server, d time.Duration) {
	s.room.mu.Lock()
	s.room.window = d
	s.room.mu.Unlock()
}

// BlockClaim makes the room's bus stop in its claim of nick, as a
// cluster's NATS slow to answer would, until unblock is called; claiming
// is closed once the claim has begun. Call it before nick joins.
func BlockClaim(s *Server, nick string) (claiming <-chan struct{}, unblock func()) {
	b := &blockingBus{claiming: make(chan struct{}), unblock: make(chan struct{}), nick: nick}
	var once sync.Once
	s.room.mu.Lock()
	b.bus = s.room.bus
	s.room.bus = b
	s.room.mu.Unlock()
	return b.claiming, func() { once.Do(func() { close(b.unblock) }) }
}

type blockingBus struct {
	bus
	nick              string
	claiming, unblock chan struct{}
}

func (b *blockingBus) claim(nick string) bool {
	if nick == b.nick {
		close(b.claiming)
		<-b.unblock
	}
	return b.bus.claim(nick)
}

// HoldDelivery makes the room's NATS bus hold the events it reads, as a
// node lagging behind the stream, until release is called; waiting is
// closed once a join waits for the room's delivery to catch up.
func HoldDelivery(s *Server) (waiting <-chan struct{}, release func()) {
	s.room.mu.Lock()
	b := s.room.bus.(*natsBus)
	s.room.mu.Unlock()
	held, wait := make(chan struct{}), make(chan struct{})
	var once, waited sync.Once
	b.mu.Lock()
	b.testHold = held
	b.testWaiting = func() { waited.Do(func() { close(wait) }) }
	b.mu.Unlock()
	return wait, func() { once.Do(func() { close(held) }) }
}
