//go:build !cgo && !windows

package uv

// This file stops a build without cgo with one sentence. The binding calls libuv through cgo;
// set CGO_ENABLED=1 and install a C compiler, libuv (>= 1.44) and pkg-config (see README.md).
var _ = uv_REQUIRES_CGO_set_CGO_ENABLED_1_and_install_a_C_compiler_libuv_and_pkg_config
