package uv_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/go-libuv/uv"
)

// An FSEvent on a directory reports the name of each entry that changes in it: here a file
// created inside it (a rename event, in libuv's terms).
func ExampleFSEvent() {
	dir, err := os.MkdirTemp("", "fsevent")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	watcher, err := uv.NewFSEvent(loop)
	if err != nil {
		log.Fatal(err)
	}
	err = watcher.Start(dir, 0, func(filename string, events uv.FSEventKind, err error) {
		fmt.Println("event:", events, filename, err)
		if err := watcher.Close(nil); err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	path, err := watcher.Path()
	fmt.Println("watching the directory:", path == dir, err)

	if err := os.WriteFile(filepath.Join(dir, "new.txt"), nil, 0o600); err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// watching the directory: true <nil>
	// event: rename new.txt <nil>
	// Close: <nil>
}
