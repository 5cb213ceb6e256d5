//go:build js && wasm

package wsapi

// maxQueuedBytes is not a limit in the browser: its WebSocket hands over
// messages as they come, and a JS callback may not block to slow it down.
const maxQueuedBytes = 1 << 62
