//go:build !js

package reconnect

// lifecycle is nothing outside the browser: no page, and no event that
// says the network came back that Go could rely on.
type lifecycle struct{}

func (*lifecycle) start(*Socket) {}
func (*lifecycle) stop()         {}
