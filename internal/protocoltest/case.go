//go:build !js

package protocoltest

import (
	"strings"
	"time"

	ws "github.com/go-wsapi/wsapi/internal/wstest"
)

// Case is one test of the table.
type Case struct {
	// ID is family.group.number, as "1.1.3"; Title says what is sent.
	ID    string
	Title string
	Steps []Step
	// FailBy, in a case where the peer must fail fast, is the step that
	// must find the connection failed already: the steps before it hold
	// the fault and a pause.
	FailBy int
	Want   Expect
}

// Step is what the tester does in turn: write frames, then wait.
type Step struct {
	Frames []ws.Frame
	// Chop writes the frames in pieces of this many bytes, each its own
	// write, so that the peer sees frames and headers arrive in parts. 0
	// writes them at once.
	Chop int
	// Cut writes only the first frame's header and first Cut bytes of its
	// payload; the rest goes out with the next step.
	Cut int
	// Await waits until the peer has sent this many replies in all.
	Await int
	// Pause waits this long, or until the peer closes.
	Pause time.Duration
	// CloseWrite half-closes TCP (sends FIN) after the frames.
	CloseWrite bool
}

// Expect is what RFC 6455 asks of the peer.
type Expect struct {
	// Replies are the messages, pings and pongs the peer must send, in
	// order: all of them, or, where it must fail, those before the fault.
	Replies []Reply
	// Fail is the close code with which the peer must fail the
	// connection; 0 when it must not.
	Fail int
	// CloseReply lists the codes the peer may answer the tester's close
	// with. Defaults to 1000, the code of the tester's own close.
	CloseReply []int
	// NonStrict is the acceptable variant, if any.
	NonStrict *Variant
}

// Variant is an outcome that is not the strict one but is tolerated: Alter
// turns the case into the one that the variant passes.
type Variant struct {
	Why   string
	Alter func(*Case)
}

// Family returns the family number of the case's ID.
func (c Case) Family() string {
	f, _, _ := strings.Cut(c.ID, ".")
	return f
}

// Families names the families of the table, by number.
var Families = map[string]string{
	"1": "framing",
	"2": "pings and pongs",
	"3": "reserved bits",
	"4": "opcodes",
	"5": "fragmentation",
	"6": "UTF-8",
	"7": "close handling",
}
