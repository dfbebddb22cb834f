package main

// #cgo pkg-config: libcurl
// #include <stdlib.h>
// #include "curl.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// libcurl's constants of the socket callback and of curl_multi_socket_action.
const (
	pollIn, pollOut, pollInOut, pollRemove = C.CURL_POLL_IN, C.CURL_POLL_OUT, C.CURL_POLL_INOUT, C.CURL_POLL_REMOVE
	selectIn, selectOut, selectErr         = C.CURL_CSELECT_IN, C.CURL_CSELECT_OUT, C.CURL_CSELECT_ERR
	socketTimeout                          = C.CURL_SOCKET_TIMEOUT
)

// multi is a libcurl multi handle driven by the socket API.
type multi struct{ ptr unsafe.Pointer } // CURLM is void in libcurl 7

// newMulti initializes libcurl and returns a multi handle calling back uvwgetSocket and
// uvwgetTimer.
func newMulti() (*multi, error) {
	if rc := C.curl_global_init(C.CURL_GLOBAL_ALL); rc != C.CURLE_OK {
		return nil, fmt.Errorf("curl_global_init: %s", C.GoString(C.curl_easy_strerror(rc)))
	}
	p := C.uvwget_multi_init()
	if p == nil {
		return nil, fmt.Errorf("curl_multi_init failed")
	}
	return &multi{p}, nil
}

// add starts a transfer of url whose body goes to uvwgetWrite with id; noproxy, when not
// empty, lists the hosts reached without a proxy.
func (m *multi) add(url, noproxy string, id uintptr) error {
	curl := C.CString(url)
	defer C.free(unsafe.Pointer(curl))
	var np *C.char
	if noproxy != "" {
		np = C.CString(noproxy)
		defer C.free(unsafe.Pointer(np))
	}
	switch rc := C.uvwget_add(m.ptr, curl, np, C.uintptr_t(id)); {
	case rc >= 1000:
		return fmt.Errorf("curl_multi_add_handle: %s", C.GoString(C.curl_multi_strerror(C.CURLMcode(rc-1000))))
	case rc != 0:
		return fmt.Errorf("curl_easy_setopt: %s", C.GoString(C.curl_easy_strerror(C.CURLcode(rc))))
	}
	return nil
}

// action is curl_multi_socket_action: libcurl does what sockfd (or, with socketTimeout, its
// timer) is ready for, and calls the callbacks meanwhile.
func (m *multi) action(sockfd, flags int) error {
	var running C.int
	if rc := C.uvwget_action(m.ptr, C.int(sockfd), C.int(flags), &running); rc != C.CURLM_OK {
		return fmt.Errorf("curl_multi_socket_action: %s", C.GoString(C.curl_multi_strerror(C.CURLMcode(rc))))
	}
	return nil
}

// done returns the next finished transfer, its outcome ("" for success) and its HTTP status;
// ok is false when none has finished.
func (m *multi) done() (id uintptr, failure string, status int, ok bool) {
	var cid C.uintptr_t
	var result C.int
	var st C.long
	if C.uvwget_done(m.ptr, &cid, &result, &st) == 0 {
		return 0, "", 0, false
	}
	if result != C.CURLE_OK {
		failure = C.GoString(C.curl_easy_strerror(C.CURLcode(result)))
	}
	return uintptr(cid), failure, int(st), true
}

// cleanup ends every transfer and frees the multi handle and libcurl.
func (m *multi) cleanup() {
	C.curl_multi_cleanup(m.ptr)
	C.curl_global_cleanup()
}
