//go:build !js

// Package gomod finds the repository the bench programs build from.
package gomod

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Root is the directory of the go.mod of the current directory: the bench
// programs build the repository's wasm programs, so they run from inside
// it.
func Root() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not in a module: run it from the repository")
	}
	return filepath.Dir(gomod), nil
}
