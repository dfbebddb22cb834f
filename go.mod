module github.com/go-libuv/uv

go 1.26.0

require golang.org/x/net v0.63.0
