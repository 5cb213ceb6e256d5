package client

import (
	"strconv"

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
