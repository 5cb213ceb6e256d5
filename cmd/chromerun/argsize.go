package main

import (
	"fmt"
	"slices"
	"strings"
)

// wasmExecArgSpace is the memory that wasm_exec.js gives the program's
// argv and environment: from 4096 to its wasmMinDataAddr, 4096+8192.
const wasmExecArgSpace = 8192

// checkArgSize returns an error naming the largest variables when argv
// and env would not fit in the space wasm_exec.js gives them; the page
// would only say "exceeds limit". It counts as wasm_exec.js does: each
// string with its NUL, rounded up to 8 bytes, then 8 bytes a pointer.
func checkArgSize(argv []string, env map[string]string) error {
	size := func(s string) int { return (len(s) + 1 + 7) &^ 7 }
	total := 8 * (len(argv) + 1 + len(env) + 1)
	for _, a := range argv {
		total += size(a)
	}
	vars := make([]string, 0, len(env))
	for k, v := range env {
		vars = append(vars, k+"="+v)
		total += size(k + "=" + v)
	}
	if total < wasmExecArgSpace {
		return nil
	}
	slices.SortFunc(vars, func(a, b string) int { return len(b) - len(a) })
	var big []string
	for _, kv := range vars[:min(5, len(vars))] {
		k, _, _ := strings.Cut(kv, "=")
		big = append(big, fmt.Sprintf("%s (%d bytes)", k, len(kv)))
	}
	return fmt.Errorf("the arguments and environment take %d bytes, more than the %d that wasm_exec.js allows (Node has the same limit); the largest variables: %s", total, wasmExecArgSpace, strings.Join(big, ", "))
}
