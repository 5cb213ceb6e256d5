module github.com/go-wsapi/wsapi

go 1.26

toolchain go1.26.10

require (
	github.com/coder/websocket v1.8.15
	github.com/hack-pad/safejs v0.1.0
)
