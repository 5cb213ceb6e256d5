// Package wsapi is the browser's WebSocket API in Go, with one shape on
// every platform.
package wsapi
