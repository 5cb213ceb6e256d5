//go:build !js

// Package gomod finds the repository the bench programs build from, and
// runs the go command on it.
package gomod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Root is the repository's root, where the library's go.mod is: the bench
// programs build the repository's wasm programs, so they run from inside
// it. The bench programs are a module of their own (bench/) in the
// repository's workspace, so the root is the workspace's directory (go env
// GOWORK); without a workspace, the directory of the current go.mod.
func Root() (string, error) {
	for _, v := range []string{"GOWORK", "GOMOD"} {
		out, err := exec.Command("go", "env", v).Output()
		if err != nil {
			return "", fmt.Errorf("go env %s: %w", v, err)
		}
		if p := strings.TrimSpace(string(out)); p != "" && p != "off" && p != os.DevNull {
			return filepath.Dir(p), nil
		}
	}
	return "", errors.New("not in a module: run it from the repository")
}

// Go runs the go command in dir, with env added to this process's
// environment, and returns its standard output; its error says what ran
// and what the command printed on standard error.
func Go(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s go %s (in %s): %v\n%s", strings.Join(env, " "), strings.Join(args, " "), dir, err, stderr.Bytes())
	}
	return string(out), nil
}
