package uv_test

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/go-libuv/uv"
)

// An FSPoll stats its path at an interval and reports each change with the previous and the
// new stat: here the path does not exist at first (ENOENT), then is created.
func ExampleFSPoll() {
	dir, err := os.MkdirTemp("", "fspoll")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "later.txt")
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	poller, err := uv.NewFSPoll(loop)
	if err != nil {
		log.Fatal(err)
	}
	err = poller.Start(file, 10*time.Millisecond, func(prev, curr *uv.Stat, err error) {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fmt.Println("not there yet:", err)
			if err := os.WriteFile(file, []byte("hello"), 0o600); err != nil {
				log.Fatal(err)
			}
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Println("created: size", prev.Size, "->", curr.Size, curr.FileMode().IsRegular())
			if err := poller.Close(nil); err != nil {
				log.Fatal(err)
			}
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
	// not there yet: no such file or directory
	// created: size 0 -> 5 true
	// Close: <nil>
}
