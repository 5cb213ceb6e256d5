module github.com/go-wsapi/wsapi/e2e

go 1.26

toolchain go1.26.10

require (
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.22.1
	github.com/go-wsapi/wsapi v0.0.0
)

require (
	github.com/coder/websocket v1.8.15 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
)

// The tests run the server and the client of this very tree.
replace github.com/go-wsapi/wsapi => ../
