//go:build !js

package wsapi

import (
	"crypto/tls"
	"net/http"
)

// HTTPClient is net/http's Client; see Options.HTTPClient.
type HTTPClient = http.Client

// TLSConfig is crypto/tls's Config; see Options.TLSConfig.
type TLSConfig = tls.Config
