package scenario

import (
	"strconv"
	"time"

	"github.com/go-libuv/uv"
)

// The scenarios of the loop's own handles: no I/O, so every line, iteration included, is
// libuv's order.

func init() {
	register("phases", true, phases)
	register("timers", true, timers)
	register("closes", true, closes)
	register("runmodes", true, runmodes)
	register("async_coalesce", true, asyncCoalesce)
}

// phases: one iteration's callbacks, one handle of each loop-watcher kind and a timer due at
// once; the check callback closes all four (libuv runs close callbacks newest first in 1.44).
func phases(e *Env) {
	l := e.L
	t := must1(uv.NewTimer(l))
	i := must1(uv.NewIdle(l))
	p := must1(uv.NewPrepare(l))
	c := must1(uv.NewCheck(l))
	check(t.Start(0, 0, func() { e.Ev("timer", "t", nil) }))
	check(i.Start(func() { e.Ev("idle", "i", nil) })) // keeps the poll from blocking
	check(p.Start(func() { e.Ev("prepare", "p", nil); check(p.Stop()) }))
	check(c.Start(func() {
		e.Ev("check", "c", nil)
		check(c.Stop())
		check(i.Stop())
		check(c.Close(e.closer("c")))
		check(p.Close(e.closer("p")))
		check(i.Close(e.closer("i")))
		check(t.Close(e.closer("t")))
	}))
	e.Run(uv.RunDefault)
}

// timers: three timers due at once fire in start order; one restarted by the first moves
// behind the others (in the same iteration before libuv 1.45, in the next from 1.45); the
// restarted one starts a repeating timer, which fires once per iteration (alone: no other timer
// is due meanwhile, so that no line depends on the clock); Again before any Start is EINVAL,
// and Again in a callback restarts with the repeat.
func timers(e *Env) {
	l := e.L
	a := must1(uv.NewTimer(l))
	b := must1(uv.NewTimer(l))
	c := must1(uv.NewTimer(l))
	r := must1(uv.NewTimer(l))
	g := must1(uv.NewTimer(l))
	e.Ev("again", "g", g.Again())
	var rcb func()
	bcb := func() {
		e.Ev("timer", "b", nil)
		e.Ev("start", "r", r.Start(0, time.Millisecond, rcb))
	}
	check(a.Start(0, 0, func() {
		e.Ev("timer", "a", nil)
		e.Ev("start", "b", b.Start(0, 0, bcb))
	}))
	check(b.Start(0, 0, bcb))
	check(c.Start(0, 0, func() { e.Ev("timer", "c", nil) }))
	rn, gn := 0, 0
	rcb = func() {
		rn++
		e.Ev("timer", "r", nil)
		if rn < 3 {
			return
		}
		e.Ev("stop", "r", r.Stop())
		e.Ev("start", "g", g.Start(time.Millisecond, 0, func() {
			gn++
			e.Ev("timer", "g", nil)
			if gn == 1 {
				e.Ev("set_repeat", "g", g.SetRepeat(time.Millisecond))
				e.Ev("again", "g", g.Again())
				return
			}
			e.Ev("stop", "g", g.Stop())
			for _, h := range []struct {
				t    *uv.Timer
				name string
			}{{a, "a"}, {b, "b"}, {c, "c"}, {r, "r"}, {g, "g"}} {
				check(h.t.Close(e.closer(h.name)))
			}
		}))
	}
	e.Run(uv.RunDefault)
}

// closes: handles closed inside other callbacks: a timer due in the same phase, an active idle
// handle and an async handle with a send pending never call back; a check handle closes
// itself, and its close callback closes another handle, whose close callback runs one
// iteration later.
func closes(e *Env) {
	l := e.L
	t1 := must1(uv.NewTimer(l))
	t2 := must1(uv.NewTimer(l))
	t3 := must1(uv.NewTimer(l))
	i := must1(uv.NewIdle(l))
	a := must1(uv.NewAsync(l, func() { e.Ev("async", "a", nil) }))
	k := must1(uv.NewCheck(l))
	check(t1.Start(0, 0, func() {
		e.Ev("timer", "t1", nil)
		check(t2.Close(e.closer("t2")))
		check(i.Close(e.closer("i")))
		check(a.Close(e.closer("a")))
		e.Ev("is_closing", "t2", nil, "closing="+strconv.Itoa(b2i(t2.IsClosing())))
	}))
	check(t2.Start(0, 0, func() { e.Ev("timer", "t2", nil) }))
	check(i.Start(func() { e.Ev("idle", "i", nil) }))
	check(a.Send())
	check(k.Start(func() {
		e.Ev("check", "k", nil)
		check(k.Close(func() {
			e.Ev("close", "k", nil)
			check(t3.Close(e.closer("t3")))
			check(t1.Close(e.closer("t1")))
		}))
	}))
	e.Run(uv.RunDefault)
}

// runmodes: the results of DEFAULT, NOWAIT and ONCE with and without active handles, Stop
// before Run and Stop in a callback.
func runmodes(e *Env) {
	l := e.L
	e.Run(uv.RunDefault)
	e.Run(uv.RunNoWait)
	t := must1(uv.NewTimer(l))
	check(t.Start(time.Hour, 0, func() { e.Ev("timer", "t", nil) }))
	e.Run(uv.RunNoWait)
	i := must1(uv.NewIdle(l))
	n := 0
	check(i.Start(func() {
		n++
		e.Ev("idle", "i", nil)
		if n == 2 {
			e.Ev("stop", "loop", l.Stop())
		}
	}))
	e.Run(uv.RunOnce)
	e.Ev("stop", "loop", l.Stop())
	e.Run(uv.RunDefault)
	e.Run(uv.RunDefault)
	check(i.Stop())
	e.Run(uv.RunNoWait)
	check(t.Close(e.closer("t")))
	check(i.Close(e.closer("i")))
	e.Run(uv.RunDefault)
	e.Run(uv.RunOnce)
}

// async_coalesce: three sends before the loop runs make one callback; a send from the
// callback makes one more, in the next iteration.
func asyncCoalesce(e *Env) {
	n := 0
	var a *uv.Async
	a = must1(uv.NewAsync(e.L, func() {
		n++
		e.Ev("async", "a", nil)
		if n == 1 {
			e.Ev("send", "a", a.Send())
			e.Ev("send", "a", a.Send())
			return
		}
		check(a.Close(e.closer("a")))
	}))
	for j := 0; j < 3; j++ {
		e.Ev("send", "a", a.Send())
	}
	e.Run(uv.RunDefault)
}
