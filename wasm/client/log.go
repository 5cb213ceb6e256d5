package client

import (
	"strconv"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

// The lines of the page's event log, one per socket event; socket is the
// endpoint's name ("echo", "chat", "ticks").

// LogOpen returns "<socket> open".
func LogOpen(socket string) string { return socket + " open" }

// LogMessage returns "<socket> message <text|binary> <n> bytes".
func LogMessage(socket string, m wsapi.MessageEvent) string {
	return socket + " message " + m.Type.String() + " " + strconv.Itoa(len(m.Data)) + " bytes"
}

// LogError returns "<socket> error".
func LogError(socket string) string { return socket + " error" }

// LogClose returns "<socket> close <code> <reason> wasClean=<bool>", with
// no reason when the close had none.
func LogClose(socket string, ev wsapi.CloseEvent) string {
	s := socket + " close " + strconv.Itoa(ev.Code) + " "
	if ev.Reason != "" {
		s += ev.Reason + " "
	}
	return s + "wasClean=" + strconv.FormatBool(ev.WasClean)
}

// ClosedBanner returns the page's notice for a close the user did not ask
// for: "Connection closed: <code> <reason>", with no reason when the close
// had none.
func ClosedBanner(ev wsapi.CloseEvent) string {
	s := "Connection closed: " + strconv.Itoa(ev.Code)
	if ev.Reason != "" {
		s += " " + ev.Reason
	}
	return s
}

// LogRetry returns "<socket> retry <attempt> in <delay>", the log line of
// a scheduled reconnection.
func LogRetry(socket string, r reconnect.Retry) string {
	return socket + " retry " + strconv.Itoa(r.Attempt) + " in " + r.Delay.Round(time.Millisecond).String()
}

// RetryText returns what the page's header shows for a socket waiting to
// reconnect at now: "reconnecting in 2.3 s (attempt 3)", or, while the
// browser holds retries, "reconnecting when online (attempt 3)" (also
// "when visible", "when shown").
func RetryText(r reconnect.Retry, now time.Time) string {
	tail := " (attempt " + strconv.Itoa(r.Attempt) + ")"
	switch r.Paused {
	case "offline":
		return "reconnecting when online" + tail
	case "hidden":
		return "reconnecting when visible" + tail
	case "pagehide":
		return "reconnecting when shown" + tail
	}
	left := max(r.At.Sub(now), 0)
	return "reconnecting in " + strconv.FormatFloat(left.Seconds(), 'f', 1, 64) + " s" + tail
}

// Resumed returns the chat's line after a reconnection: whether what was
// said meanwhile was recovered.
func Resumed(recovered bool) string {
	if recovered {
		return "reconnected: nothing missed"
	}
	return "reconnected, but what was said meanwhile could not be recovered"
}
