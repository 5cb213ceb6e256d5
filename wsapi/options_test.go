package wsapi_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestOptionsInBrowser checks that every native-only option is refused in
// the browser with ErrNotSupported naming it, and compiles everywhere.
func TestOptionsInBrowser(t *testing.T) {
	if runtime.GOOS != "js" {
		t.Skip("native builds honour every option; see TestOptionsNative")
	}
	e := scenarioEnv(t)
	for name, o := range map[string]*wsapi.Options{
		"Header":             {Header: map[string][]string{"X-A": {"1"}}},
		"Origin":             {Origin: "http://example.invalid"},
		"HTTPClient":         {HTTPClient: &wsapi.HTTPClient{}},
		"TLSConfig":          {TLSConfig: &wsapi.TLSConfig{}},
		"ReadLimit":          {ReadLimit: 10},
		"DisableCompression": {DisableCompression: true},
		"CloseTimeout":       {CloseTimeout: time.Second},
		"PingInterval":       {PingInterval: time.Second},
		"PingTimeout":        {PingTimeout: time.Second},
	} {
		_, err := wsapi.NewWithOptions(e.wsBase()+"/echo", o)
		if !errors.Is(err, wsapi.ErrNotSupported) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s in the browser: %v, want ErrNotSupported naming it", name, err)
		}
	}
}
