package uv_test

import (
	"fmt"
	"log"
	"syscall"

	"github.com/go-libuv/uv"
)

// A watcher of SIGUSR1: the program sends the signal to itself, the callback runs on the loop
// and closes the watcher, and Run returns. Go's own handler of SIGUSR1 is back afterwards.
func ExampleSignal() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	sig, err := uv.NewSignal(loop)
	if err != nil {
		log.Fatal(err)
	}
	err = sig.Start(syscall.SIGUSR1, func(signum syscall.Signal) {
		fmt.Println("caught:", signum)
		sig.Close(nil)
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("watching:", sig.Signum())
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// watching: user defined signal 1
	// caught: user defined signal 1
	// Close: <nil>
}

// A one-shot watcher stops itself after its first callback; the signals the Go runtime owns
// cannot be watched.
func ExampleSignal_StartOneshot() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	sig, err := uv.NewSignal(loop)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("SIGURG:", sig.Start(syscall.SIGURG, func(syscall.Signal) {}))
	calls := 0
	if err := sig.StartOneshot(syscall.SIGUSR2, func(syscall.Signal) { calls++ }); err != nil {
		log.Fatal(err)
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR2)
	if _, err := loop.Run(uv.RunDefault); err != nil { // returns once the watcher has stopped
		log.Fatal(err)
	}
	fmt.Println("calls:", calls, "active:", sig.IsActive(), "signum:", int(sig.Signum()))
	sig.Close(nil)
	loop.Run(uv.RunDefault)
	fmt.Println("Close:", loop.Close())
	// Output:
	// SIGURG: invalid argument
	// calls: 1 active: false signum: 0
	// Close: <nil>
}
