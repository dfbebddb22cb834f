//go:build !libuv_static

package uv

// The default: libuv's shared library, found through pkg-config (Debian: libuv1-dev). Point
// PKG_CONFIG_PATH at another libuv's .pc file to build against it.

// #cgo pkg-config: libuv
import "C"
