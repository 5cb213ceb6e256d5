//go:build js && wasm

package convtest

import "os"

// URL returns the base URL of the server that the native run started and
// named in EnvVar; "" when there is none, as in a js/wasm run started by
// hand without it.
func URL() (string, func()) { return os.Getenv(EnvVar), func() {} }

// goroutines and checkLeaks have nothing to check in a JS runtime: the
// native run checks the same code.
func goroutines() int { return 0 }

func checkLeaks(int) int { return 0 }
