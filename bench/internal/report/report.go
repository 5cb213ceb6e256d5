// Package report is the format in which each benchmark program hands its
// results to cmd/benchreport, which prints them as one table and writes
// BENCHMARKS.md: a JSON Section per program, named after its item.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"text/tabwriter"
)

// Section is one item of `make bench`.
type Section struct {
	// Item orders the sections: 1 native, 2 browser, 3 wasm, 4 memory,
	// 5 fan-out.
	Item  int    `json:"item"`
	Title string `json:"title"`
	Rows  []Row  `json:"rows"`
	// Detail is Markdown for BENCHMARKS.md: how it was measured, the raw
	// figures, profiles of misses.
	Detail string `json:"detail,omitempty"`
}

// Row is one line of the table: a figure of ours beside its baseline.
type Row struct {
	Name   string `json:"name"`
	Ours   string `json:"ours"`             // with its unit
	Base   string `json:"base,omitempty"`   // with its unit; empty when none
	Ratio  string `json:"ratio,omitempty"`  // such as "0.93×" or "+85 kB"
	Target string `json:"target,omitempty"` // such as "≥ 0.90×"
	// Pass is nil when the row has no target.
	Pass *bool `json:"pass,omitempty"`
	// Values are the row's numbers, unformatted, for whoever wants them.
	Values map[string]float64 `json:"values,omitempty"`
}

// Check returns a pointer to ok, for Row.Pass.
func Check(ok bool) *bool { return &ok }

// Result is "pass", "MISS" or "".
func (r Row) Result() string {
	switch {
	case r.Pass == nil:
		return ""
	case *r.Pass:
		return "pass"
	}
	return "MISS"
}

// Write writes s to path as JSON; an empty path writes nothing.
func (s *Section) Write(path string) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Read reads a Section that Write wrote.
func Read(path string) (*Section, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Section
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", path, err)
	}
	return &s, nil
}

// Ratio formats a ratio as "0.93×", or "∞" for an infinite one.
func Ratio(r float64) string {
	if math.IsInf(r, 1) {
		return "∞"
	}
	return fmt.Sprintf("%.2f×", r)
}

// Finish ends a benchmark program's main: it prints s and writes it to
// jsonPath for benchreport, or, when err is set or the write fails, prints
// the error after the program's name and exits with status 1.
func Finish(prog string, s *Section, err error, jsonPath string) {
	if err == nil {
		s.Print(os.Stdout)
		err = s.Write(jsonPath)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
		os.Exit(1)
	}
}

// Print writes the section's title and rows, for a program run alone.
func (s *Section) Print(w io.Writer) {
	fmt.Fprintf(w, "%d. %s\n", s.Item, s.Title)
	PrintRows(w, "  ", s.Rows)
}

// PrintRows writes rows as an aligned table, each line after indent.
func PrintRows(w io.Writer, indent string, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, indent+"measure\twsapi\tbaseline\tratio\ttarget\tresult")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\n", indent, r.Name, r.Ours, r.Base, r.Ratio, r.Target, r.Result())
	}
	tw.Flush()
}
