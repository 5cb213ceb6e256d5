module github.com/go-wsapi/wsapi

go 1.26
