package main

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
)

// serve starts the demo's HTTP server on 127.0.0.1 with three files of 1 KiB, 200 KiB and
// 4 MiB. It returns the server's base URL, what it serves by path, and a function that stops it.
func serve() (base string, files map[string][]byte, stop func()) {
	files = map[string][]byte{
		"/small":  content(1 << 10),
		"/medium": content(200 << 10),
		"/large":  content(4 << 20),
	}
	mux := http.NewServeMux()
	for path, body := range files {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), files, func() { srv.Close() }
}

// content returns n bytes of numbered lines.
func content(n int) []byte {
	b := make([]byte, 0, n+32)
	for i := 0; len(b) < n; i++ {
		b = fmt.Appendf(b, "uvwget demo line %07d\n", i)
	}
	return b[:n]
}
