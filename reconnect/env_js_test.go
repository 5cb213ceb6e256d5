//go:build js && wasm

package reconnect_test

import (
	"errors"
	"os"
)

// startSuite takes the server that the native TestRuntimes started.
func startSuite() (string, func(), error) {
	s := os.Getenv("WSAPI_RECONNECT_SERVER")
	if s == "" {
		return "", nil, errors.New("WSAPI_RECONNECT_SERVER is not set: run the js suite from the native TestRuntimes")
	}
	return s, func() {}, nil
}

// native reports whether the suite runs natively, where it may kill and
// restart its server.
const native = false
