package client

import (
	"encoding/json"
	"fmt"

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
	if w.Epoch == "" {
		return w, true, fmt.Errorf("welcome without epoch")
	}
	return w, true, nil
}
