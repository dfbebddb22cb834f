package uv_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/go-libuv/uv"
)

// A function on a new OS thread; Join waits for it.
func ExampleNewThread() {
	var steps int
	t, err := uv.NewThread(func() {
		for i := 0; i < 3; i++ {
			steps++
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := t.Join(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("steps:", steps)
	fmt.Println("second Join:", t.Join())
	// Output:
	// steps: 3
	// second Join: uv: use of closed handle or loop
}

// Two threads add to a counter under a mutex. Misuse that libuv would not survive comes back
// as an error.
func ExampleMutex() {
	m, err := uv.NewMutex()
	if err != nil {
		log.Fatal(err)
	}
	counter := 0
	add := func() {
		for i := 0; i < 1000; i++ {
			m.Lock()
			counter++
			m.Unlock()
		}
	}
	a, _ := uv.NewThread(add)
	b, _ := uv.NewThread(add)
	a.Join()
	b.Join()
	fmt.Println("counter:", counter)
	fmt.Println("Unlock of an unlocked mutex:", errors.Is(m.Unlock(), uv.EPERM))
	fmt.Println("Destroy:", m.Destroy())
	fmt.Println("Lock after Destroy:", m.Lock())
	// Output:
	// counter: 2000
	// Unlock of an unlocked mutex: true
	// Destroy: <nil>
	// Lock after Destroy: uv: use of closed handle or loop
}

// Three threads meet at a barrier; one of them is told it is the serial one.
func ExampleBarrier() {
	b, err := uv.NewBarrier(3)
	if err != nil {
		log.Fatal(err)
	}
	serials := make(chan bool, 3)
	wait := func() {
		serial, _ := b.Wait()
		serials <- serial
	}
	t1, _ := uv.NewThread(wait)
	t2, _ := uv.NewThread(wait)
	wait()
	t1.Join()
	t2.Join()
	close(serials)
	n := 0
	for s := range serials {
		if s {
			n++
		}
	}
	fmt.Println("serial waiters:", n)
	fmt.Println("Destroy:", b.Destroy())
	// Output:
	// serial waiters: 1
	// Destroy: <nil>
}

// Do runs its function once, whichever thread comes first.
func ExampleOnce() {
	o, err := uv.NewOnce()
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		o.Do(func() { fmt.Println("initialized by call", i) })
	}
	fmt.Println("Destroy:", o.Destroy())
	// Output:
	// initialized by call 0
	// Destroy: <nil>
}

// A thread-local key holds one value per OS thread.
func ExampleKey() {
	k, err := uv.NewKey()
	if err != nil {
		log.Fatal(err)
	}
	t, _ := uv.NewThread(func() {
		k.Set("thread's value")
		v, _ := k.Get()
		fmt.Println("on the thread:", v)
	})
	t.Join()
	t, _ = uv.NewThread(func() {
		v, _ := k.Get()
		fmt.Println("on another thread:", v)
	})
	t.Join()
	fmt.Println("Delete:", k.Delete())
	// Output:
	// on the thread: thread's value
	// on another thread: <nil>
	// Delete: <nil>
}

// Random fills a buffer synchronously without a callback, and on the threadpool with one.
func ExampleRandom() {
	buf := make([]byte, 16)
	if _, err := uv.Random(nil, buf, 0, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println("sync: filled", len(buf), "bytes")
	_, err := uv.Random(nil, buf, 1, nil)
	fmt.Println("a flag:", err)

	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	if _, err := uv.Random(loop, buf, 0, func(err error) { fmt.Println("async:", err) }); err != nil {
		log.Fatal(err)
	}
	loop.Run(uv.RunDefault)
	fmt.Println("Close:", loop.Close())
	// Output:
	// sync: filled 16 bytes
	// a flag: invalid argument
	// async: <nil>
	// Close: <nil>
}

// DLOpen loads a shared library; Sym finds a symbol's address; failures carry dlerror's text.
func ExampleDLOpen() {
	lib, err := uv.DLOpen("libc.so.6")
	if err != nil {
		log.Fatal(err)
	}
	p, err := lib.Sym("strlen")
	fmt.Println("strlen found:", p != nil, err)
	_, err = lib.Sym("no_such_function")
	var de *uv.DLError
	fmt.Println("missing symbol is a DLError:", errors.As(err, &de), de.Op)
	fmt.Println("Close:", lib.Close())
	_, err = uv.DLOpen("/nonexistent/libplugin.so")
	fmt.Println(err)
	// Output:
	// strlen found: true <nil>
	// missing symbol is a DLError: true dlsym
	// Close: <nil>
	// uv: dlopen: /nonexistent/libplugin.so: cannot open shared object file: No such file or directory
}
