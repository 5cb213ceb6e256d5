//go:build !js

package main

import (
	"fmt"
	"time"
)

// capacityNote says, when the scale target is missed, what bounds it on
// this machine: the deliveries per second the largest room needs against
// what the machine's cores deliver at the cost measured in the largest
// room that lost nothing, and the server CPU time per delivery the target
// would allow. A room of n receivers has one message written n times, one
// after the other across the server's cores, so the last receiver's wait
// grows with n at a fixed cost per delivery however the server is built.
// The largest room is the cheapest per delivery when it falls behind (a
// receiver's messages then share writes), which makes the bound the
// machine's best case. It returns "" when no room lost nothing, as there
// is then no cost to go by.
func capacityNote(steps []*step, interval time.Duration, cores int) string {
	var ref *phase
	for _, st := range steps {
		for _, ph := range st.phases {
			if ph.stalled == 0 && ph.lost == 0 && !ph.pubClosed && len(ph.lat) > 0 && (ref == nil || ph.receivers > ref.receivers) {
				ref = ph
			}
		}
	}
	if ref == nil {
		return ""
	}
	first, last := steps[0], steps[len(steps)-1]
	machineUs := µsPer(ref.used.machine, len(ref.lat))
	serverUs := µsPer(ref.used.servers, len(ref.lat))
	need := float64(last.size) * float64(time.Second) / float64(interval)
	can := float64(cores) / machineUs * 1e6
	allowed := maxScale * float64(first.normal.pct(0.99))
	allowUs := allowed / float64(time.Microsecond) * float64(cores) / float64(last.size)
	return fmt.Sprintf("\nWhat bounds the scale target on this machine: %d receivers need %.0f deliveries/s. "+
		"At %d receivers, the largest room that lost nothing, the machine spent %.1f µs of CPU per delivery (the server %.1f, the clients the rest), "+
		"so its %d cores deliver about %.0f/s, %.2f× what %d receivers need. "+
		"And the server writes a message to every receiver in turn: for the last one to have it within %s (%.1f× the p99 at %d), "+
		"the server could spend at most %.1f µs of CPU per delivery on %d cores, against the %.1f it spent there (see the profile).\n",
		last.size, need, ref.receivers, machineUs, serverUs, cores, can, can/need, last.size,
		ms(time.Duration(allowed)), maxScale, first.size, allowUs, cores, serverUs)
}
