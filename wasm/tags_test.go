//go:build !js

package main

import (
	"testing"

	"github.com/go-wsapi/wsapi/internal/wstest"
)

// TestTags checks that every file of the program carries the js && wasm
// build constraint: the program drives a browser page and makes no sense
// anywhere else, and a file that lost its tag would break the native build.
func TestTags(t *testing.T) { wstest.CheckJSOnly(t, ".") }
