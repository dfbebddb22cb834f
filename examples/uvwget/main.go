// Command uvwget downloads URLs concurrently with libcurl, whose sockets and timer are watched
// by libuv's loop (the libuv guide's uvwget). libcurl's multi socket API does the HTTP; the loop
// does the waiting: libcurl says through its socket callback which descriptor it wants to read
// or write, and uvwget starts a Poll handle on it; through its timer callback when it wants to
// be called back, and uvwget starts a Timer. When a Poll or the Timer fires, uvwget calls
// curl_multi_socket_action, and collects the finished transfers.
//
//	uvwget [-dir .] URL ...   download each URL to N.download in -dir (N is its position)
//	uvwget -demo              serve a few files over HTTP on 127.0.0.1, download them, check
//	                          them, exit 0
//
// This program is its own Go module (it needs libcurl: Debian's libcurl4-openssl-dev, which
// `make examples` installs), so that the uv module builds without it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-libuv/uv"
)

// transfer is one download.
type transfer struct {
	url, name string
	file      *os.File
	size      int64
	failure   string // libcurl's error, "" for success
	status    int    // the HTTP status
}

// downloader drives libcurl's multi handle from one loop. There is one per process: get.
type downloader struct {
	loop      *uv.Loop
	curl      *multi
	timeout   *uv.Timer
	polls     map[int]*uv.Poll
	transfers map[uintptr]*transfer
	done      []*transfer
	stopped   bool
}

// get is the downloader that libcurl's callbacks (callbacks.go) reach.
var get *downloader

func main() {
	log.SetFlags(0)
	dir := flag.String("dir", ".", "where to write the downloads")
	demo := flag.Bool("demo", false, "download from an HTTP server of its own on 127.0.0.1, then exit")
	flag.Parse()
	urls := flag.Args()
	show := func(url string) string { return url }
	noproxy := ""
	var served map[string][]byte
	if *demo {
		d, err := os.MkdirTemp("", "uvwget")
		check(err)
		defer os.RemoveAll(d)
		*dir = d
		var base string
		var stop func()
		base, served, stop = serve()
		defer stop()
		urls = nil
		for _, path := range []string{"/small", "/medium", "/large", "/missing"} {
			urls = append(urls, base+path)
		}
		show = func(url string) string { return strings.TrimPrefix(url, base) }
		noproxy = "127.0.0.1" // the demo's server is local, whatever http_proxy says
		fmt.Printf("HTTP server on 127.0.0.1, %d downloads\n", len(urls))
	}
	if len(urls) == 0 {
		return // as the guide: nothing to do
	}

	loop, err := uv.NewLoop()
	check(err)
	timeout, err := uv.NewTimer(loop)
	check(err)
	get = &downloader{loop: loop, timeout: timeout, polls: map[int]*uv.Poll{}, transfers: map[uintptr]*transfer{}}
	get.curl, err = newMulti()
	check(err)
	for i, url := range urls {
		name := fmt.Sprintf("%d.download", i+1)
		f, err := os.Create(filepath.Join(*dir, name))
		check(err)
		id := uintptr(i + 1)
		get.transfers[id] = &transfer{url: url, name: name, file: f}
		check(get.curl.add(url, noproxy, id))
		fmt.Printf("Added download %s -> %s\n", show(url), name)
	}

	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())

	sort.Slice(get.done, func(i, j int) bool { return get.done[i].name < get.done[j].name })
	failed := false
	for _, t := range get.done {
		switch {
		case t.failure != "":
			failed = true
			fmt.Printf("%s FAILED: %s\n", show(t.url), t.failure)
		case served == nil:
			fmt.Printf("%s DONE: HTTP %d, %d bytes\n", show(t.url), t.status, t.size)
		default:
			got, err := os.ReadFile(filepath.Join(*dir, t.name))
			check(err)
			want, ok := served[show(t.url)]
			same := ok && bytes.Equal(got, want)
			failed = failed || (ok && !same)
			fmt.Printf("%s DONE: HTTP %d, %d bytes, %s\n", show(t.url), t.status, t.size, verdict(ok, same))
		}
	}
	if failed || len(get.done) != len(urls) {
		os.Exit(1)
	}
}

func verdict(served, same bool) string {
	switch {
	case !served:
		return "not served (Go's 404 page)"
	case same:
		return "the same as served"
	}
	return "DIFFERENT from what was served"
}

// socket is libcurl's socket callback: watch fd for what (pollIn, pollOut, pollInOut) with a
// Poll handle, or stop watching it (pollRemove).
func (d *downloader) socket(fd, what int) {
	if d.stopped {
		return // stop closes the Polls left
	}
	p := d.polls[fd]
	if what == pollRemove {
		if p != nil {
			p.Close(nil)
			delete(d.polls, fd)
		}
		return
	}
	if p == nil {
		var err error
		if p, err = uv.NewPollSocket(d.loop, fd); err != nil {
			d.fail(err)
			return
		}
		d.polls[fd] = p
	}
	var events uv.PollEvent
	if what == pollIn || what == pollInOut {
		events |= uv.PollReadable
	}
	if what == pollOut || what == pollInOut {
		events |= uv.PollWritable
	}
	// The guide's callback also stops the timer; libcurl resets it through its timer callback
	// whenever its next timeout changes, so uvwget leaves the timer to libcurl.
	err := p.Start(events, func(ready uv.PollEvent, err error) {
		flags := 0
		switch {
		case err != nil:
			flags = selectErr
		default:
			if ready&uv.PollReadable != 0 {
				flags |= selectIn
			}
			if ready&uv.PollWritable != 0 {
				flags |= selectOut
			}
		}
		d.action(fd, flags)
	})
	if err != nil {
		d.fail(err)
	}
}

// timer is libcurl's timer callback: call it back after t, or never (t < 0).
func (d *downloader) timer(t time.Duration) {
	if d.stopped {
		return
	}
	if t < 0 {
		d.timeout.Stop()
		return
	}
	if err := d.timeout.Start(t, 0, func() { d.action(socketTimeout, 0) }); err != nil {
		d.fail(err)
	}
}

// write is libcurl's write callback: data is the next piece of the body of transfer id.
func (d *downloader) write(id uintptr, data []byte) bool {
	t := d.transfers[id]
	if t == nil {
		return false
	}
	n, err := t.file.Write(data)
	t.size += int64(n)
	return err == nil
}

// action lets libcurl act on fd (or on its timer) and collects the transfers that finished;
// once none is left, everything stops.
func (d *downloader) action(fd, flags int) {
	if err := d.curl.action(fd, flags); err != nil {
		d.fail(err)
		return
	}
	for {
		id, failure, status, ok := d.curl.done()
		if !ok {
			break
		}
		t := d.transfers[id]
		delete(d.transfers, id)
		t.failure, t.status = failure, status
		if err := t.file.Close(); err != nil && t.failure == "" {
			t.failure = err.Error()
		}
		d.done = append(d.done, t)
	}
	if len(d.transfers) == 0 {
		d.stop()
	}
}

// fail reports err and stops.
func (d *downloader) fail(err error) {
	log.Printf("uvwget: %v", err)
	d.stop()
}

// stop frees libcurl (which closes its connections) and closes the loop's handles, so that Run
// returns.
func (d *downloader) stop() {
	if d.stopped {
		return
	}
	d.stopped = true
	d.curl.cleanup()
	d.timeout.Close(nil)
	for fd, p := range d.polls {
		p.Close(nil)
		delete(d.polls, fd)
	}
	for _, t := range d.transfers {
		t.file.Close()
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
