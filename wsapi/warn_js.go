//go:build js && wasm

package wsapi

import "fmt"

// warn writes s to standard error, for what the browser would report in
// its console: a handler that panicked or ended its goroutine. The
// runtime's print goes where os.Stderr goes, the console, and links
// nothing more.
func warn(s string) { print(s) }

// panicValue is a handler's panic value as %v prints it. fmt stays here:
// safejs links it anyway (its internal/catch formats what it recovers with
// fmt.Errorf), and a switch over the usual types came out larger.
func panicValue(v any) string { return fmt.Sprint(v) }
