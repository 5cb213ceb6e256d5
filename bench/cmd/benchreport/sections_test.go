//go:build !js

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// TestReportTwoSectionsOfAnItem: fanout writes item 5 twice, one room
// (5-fanout.json) and the comparison through NATS (5b-fanout-nats.json);
// both sections' rows and details reach the report, in that order.
func TestReportTwoSectionsOfAnItem(t *testing.T) {
	dir := t.TempDir()
	for file, name := range map[string]string{"5-fanout.json": "one room", "5b-fanout-nats.json": "through NATS"} {
		s := &report.Section{Item: 5, Title: name + " title", Rows: []report.Row{{Name: name, Ours: "1 ms"}}, Detail: name + " detail\n"}
		if err := s.Write(filepath.Join(dir, file)); err != nil {
			t.Fatal(err)
		}
	}
	md, stdout := runReport(t, dir)
	for _, text := range []string{md, stdout} {
		a, b := strings.Index(text, "one room"), strings.Index(text, "through NATS")
		if a < 0 || b < a {
			t.Errorf("want the one room's row, then the NATS one:\n%s", text)
		}
	}
	a, b := strings.Index(md, "one room detail"), strings.Index(md, "through NATS detail")
	if a < 0 || b < a {
		t.Errorf("want the one room's detail, then the NATS one:\n%s", md)
	}
}
