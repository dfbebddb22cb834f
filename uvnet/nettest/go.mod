module github.com/go-libuv/uv/uvnet/nettest

go 1.26.0

require (
	github.com/go-libuv/uv v0.0.0
	golang.org/x/net v0.63.0
)

replace github.com/go-libuv/uv => ../..
