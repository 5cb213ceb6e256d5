package client

import (
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/go-wsapi/wsapi/wsapi"
)

// welcome is the first message of the chat and ticks endpoints: the
// epoch names the numbering of seq, and Recovered, when the client asked
// to resume, says whether what it missed follows (see docs/recovery.md).
type welcome struct {
	Type      string `json:"type"`
	Epoch     string `json:"epoch"`
	Seq       uint64 `json:"seq"`
	Recovered *bool  `json:"recovered"`
}

// parseWelcome reports whether m is a welcome, and parses it.
func parseWelcome(m wsapi.MessageEvent) (welcome, bool, error) {
	var w welcome
	if m.Type != wsapi.Text || json.Unmarshal(m.Data, &w) != nil || w.Type != "welcome" {
		return w, false, nil
	}
	// A welcome without epoch (a server that cannot resume) is taken:
	// the client then does not ask to resume.
	return w, true, nil
}

// resumeQuery is the query that asks for the events after seq in epoch,
// or "" before any welcome: see docs/recovery.md.
func resumeQuery(epoch string, seq uint64) string {
	if epoch == "" {
		return ""
	}
	return "since=" + strconv.FormatUint(seq, 10) + "&epoch=" + url.QueryEscape(epoch)
}
