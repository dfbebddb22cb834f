//go:build libuv_static

package uv

// With the build tag libuv_static, libuv's static library is linked into the binary
// (Debian: libuv1-dev ships libuv_a.a and libuv-static.pc).

// #cgo pkg-config: --static libuv-static
// #cgo CFLAGS: -DUVG_STATIC
import "C"
