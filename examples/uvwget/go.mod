module github.com/go-libuv/uv/examples/uvwget

go 1.24

require github.com/go-libuv/uv v0.0.0

replace github.com/go-libuv/uv => ../..
