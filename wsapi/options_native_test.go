//go:build !js

package wsapi_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestOptionsNative checks the native-only options do what they say.
func TestOptionsNative(t *testing.T) {
	e := scenarioEnv(t)

	t.Run("ReadLimit", func(t *testing.T) {
		ws, err := wsapi.NewWithOptions(e.wsBase()+"/push?n=1&code=1000&reason=done&id=readlimit", &wsapi.Options{ReadLimit: 3})
		if err != nil {
			t.Fatal(err)
		}
		var gotErr error
		ws.OnError(func(err error) { gotErr = err })
		<-ws.Done()
		ce, _ := ws.CloseEvent()
		if ce.Code != 1006 || ce.WasClean || !errors.Is(gotErr, wsapi.ErrConnection) {
			t.Errorf("a message over ReadLimit: close %+v, error %v; want 1006 unclean after an error", ce, gotErr)
		}
	})

	t.Run("DisableCompression", func(t *testing.T) {
		id := fmt.Sprintf("nocompress-%08x", rand.Uint32())
		ws, err := wsapi.NewWithOptions(e.wsBase()+"/echo?id="+id, &wsapi.Options{DisableCompression: true, Header: http.Header{"X-Test": {"1"}}})
		if err != nil {
			t.Fatal(err)
		}
		ws.OnOpen(func() { ws.Close() })
		<-ws.Done()
		lines := observe(e, id)
		if len(lines) == 0 || lines[0] != `request protocols="" extensions=""` {
			t.Errorf("server saw %q, want no extension offer", lines)
		}
	})

	t.Run("HTTPClientTimeout", func(t *testing.T) {
		_, err := wsapi.NewWithOptions(e.wsBase()+"/echo", &wsapi.Options{HTTPClient: &http.Client{Timeout: time.Second}})
		if err == nil || !strings.Contains(err.Error(), "Timeout") {
			t.Errorf("an HTTPClient with a Timeout: %v, want an error naming it", err)
		}
	})
}
