// Command signal is the libuv guide's signal example: SIGUSR1 watched by four watchers in three
// loops on two threads made with uv_thread_create. The first thread runs one loop with two
// watchers; the second runs two loops, one watcher each, alternately with RunNoWait. Every
// watcher gets the signal and stops itself, so each loop ends. The guide waits for the user to
// send the signal (kill -USR1); this one sends it to itself once all watchers are started.
package main

import (
	"fmt"
	"log"
	"sync"
	"syscall"

	"github.com/go-libuv/uv"
)

// watch starts a watcher of SIGUSR1 on l that prints the signal and stops itself.
func watch(l *uv.Loop, name string) *uv.Signal {
	s, err := uv.NewSignal(l)
	if err != nil {
		log.Fatal(err)
	}
	err = s.Start(syscall.SIGUSR1, func(signum syscall.Signal) {
		fmt.Printf("%s: signal received: %d (%v)\n", name, signum, signum)
		if err := s.Stop(); err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	return s
}

func newLoop() *uv.Loop {
	l, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	return l
}

// finish closes the watchers of l, runs it until their close callbacks, and closes it.
func finish(l *uv.Loop, sigs ...*uv.Signal) {
	for _, s := range sigs {
		s.Close(nil)
	}
	if _, err := l.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	if err := l.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	var started sync.WaitGroup
	started.Add(2)

	thread1, err := uv.NewThread(func() {
		loop1 := newLoop()
		sig1a, sig1b := watch(loop1, "loop 1, watcher a"), watch(loop1, "loop 1, watcher b")
		started.Done()
		if _, err := loop1.Run(uv.RunDefault); err != nil {
			log.Fatal(err)
		}
		finish(loop1, sig1a, sig1b)
	})
	if err != nil {
		log.Fatal(err)
	}

	thread2, err := uv.NewThread(func() {
		loop2, loop3 := newLoop(), newLoop()
		sig2, sig3 := watch(loop2, "loop 2"), watch(loop3, "loop 3")
		started.Done()
		for {
			alive2, err := loop2.Run(uv.RunNoWait)
			if err != nil {
				log.Fatal(err)
			}
			alive3, err := loop3.Run(uv.RunNoWait)
			if err != nil {
				log.Fatal(err)
			}
			if !alive2 && !alive3 {
				break
			}
		}
		finish(loop2, sig2)
		finish(loop3, sig3)
	})
	if err != nil {
		log.Fatal(err)
	}

	started.Wait()
	fmt.Println("PID", syscall.Getpid(), "sends itself SIGUSR1")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		log.Fatal(err)
	}
	if err := thread1.Join(); err != nil {
		log.Fatal(err)
	}
	if err := thread2.Join(); err != nil {
		log.Fatal(err)
	}
}
