package uv_test

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/go-libuv/uv"
)

// exampleFSSetup returns a temporary directory and a new loop, and the function that closes
// the loop and removes the directory.
func exampleFSSetup() (string, *uv.Loop, func()) {
	dir, err := os.MkdirTemp("", "uv-example")
	if err != nil {
		log.Fatal(err)
	}
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	return dir, loop, func() {
		loop.Close()
		os.RemoveAll(dir)
	}
}

// A file written synchronously (nil callbacks), then read back asynchronously: the read's
// callback runs on the loop, and the buffer is the caller's slice, pinned until then.
func ExampleFSOpen() {
	dir, loop, _ := exampleFSSetup() // Close is printed below
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "hello.txt")

	r, err := uv.FSOpen(loop, path, uv.O_CREAT|uv.O_WRONLY, 0o644, nil)
	if err != nil {
		log.Fatal(err)
	}
	fd := int(r.Result())
	if _, err := uv.FSWrite(loop, fd, [][]byte{[]byte("hello, "), []byte("libuv\n")}, -1, nil); err != nil {
		log.Fatal(err)
	}
	if _, err := uv.FSClose(loop, fd, nil); err != nil {
		log.Fatal(err)
	}

	buf := make([]byte, 64)
	_, err = uv.FSOpen(loop, path, uv.O_RDONLY, 0, func(r *uv.FSReq) {
		if err := r.Err(); err != nil {
			log.Fatal(err)
		}
		fd := int(r.Result())
		_, err := uv.FSRead(loop, fd, [][]byte{buf}, 0, func(r *uv.FSReq) {
			fmt.Printf("%v read %d bytes: %q\n", r.FSType(), r.Result(), buf[:r.Result()])
			uv.FSClose(loop, fd, nil) // synchronous, from the callback
		})
		if err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// read read 13 bytes: "hello, libuv\n"
	// Close: <nil>
}

// Stat results are Go values; errors on a path are *fs.PathError wrapping the Errno.
func ExampleFSStat() {
	dir, loop, done := exampleFSSetup()
	defer done()
	path := filepath.Join(dir, "data")
	if err := os.WriteFile(path, make([]byte, 1000), 0o600); err != nil {
		log.Fatal(err)
	}
	if _, err := uv.FSChmod(loop, path, 0o640, nil); err != nil { // not subject to the umask
		log.Fatal(err)
	}
	_, err := uv.FSStat(loop, path, func(r *uv.FSReq) {
		st := r.Stat()
		fmt.Println("size:", st.Size, "mode:", st.FileMode())
	})
	if err != nil {
		log.Fatal(err)
	}
	loop.Run(uv.RunDefault)

	_, err = uv.FSStat(loop, filepath.Join(dir, "missing"), nil)
	var pe *fs.PathError
	fmt.Println("not exist:", errors.Is(err, fs.ErrNotExist), errors.As(err, &pe), pe.Op, pe.Err.(uv.Errno).Name())
	// Output:
	// size: 1000 mode: -rw-r-----
	// not exist: true true stat ENOENT
}

// A directory listed twice: all at once with FSScandir, and by FSOpendir, FSReaddir and
// FSClosedir.
func ExampleFSScandir() {
	dir, loop, done := exampleFSSetup()
	defer done()
	os.WriteFile(filepath.Join(dir, "a.txt"), nil, 0o600)
	os.Mkdir(filepath.Join(dir, "sub"), 0o700)

	r, err := uv.FSScandir(loop, dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range r.Dirents() {
		fmt.Println("scandir:", e.Name, e.Type == uv.DirentDir)
	}

	r, err = uv.FSOpendir(loop, dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	d := r.Dir()
	var names []string
	for {
		r, err := uv.FSReaddir(loop, d, 16, nil)
		if err != nil {
			log.Fatal(err)
		}
		if r.Result() == 0 {
			break
		}
		for _, e := range r.Dirents() {
			names = append(names, e.Name)
		}
	}
	sort.Strings(names) // readdir's order is the file system's
	fmt.Println("readdir:", names)
	_, err = uv.FSClosedir(loop, d, nil)
	fmt.Println("closedir:", err)
	// Output:
	// scandir: a.txt false
	// scandir: sub true
	// readdir: [a.txt sub]
	// closedir: <nil>
}
