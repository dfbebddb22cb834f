// Command locks is the libuv guide's readers and writer: two reader threads and a writer thread
// share a number under a uv_rwlock_t; each signs off on a uv_barrier_t that the main thread also
// waits on, then destroys the lock and the barrier. The guide runs 20 rounds per thread; this
// one 5.
package main

import (
	"fmt"
	"log"

	"github.com/go-libuv/uv"
)

var (
	blocker   *uv.Barrier
	numlock   *uv.RWLock
	sharedNum int
)

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func reader(num int) func() {
	return func() {
		for i := 0; i < 5; i++ {
			must(numlock.RdLock())
			fmt.Printf("Reader %d: acquired lock\n", num)
			fmt.Printf("Reader %d: shared num = %d\n", num, sharedNum)
			must(numlock.RdUnlock())
			fmt.Printf("Reader %d: released lock\n", num)
		}
		_, err := blocker.Wait()
		must(err)
	}
}

func writer(num int) func() {
	return func() {
		for i := 0; i < 5; i++ {
			must(numlock.WrLock())
			fmt.Printf("Writer %d: acquired lock\n", num)
			sharedNum++
			fmt.Printf("Writer %d: incremented shared num = %d\n", num, sharedNum)
			must(numlock.WrUnlock())
			fmt.Printf("Writer %d: released lock\n", num)
		}
		_, err := blocker.Wait()
		must(err)
	}
}

func main() {
	var err error
	blocker, err = uv.NewBarrier(4)
	must(err)
	numlock, err = uv.NewRWLock()
	must(err)

	var threads []*uv.Thread
	for _, fn := range []func(){reader(1), reader(2), writer(1)} {
		t, err := uv.NewThread(fn)
		must(err)
		threads = append(threads, t)
	}

	_, err = blocker.Wait()
	must(err)
	// As in the guide, the lock and the barrier are destroyed as soon as every thread has
	// signed off; Destroy waits for the threads still on their way out of Wait.
	must(numlock.Destroy())
	must(blocker.Destroy())
	for _, t := range threads { // the guide leaves this to the end of the process
		must(t.Join())
	}
	fmt.Printf("shared num = %d\n", sharedNum)
}
