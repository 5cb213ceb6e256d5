//go:build !js

package wsapi

import (
	"fmt"
	"os"
)

// warn writes s to standard error, for what the browser would report in
// its console: a handler that panicked or ended its goroutine.
func warn(s string) { os.Stderr.WriteString(s) }

// panicValue is a handler's panic value as %v prints it.
func panicValue(v any) string { return fmt.Sprint(v) }
