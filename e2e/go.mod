module github.com/go-wsapi/wsapi/e2e

go 1.26

toolchain go1.26.10

require (
	github.com/chromedp/chromedp v0.22.1
	github.com/go-wsapi/wsapi v0.0.0
	github.com/go-wsapi/wsapi/cmd/chromerun v0.0.0
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/hack-pad/safejs v0.1.0 // indirect
)

// The tests run the server and the client of this very tree, and drive
// Chromium as chromerun does, with its browser package.
replace (
	github.com/go-wsapi/wsapi => ../
	github.com/go-wsapi/wsapi/cmd/chromerun => ../cmd/chromerun
)
