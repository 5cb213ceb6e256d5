package convtest

import (
	"testing"

	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// Main runs a package's tests and returns the exit code, which is also 1
// when goroutines outlive the tests natively: call it as
// os.Exit(convtest.Main(m)) from TestMain.
func Main(m *testing.M) int {
	base := goroutines()
	code := m.Run()
	if code == 0 {
		code = checkLeaks(base)
	}
	return code
}

// ServerURL returns the URL of path on the test server, through
// wsapitest.Serve: natively the server that EnvVar names, else one that
// serves Handler on 127.0.0.1 until t ends; in js/wasm the one that the
// native run started and named in EnvVar (Serve fails t in a run that
// Runtimes started without it, and skips t in one started by hand).
func ServerURL(t testing.TB, path string) string {
	t.Helper()
	return wsapitest.Serve(t, EnvVar, handler()) + path
}

// Unopened returns a socket that never opens (nothing listens on port 1),
// for the checks of bad input that need a socket; it is closed, and waited
// for, when t ends.
func Unopened(t testing.TB) *wsapi.WebSocket {
	t.Helper()
	ws, err := wsapi.New("ws://127.0.0.1:1/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ws.Close()
		<-ws.Done()
	})
	return ws
}
