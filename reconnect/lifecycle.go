package reconnect

// The browser's page and network events, as the Socket reacts to them.
// lifecycle_js.go listens to them; elsewhere nothing reports them and the
// options that turn them off change nothing.

// setOnline reacts to the online and offline events: offline gives the
// current connection up (the loop reports its close) and holds retries;
// online retries at once.
func (s *Socket) setOnline(online bool) {
	s.mu.Lock()
	s.offline = !online
	if online {
		s.kick = true
	} else if c := s.cur; c != nil && c.cause == "" {
		c.cause = "offline"
	}
	s.mu.Unlock()
	s.poke()
}

// setVisible reacts to visibilitychange: while hidden no attempt starts;
// shown again, a waiting retry starts at once.
func (s *Socket) setVisible(visible bool) {
	s.mu.Lock()
	s.hidden = !visible
	if visible {
		s.kick = true
	}
	s.mu.Unlock()
	s.poke()
}

// pageHide closes the connection at once, from the pagehide listener
// itself, so that the page can enter the back/forward cache; no attempt
// starts until pageShow.
func (s *Socket) pageHide() {
	s.mu.Lock()
	s.frozen = true
	c := s.cur
	if c != nil && c.cause == "" {
		c.cause = "pagehide"
	}
	s.mu.Unlock()
	if c != nil {
		c.ws.CloseWithStatus(1000, "pagehide")
	}
	s.poke()
}

// pageShow reconnects at once after pageHide.
func (s *Socket) pageShow() {
	s.mu.Lock()
	s.frozen = false
	s.kick = true
	s.mu.Unlock()
	s.poke()
}
