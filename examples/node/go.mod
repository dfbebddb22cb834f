module github.com/go-libuv/uv/examples/node

go 1.24

require (
	github.com/dop251/goja v0.0.0-20260311135729-065cd970411c
	github.com/go-libuv/uv v0.0.0
)

require (
	github.com/dlclark/regexp2 v1.11.4 // indirect
	github.com/go-sourcemap/sourcemap v2.1.3+incompatible // indirect
	github.com/google/pprof v0.0.0-20230207041349-798e818bf904 // indirect
	golang.org/x/text v0.3.8 // indirect
)

replace github.com/go-libuv/uv => ../..
