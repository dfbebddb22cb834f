//go:build windows

package uv

// This file stops a build for Windows with one sentence: the binding supports Unix-like systems
// (Linux, macOS, the BSDs) only for now.
var _ = uv_does_NOT_SUPPORT_WINDOWS_yet_build_on_Linux_macOS_or_a_BSD
