module github.com/go-wsapi/wsapi/interop

go 1.26

toolchain go1.26.10

require github.com/gorilla/websocket v1.5.3
