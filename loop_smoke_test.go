package uv

import (
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	l := newTestLoop(t)
	tm, err := NewTimer(l)
	must(t, err)
	n := 0
	must(t, tm.Start(func() { n++; if n == 3 { tm.Close(nil) } }, time.Millisecond, time.Millisecond))
	id, _ := NewIdle(l)
	k := 0
	must(t, id.Start(func() { k++; if k == 5 { id.Stop(); id.Close(nil) } }))
	go l.Post(func() { t.Log("posted ran") })
	a, _ := NewAsync(l, nil)
	var aa *Async
	aa, _ = NewAsync(l, func() { aa.Close(nil); a.Close(nil) })
	go aa.Send()
	run(t, l, RunDefault)
	if n != 3 || k != 5 { t.Fatal(n, k) }
	t.Log(Version(), VersionString(), EOF, ENOENT.Name())
}

func TestSmokePanic(t *testing.T) {
	l := newTestLoop(t)
	tm, _ := NewTimer(l)
	tm.Start(func() { panic("boom") }, 0, 0)
	func() {
		defer func() { if r := recover(); r != "boom" { t.Fatalf("got %v", r) } }()
		l.Run(RunDefault)
	}()
	tm.Close(nil)
	run(t, l, RunDefault)
}
