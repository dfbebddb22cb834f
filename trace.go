//go:build cgo && !windows

package uv

import (
	"io"
	"strconv"
	"unsafe"
)

// This file holds the trace recorder: a binding addition that writes every callback libuv
// delivers on a loop as one JSON line, for the authors of pure-Go event loops who compare their
// port with libuv (testdata/traces/README.md defines the format). The trampolines of
// cgo_callbacks.go call traceCb, and the places that register a handle or request call
// traceNew: when no trace is set, each costs one nil check.

// traceKind names a libuv callback typedef: the "cb" field of a trace line.
type traceKind uint8

// The callback kinds, one per libuv callback typedef the binding receives (uv_<kind>_cb).
const (
	cbClose traceKind = iota
	cbTimer
	cbPrepare
	cbCheck
	cbIdle
	cbAsync
	cbConnection
	cbRead
	cbWrite
	cbConnect
	cbShutdown
	cbFS
	cbRandom
	cbUDPSend
	cbUDPRecv
	cbPoll
	cbGetaddrinfo
	cbGetnameinfo
	cbFSEvent
	cbFSPoll
	cbAfterWork
	cbSignal
	cbExit
)

var traceKindNames = [...]string{
	cbClose: "close", cbTimer: "timer", cbPrepare: "prepare", cbCheck: "check", cbIdle: "idle",
	cbAsync: "async", cbConnection: "connection", cbRead: "read", cbWrite: "write",
	cbConnect: "connect", cbShutdown: "shutdown", cbFS: "fs", cbRandom: "random",
	cbUDPSend: "udp_send", cbUDPRecv: "udp_recv", cbPoll: "poll", cbGetaddrinfo: "getaddrinfo",
	cbGetnameinfo: "getnameinfo", cbFSEvent: "fs_event", cbFSPoll: "fs_poll",
	cbAfterWork: "after_work", cbSignal: "signal", cbExit: "exit",
}

// tracer is a loop's trace: set by SetTrace, read by the hooks on the loop's thread.
type tracer struct {
	w       io.Writer
	err     error         // the first write error; nothing is written after it
	iter    int64         // the polls so far (libuv's uv_metrics_loop_count)
	counter *Prepare      // counts them
	post    *handle       // the loop's Post handle: the binding's own, not traced
	ids     map[any]int64 // handle (*handle) or request (*req) to its id
	next    int64         // the last id given
	buf     []byte        // the line being written
}

// SetTrace is a binding addition: from the call on, every callback libuv delivers on l (as the
// binding receives it, before the user's function runs) is written to w as one JSON line: the iteration, the callback kind, the id
// and type of the handle or request, its status name and a few kind-specific fields
// (testdata/traces/README.md defines them). Ids count the handles and requests registered on l
// from the call on, from 1, in creation order; one registered before gets the next id when it
// first calls back. The loop's Post handle is not traced. The iteration is the number of times
// the loop has polled for I/O (libuv's uv_metrics_loop_count), counted by an unreferenced
// prepare handle that SetTrace starts: it does not keep the loop alive, but it shows in Walk
// and PrintAllHandles, and Close answers EBUSY until SetTrace(nil) has closed it and the loop
// has run once more (CloseAll closes it as any other handle). Call SetTrace before creating the handles whose prepare callbacks should
// run before the counter's (libuv runs prepare handles newest first).
//
// SetTrace with a trace set replaces its writer and keeps its counts. SetTrace(nil) ends the
// trace and returns the first error w returned (nothing is written after one). With no trace
// set, the binding pays one nil check per callback. Loop-bound; ErrClosed after Close.
func (l *Loop) SetTrace(w io.Writer) error {
	if l.ptr == nil {
		return ErrClosed
	}
	if err := pinOwner(l); err != nil {
		return err
	}
	if t := l.trace; t != nil {
		if w != nil {
			t.w = w
			return nil
		}
		l.trace = nil
		t.counter.Close(nil)
		return t.err
	}
	if w == nil {
		return nil
	}
	t := &tracer{w: w, ids: make(map[any]int64)}
	p, err := NewPrepare(l)
	if err != nil {
		return err
	}
	if err := p.Start(func() { t.iter++ }); err != nil {
		p.Close(nil)
		return err
	}
	p.Unref()
	t.counter, t.post = p, l.post.base()
	l.trace = t
	return nil
}

// traceCb records callback k of obj (a Handle, or a Req) when l is traced: res is the callback's
// status or result (nread, the fs result), aux a kind-specific number (udp_recv: 1 when libuv
// passed an address; poll and fs_event: the events; signal: the signal; exit: the term signal).
// The one hook of the trampolines.
func (l *Loop) traceCb(k traceKind, obj any, res, aux int64) {
	if l.trace != nil {
		l.trace.record(k, obj, res, aux)
	}
}

// traceNew gives obj (a Handle, or a Req) the next id when l is traced. The one hook of the
// places that register a handle or request.
func (l *Loop) traceNew(obj any) {
	if l.trace != nil {
		l.trace.id(obj, true)
	}
}

// isSet is 1 when p is not nil: traceCb's aux for udp_recv.
func isSet(p unsafe.Pointer) int64 {
	if p != nil {
		return 1
	}
	return 0
}

// traceKey returns the map key and the type name of obj, a Handle or a Req.
func traceKey(obj any) (key any, typ string) {
	switch v := obj.(type) {
	case Handle:
		b := v.base()
		return b, b.Type().String()
	case Req:
		b := v.base()
		return b, b.typ.String()
	case oneshot:
		return v, "timer"
	}
	return nil, ""
}

// oneshot is the trace's key of a timer of TimerStartOneshot, which has no Go object: its token.
type oneshot unsafe.Pointer

// id returns obj's id; a new one when create is set or obj was not seen yet.
func (t *tracer) id(obj any, create bool) int64 {
	key, _ := traceKey(obj)
	if id, ok := t.ids[key]; ok && !create {
		return id
	}
	t.next++
	t.ids[key] = t.next
	return t.next
}

// record writes one line.
func (t *tracer) record(k traceKind, obj any, res, aux int64) {
	key, typ := traceKey(obj)
	if key == any(t.counter.base()) || key == any(t.post) || t.err != nil {
		return
	}
	id := t.id(obj, false)
	final := k == cbClose
	switch obj.(type) {
	case Req, oneshot:
		final = true // a request, or a one-shot timer (closed in C), calls back once
	}
	if final {
		delete(t.ids, key)
	}
	b := append(t.buf[:0], `{"iter":`...)
	b = strconv.AppendInt(b, t.iter, 10)
	b = append(b, `,"cb":"`...)
	b = append(b, traceKindNames[k]...)
	b = append(b, `","id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"type":"`...)
	b = append(b, typ...)
	b = append(b, `","status":"`...)
	switch {
	case res < 0 && k != cbExit:
		b = append(b, Errno(res).Name()...)
	default:
		b = append(b, '0')
	}
	b = append(b, '"')
	switch k {
	case cbRead, cbUDPRecv:
		if res >= 0 {
			b = strconv.AppendInt(append(b, `,"n":`...), res, 10)
		}
		if k == cbUDPRecv {
			b = strconv.AppendBool(append(b, `,"addr":`...), aux != 0)
		}
	case cbFS:
		if r, ok := obj.(*FSReq); ok {
			op := r.FSType()
			b = append(append(append(b, `,"op":"`...), op.String()...), '"')
			if res >= 0 && (op == FSTypeRead || op == FSTypeWrite || op == FSTypeSendfile) {
				b = strconv.AppendInt(append(b, `,"n":`...), res, 10)
			}
		}
	case cbPoll, cbFSEvent:
		b = strconv.AppendInt(append(b, `,"events":`...), aux, 10)
	case cbSignal:
		b = strconv.AppendInt(append(b, `,"signal":`...), aux, 10)
	case cbExit:
		b = strconv.AppendInt(append(b, `,"exit_status":`...), res, 10)
		b = strconv.AppendInt(append(b, `,"term_signal":`...), aux, 10)
	}
	b = append(b, "}\n"...)
	t.buf = b
	if _, err := t.w.Write(b); err != nil {
		t.err = err
	}
}
