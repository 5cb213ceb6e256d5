//go:build js && wasm

package convtest

// goroutines and checkLeaks have nothing to check in a JS runtime: the
// native run checks the same code.
func goroutines() int { return 0 }

func checkLeaks(int) int { return 0 }
