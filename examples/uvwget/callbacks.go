package main

// #include <stddef.h>
// #include <stdint.h>
import "C"

import (
	"time"
	"unsafe"
)

// The callbacks libuv's loop reaches through libcurl: curl_multi_socket_action, called on the
// loop, calls them before it returns (curl.c forwards).

//export uvwgetSocket
func uvwgetSocket(sockfd, what C.int) C.int {
	get.socket(int(sockfd), int(what))
	return 0
}

//export uvwgetTimer
func uvwgetTimer(ms C.long) C.int {
	get.timer(time.Duration(ms) * time.Millisecond)
	return 0
}

//export uvwgetWrite
func uvwgetWrite(data *C.char, n C.size_t, id C.uintptr_t) C.size_t {
	if !get.write(uintptr(id), unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n))) {
		return 0 // libcurl ends the transfer with CURLE_WRITE_ERROR
	}
	return n
}
