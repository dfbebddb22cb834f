module github.com/go-libuv/uv

go 1.24
