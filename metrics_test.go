package uv

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// loopMetricsRun configures l for idle time, runs a timer of timeout whose callback spins
// for spin, and returns how often the callback ran, the idle time and the wall time of Run.
func loopMetricsRun(l *Loop, timeout, spin time.Duration) (calls int, idle, wall time.Duration, err error) {
	if err := l.Configure(MetricsIdleTime); err != nil {
		return 0, 0, 0, err
	}
	tm, err := NewTimer(l)
	if err != nil {
		return 0, 0, 0, err
	}
	// libuv's test starts the timer right after uv_loop_init; here the loop may have been made
	// long before (another goroutine, a loaded machine): count the timeout from now.
	if err := l.UpdateTime(); err != nil {
		return 0, 0, 0, err
	}
	err = tm.Start(timeout, 0, func() {
		calls++
		for t := Hrtime(); Hrtime()-t < uint64(spin); {
		}
		tm.Close(nil)
	})
	if err != nil {
		tm.Close(nil)
		l.Run(RunDefault)
		return 0, 0, 0, err
	}
	start := time.Now()
	alive, err := l.Run(RunDefault)
	wall = time.Since(start)
	if err == nil && alive {
		err = fmt.Errorf("Run: alive, want false")
	}
	return calls, l.MetricsIdleTime(), wall, err
}

// libuv: metrics_idle_time
func TestMetricsIdleTime(t *testing.T) {
	const timeout, spin = 100 * time.Millisecond, 60 * time.Millisecond
	l := newTestLoop(t)
	if d := l.MetricsIdleTime(); d != 0 {
		t.Errorf("MetricsIdleTime before Configure: %v, want 0", d)
	}
	calls, idle, wall, err := loopMetricsRun(l, timeout, spin)
	must(t, err)
	if calls != 1 {
		t.Errorf("timer called %d times, want 1", calls)
	}
	// libuv's bound: within half the timeout of it. Only the lower one is a guarantee.
	if idle < timeout/2 {
		t.Errorf("idle time %v after waiting %v for a timer, want >= %v", idle, timeout, timeout/2)
	}
	// The time spent in the callback is not idle (both sides read CLOCK_MONOTONIC).
	if idle > wall-spin {
		t.Errorf("idle time %v counts the callback's %v: Run took %v", idle, spin, wall)
	}
}

// libuv: metrics_idle_time_thread
func TestMetricsIdleTimeThread(t *testing.T) {
	const timeout, spin = 100 * time.Millisecond, 60 * time.Millisecond
	loops := loopNewLoops(t, 5)
	var wg sync.WaitGroup
	for i, l := range loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			calls, idle, _, err := loopMetricsRun(l, timeout, spin)
			if err != nil {
				t.Errorf("loop %d: %v", i, err)
				return
			}
			if calls != 1 {
				t.Errorf("loop %d: timer called %d times, want 1", i, calls)
			}
			if idle < timeout/2 {
				t.Errorf("loop %d: idle time %v, want >= %v", i, idle, timeout/2)
			}
		}()
	}
	wg.Wait()
}

// libuv: metrics_idle_time_zero
func TestMetricsIdleTimeZero(t *testing.T) {
	l := newTestLoop(t)
	must(t, l.Configure(MetricsIdleTime))
	tm, err := NewTimer(l)
	must(t, err)
	calls := 0
	must(t, tm.Start(0, 0, func() { calls++ }))
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false")
	}
	if calls == 0 {
		t.Error("timer not called")
	}
	if d := l.MetricsIdleTime(); d != 0 {
		t.Errorf("idle time of a loop that never waited: %v, want 0", d)
	}
	// libuv 1.45's test adds: the loop count equals the timer's calls.
	if m, err := l.MetricsInfo(); hasAPI(45) {
		must(t, err)
		if m.LoopCount != uint64(calls) {
			t.Errorf("LoopCount %d, want the %d timer calls", m.LoopCount, calls)
		}
	}
	loopCloseAll(t, l, tm)
}

// libuv: metrics_info_check
func TestMetricsInfoCheck(t *testing.T) {
	l := newTestLoop(t)
	if _, err := l.MetricsInfo(); !hasAPI(45) {
		skipBefore(t, 45, err)
	}
	path := filepath.Join(t.TempDir(), "test_file")
	buf := []byte("test-buffer\n\x00") // libuv writes sizeof(test_buf), its NUL included
	info := func(count uint64) Metrics {
		t.Helper()
		m, err := l.MetricsInfo()
		check(t, "MetricsInfo", err)
		if m.LoopCount != count {
			t.Errorf("LoopCount = %d, want %d", m.LoopCount, count)
		}
		return m
	}
	var last uint64
	closed := 0
	p, err := NewPrepare(l)
	must(t, err)
	must(t, p.Start(func() {
		check(t, "Stop", p.Stop())
		if m := info(0); m.Events != 0 {
			t.Errorf("Events = %d before any, want 0", m.Events)
		}
		_, err := FSOpen(l, path, O_WRONLY|O_CREAT, 0o600, func(r *FSReq) {
			m := info(1) // the event count is not checked yet, as in libuv
			if r.Result() < 0 {
				t.Errorf("open: %v", r.Err())
				return
			}
			last = m.Events
			fd := int(r.Result())
			_, err := FSWrite(l, fd, [][]byte{buf}, 0, func(r *FSReq) {
				m := info(2)
				if m.Events <= last {
					t.Errorf("after write: Events = %d, want more than %d", m.Events, last)
				}
				if r.Result() != int64(len(buf)) {
					t.Errorf("write: %d, want %d", r.Result(), len(buf))
				}
				last = m.Events
				_, err := FSClose(l, fd, func(r *FSReq) {
					m := info(3)
					if m.Events <= last {
						t.Errorf("after close: Events = %d, want more than %d", m.Events, last)
					}
					closed++
				})
				check(t, "FSClose", err)
			})
			check(t, "FSWrite", err)
		})
		check(t, "FSOpen", err)
	}))
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false (the prepare handle stopped)")
	}
	if closed != 1 {
		t.Errorf("close callback ran %d times, want 1", closed)
	}
	p.Close(nil)
	run(t, l, RunDefault)
}

// libuv: metrics_pool_events
//
// libuv's test resolves "example.invalid"; this one resolves "localhost" (loopback only).
func TestMetricsPoolEvents(t *testing.T) {
	skipBeforeLibuv(t, 0x012d00, "uv_metrics_info")
	l := newTestLoop(t)
	must(t, l.Configure(MetricsIdleTime))
	file := filepath.Join(t.TempDir(), "test_file")
	counter := 0
	pr, err := NewPrepare(l)
	must(t, err)
	must(t, pr.Start(func() {
		m, err := l.MetricsInfo()
		hndCheck(t, err)
		if counter == 1 && m.Events != m.EventsWaiting {
			t.Errorf("after the first pool event: events %d, waiting %d; want equal", m.Events, m.EventsWaiting)
		}
		if counter < 7 {
			return
		}
		hndCheck(t, pr.Stop())
		counter = -42
	}))
	fd := fsOpenFd(t, l, file, O_WRONLY|O_CREAT, 0o600)
	after := func(err error) { hndCheck(t, err); counter++ }
	_, err = FSWrite(l, fd, [][]byte{fsTestBuf}, 0, func(r *FSReq) {
		counter++
		for i := 0; i < 2; i++ {
			_, err := QueueWork(l, func() {}, after)
			hndCheck(t, err)
		}
	})
	must(t, err)
	for i := 0; i < 2; i++ {
		_, err = FSStat(l, file, func(*FSReq) { counter++ })
		must(t, err)
	}
	_, err = Random(l, make([]byte, 1), 0, func(error) { counter++ })
	must(t, err)
	_, _, err = Getaddrinfo(l, "localhost", "", nil, func([]Addrinfo, error) { counter++ })
	must(t, err)
	must(t, Sleep(100*time.Millisecond)) // let the pool finish before the loop runs
	if run(t, l, RunDefault) {
		t.Error("Run: alive, want false (the prepare handle stopped)")
	}
	m, err := l.MetricsInfo()
	must(t, err)
	if m.Events < 7 || m.EventsWaiting < 4 || counter != -42 {
		t.Errorf("events %d, waiting %d, counter %d; want >= 7, >= 4, -42", m.Events, m.EventsWaiting, counter)
	}
	fsCloseFd(t, l, fd)
	hndDoClose(t, l, pr)
}
