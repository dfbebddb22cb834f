package uv

import (
	"errors"
	"net/netip"
	"syscall"
	"testing"
	"time"
)

// The DNS tests resolve only "localhost", numeric addresses and names under .invalid, which
// must fail: the machine may have no outside network.

// dnsFailName is a name that must fail: under .invalid, with an empty label, which glibc's
// resolver refuses without sending a query (a query for a name under .invalid can wait for the
// resolver's timeout when the network drops it).
const dnsFailName = "xyzzy..invalid"

// dnsCheckLoopback fails t unless res holds at least one entry and only loopback addresses.
func dnsCheckLoopback(t testing.TB, res []Addrinfo) {
	t.Helper()
	if len(res) == 0 {
		t.Errorf("no address for localhost")
	}
	for _, a := range res {
		if !a.Addr.Addr().IsLoopback() {
			t.Errorf("localhost resolved to %v (%+v)", a.Addr, a)
		}
	}
}

// dnsIsEAI reports whether err is one of libuv's EAI_* codes.
func dnsIsEAI(err error) bool {
	var e Errno
	return errors.As(err, &e) && e.Unwrap() == nil && e != EOF
}

// dnsRunOnce checks the type of r, an asynchronous request, runs l (which must end: Run not
// alive) and checks that the callback, which counts its calls in calls, ran once.
func dnsRunOnce(t *testing.T, l *Loop, r Req, typ ReqType, calls *int) {
	t.Helper()
	if r.Type() != typ {
		t.Errorf("request type %v, want %v", r.Type(), typ)
	}
	tcpRunDone(t, l)
	if *calls != 1 {
		t.Errorf("%d callbacks, want 1", *calls)
	}
}

// libuv: getaddrinfo_fail
func TestGetaddrinfoFail(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	if r, _, err := Getaddrinfo(l, "", "", nil, func([]Addrinfo, error) {
		t.Errorf("callback of a refused request")
	}); !errors.Is(err, EINVAL) || r != nil {
		t.Errorf("Getaddrinfo with neither node nor service: %v, %v; want EINVAL", r, err)
	}
	calls := 0
	r, res, err := Getaddrinfo(l, dnsFailName, "", nil, func(res []Addrinfo, err error) {
		calls++
		if err == nil || !dnsIsEAI(err) {
			t.Errorf("callback error %v, want an EAI_* code", err)
		}
		if res != nil {
			t.Errorf("results %v with an error", res)
		}
	})
	must(t, err)
	if r == nil || res != nil {
		t.Errorf("asynchronous Getaddrinfo returned %v, %v; want a request and no results", r, res)
	}
	dnsRunOnce(t, l, r, ReqGetaddrinfo, &calls)
}

// libuv: getaddrinfo_fail_sync
func TestGetaddrinfoFailSync(t *testing.T) {
	l := newTestLoop(t)
	r, res, err := Getaddrinfo(l, dnsFailName, "", nil, nil)
	if err == nil || !dnsIsEAI(err) || r != nil || res != nil {
		t.Errorf("Getaddrinfo(%q) = %v, %v, %v; want an EAI_* code only", dnsFailName, r, res, err)
	}
}

// libuv: getaddrinfo_basic
func TestGetaddrinfoBasic(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	calls := 0
	r, _, err := Getaddrinfo(l, "localhost", "", nil, func(res []Addrinfo, err error) {
		calls++
		hndCheck(t, err)
		dnsCheckLoopback(t, res)
	})
	must(t, err)
	dnsRunOnce(t, l, r, ReqGetaddrinfo, &calls)
}

// libuv: getaddrinfo_basic_sync
func TestGetaddrinfoBasicSync(t *testing.T) {
	l := newTestLoop(t)
	r, res, err := Getaddrinfo(l, "localhost", "", nil, nil)
	must(t, err)
	if r != nil {
		t.Errorf("synchronous Getaddrinfo returned a request")
	}
	dnsCheckLoopback(t, res)
}

// libuv: getaddrinfo_concurrent
func TestGetaddrinfoConcurrent(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	var counts [10]int
	for i := range counts {
		_, _, err := Getaddrinfo(l, "localhost", "", nil, func(res []Addrinfo, err error) {
			counts[i]++
			hndCheck(t, err)
			dnsCheckLoopback(t, res)
		})
		must(t, err)
	}
	run(t, l, RunDefault)
	for i, n := range counts {
		if n != 1 {
			t.Errorf("request %d: %d callbacks, want 1", i, n)
		}
	}
}

// The hints reach getaddrinfo(3) and every field of the results comes back.
func TestGetaddrinfoHints(t *testing.T) {
	l := newTestLoop(t)
	numeric := AI_NUMERICHOST | AI_NUMERICSERV
	for _, c := range []struct {
		node, service string
		hints         AddrinfoHints
		want          Addrinfo
	}{
		{"127.0.0.1", "80", AddrinfoHints{Family: AF_INET, SockType: SOCK_STREAM, Flags: numeric},
			Addrinfo{Family: AF_INET, SockType: SOCK_STREAM, Protocol: syscall.IPPROTO_TCP, Addr: netip.MustParseAddrPort("127.0.0.1:80"), Flags: numeric}},
		{"::1", "53", AddrinfoHints{Family: AF_INET6, SockType: SOCK_DGRAM, Flags: numeric},
			Addrinfo{Family: AF_INET6, SockType: SOCK_DGRAM, Protocol: syscall.IPPROTO_UDP, Addr: netip.MustParseAddrPort("[::1]:53"), Flags: numeric}},
		{"", "8080", AddrinfoHints{Family: AF_INET, SockType: SOCK_STREAM, Flags: AI_PASSIVE},
			Addrinfo{Family: AF_INET, SockType: SOCK_STREAM, Protocol: syscall.IPPROTO_TCP, Addr: netip.MustParseAddrPort("0.0.0.0:8080"), Flags: AI_PASSIVE}},
		{"", "8080", AddrinfoHints{Family: AF_INET, SockType: SOCK_STREAM},
			Addrinfo{Family: AF_INET, SockType: SOCK_STREAM, Protocol: syscall.IPPROTO_TCP, Addr: netip.MustParseAddrPort("127.0.0.1:8080")}},
		{"127.0.0.1", "", AddrinfoHints{SockType: SOCK_STREAM, Protocol: syscall.IPPROTO_TCP, Flags: AI_NUMERICHOST | AI_CANONNAME},
			Addrinfo{Family: AF_INET, SockType: SOCK_STREAM, Protocol: syscall.IPPROTO_TCP, Addr: netip.MustParseAddrPort("127.0.0.1:0"), CanonName: "127.0.0.1", Flags: AI_NUMERICHOST | AI_CANONNAME}},
	} {
		_, res, err := Getaddrinfo(l, c.node, c.service, &c.hints, nil)
		if err != nil || len(res) != 1 || res[0] != c.want {
			t.Errorf("Getaddrinfo(%q, %q, %+v) = %+v, %v; want [%+v]", c.node, c.service, c.hints, res, err, c.want)
		}
	}

	_, res, err := Getaddrinfo(l, "localhost", "", &AddrinfoHints{Family: AF_INET, SockType: SOCK_STREAM, Flags: AI_CANONNAME}, nil)
	must(t, err)
	dnsCheckLoopback(t, res)
	if len(res) > 0 && res[0].CanonName == "" {
		t.Errorf("AI_CANONNAME: no canonical name in %+v", res[0])
	}

	// getaddrinfo(3)'s own errors, as libuv's EAI_* codes.
	for _, c := range []struct {
		node, service string
		hints         AddrinfoHints
		want          Errno
	}{
		{"localhost", "", AddrinfoHints{Flags: AI_NUMERICHOST}, EAI_NONAME},
		{"127.0.0.1", "http", AddrinfoHints{Flags: AI_NUMERICSERV}, EAI_NONAME},
		{"127.0.0.1", "", AddrinfoHints{Family: 12345}, EAI_FAMILY},
		{"127.0.0.1", "", AddrinfoHints{Flags: 1 << 20}, EAI_BADFLAGS},
		{"127.0.0.1", "80", AddrinfoHints{SockType: SOCK_RAW, Protocol: syscall.IPPROTO_TCP}, EAI_SERVICE},
	} {
		if _, res, err := Getaddrinfo(l, c.node, c.service, &c.hints, nil); !errors.Is(err, c.want) {
			t.Errorf("Getaddrinfo(%q, %q, %+v) = %+v, %v; want %v", c.node, c.service, c.hints, res, err, c.want.Name())
		}
	}
}

func TestGetaddrinfoMisuse(t *testing.T) {
	l := newTestLoop(t)
	cb := func([]Addrinfo, error) { t.Errorf("callback of a refused request") }
	for _, c := range [][2]string{{"local\x00host", ""}, {"localhost", "8\x000"}} {
		for _, f := range []func([]Addrinfo, error){cb, nil} {
			if r, res, err := Getaddrinfo(l, c[0], c[1], nil, f); !errors.Is(err, ErrNUL) || r != nil || res != nil {
				t.Errorf("Getaddrinfo(%q, %q): %v, %v, %v; want ErrNUL", c[0], c[1], r, res, err)
			}
		}
	}
	// libuv's IDNA conversion refuses a name that is not UTF-8, before any request starts.
	if r, res, err := Getaddrinfo(l, "bad\xff.invalid", "", nil, cb); !errors.Is(err, EINVAL) || r != nil || res != nil {
		t.Errorf("Getaddrinfo of a name that is not UTF-8: %v, %v, %v; want EINVAL", r, res, err)
	}
	// A zone for C is a string too.
	nulZone := netip.AddrPortFrom(netip.MustParseAddr("fe80::1").WithZone("lo\x00x"), 80)
	if r, _, _, err := Getnameinfo(l, nulZone, 0, nil); !errors.Is(err, ErrNUL) || r != nil {
		t.Errorf("Getnameinfo of a zone with a NUL: %v, %v; want ErrNUL", r, err)
	}
	run(t, l, RunDefault)

	closed, err := NewLoop()
	must(t, err)
	must(t, closed.Close())
	if _, _, err := Getaddrinfo(closed, "localhost", "", nil, cb); !errors.Is(err, ErrClosed) {
		t.Errorf("Getaddrinfo on a closed loop: %v, want ErrClosed", err)
	}
	if _, _, _, err := Getnameinfo(closed, netip.MustParseAddrPort("127.0.0.1:80"), 0, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Getnameinfo on a closed loop: %v, want ErrClosed", err)
	}
}

// dnsCancel starts requests with start, cancels them from the last (the ones still queued for
// the threadpool), runs the loop and checks the outcome of each: a cancelled request's callback
// gets EAI_CANCELED, a second Cancel is libuv's answer (0: the request is queued again as
// cancelled), a request that already runs or ran answers EBUSY, and Cancel after the callback
// ErrClosed. The threadpool may keep up with the requests (on a loaded machine, where this
// goroutine waits for a CPU): then it tries again, up to five rounds.
func dnsCancel(t *testing.T, start func(l *Loop, cb func(error)) Req) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	const n = 128
	for round := 1; round <= 5; round++ {
		if dnsCancelRound(t, l, n, start) > 0 {
			return
		}
	}
	t.Errorf("none of %d requests could be cancelled, in 5 rounds", n)
}

// dnsCancelRound is one round of dnsCancel; it returns the number of requests cancelled.
func dnsCancelRound(t *testing.T, l *Loop, n int, start func(l *Loop, cb func(error)) Req) int {
	reqs := make([]Req, n)
	errs := make([]error, n)
	calls := make([]int, n)
	for i := range reqs {
		reqs[i] = start(l, func(err error) { calls[i]++; errs[i] = err })
	}
	cancelled := make([]bool, n)
	ncancelled := 0
	for i := n - 1; i >= 0; i-- {
		switch err := reqs[i].Cancel(); {
		case err == nil:
			cancelled[i] = true
			ncancelled++
			if err := reqs[i].Cancel(); err != nil {
				t.Errorf("second Cancel: %v, want nil (libuv's answer)", err)
			}
		case !errors.Is(err, EBUSY):
			t.Errorf("Cancel: %v, want nil or EBUSY", err)
		}
	}
	run(t, l, RunDefault)
	for i := range reqs {
		if calls[i] != 1 {
			t.Errorf("request %d: %d callbacks, want 1", i, calls[i])
		}
		if cancelled[i] != errors.Is(errs[i], EAI_CANCELED) {
			t.Errorf("request %d: cancelled %v, callback error %v", i, cancelled[i], errs[i])
		}
		if err := reqs[i].Cancel(); !errors.Is(err, ErrClosed) {
			t.Errorf("Cancel after the callback: %v, want ErrClosed", err)
		}
	}
	t.Logf("%d of %d requests cancelled", ncancelled, n)
	return ncancelled
}

func TestGetaddrinfoCancel(t *testing.T) {
	dnsCancel(t, func(l *Loop, cb func(error)) Req {
		r, _, err := Getaddrinfo(l, "localhost", "", nil, func(res []Addrinfo, err error) {
			if (err == nil) != (res != nil) {
				t.Errorf("callback with %v and %v", res, err)
			}
			cb(err)
		})
		must(t, err)
		return r
	})
}

func TestGetnameinfoCancel(t *testing.T) {
	dnsCancel(t, func(l *Loop, cb func(error)) Req {
		r, _, _, err := Getnameinfo(l, netip.MustParseAddrPort("127.0.0.1:80"), 0, func(host, service string, err error) {
			if (err == nil) != (host != "") {
				t.Errorf("callback with %q and %v", host, err)
			}
			cb(err)
		})
		must(t, err)
		return r
	})
}

func getnameinfoCheck(t testing.TB, host, service string, err error) {
	t.Helper()
	hndCheck(t, err)
	if host == "" || service == "" {
		t.Errorf("host %q, service %q; want both", host, service)
	}
}

// libuv: getnameinfo_basic_ip4
func TestGetnameinfoBasicIP4(t *testing.T) {
	testGetnameinfoAsync(t, "127.0.0.1:80")
}

// libuv: getnameinfo_basic_ip6
func TestGetnameinfoBasicIP6(t *testing.T) {
	testGetnameinfoAsync(t, "[::1]:80")
}

func testGetnameinfoAsync(t *testing.T, addr string) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	calls := 0
	r, host, service, err := Getnameinfo(l, netip.MustParseAddrPort(addr), 0, func(host, service string, err error) {
		calls++
		getnameinfoCheck(t, host, service, err)
	})
	must(t, err)
	if r == nil || host != "" || service != "" {
		t.Errorf("asynchronous Getnameinfo returned %v, %q, %q; want a request only", r, host, service)
	}
	dnsRunOnce(t, l, r, ReqGetnameinfo, &calls)
}

// libuv: getnameinfo_basic_ip4_sync
func TestGetnameinfoBasicIP4Sync(t *testing.T) {
	l := newTestLoop(t)
	r, host, service, err := Getnameinfo(l, netip.MustParseAddrPort("127.0.0.1:80"), 0, nil)
	if r != nil {
		t.Errorf("synchronous Getnameinfo returned a request")
	}
	getnameinfoCheck(t, host, service, err)
}

// Numeric answers are exact; an IPv6 zone goes to libuv as the scope id and comes back from
// getnameinfo(3) as the interface's name.
func TestGetnameinfoNumeric(t *testing.T) {
	l := newTestLoop(t)
	lo := dnsLoopbackName(t)
	for _, c := range []struct{ addr, host, service string }{
		{"127.0.0.1:80", "127.0.0.1", "80"},
		{"[::1]:443", "::1", "443"},
		{"[::ffff:10.1.2.3]:7", "::ffff:10.1.2.3", "7"},
		{"[fe80::1%" + lo + "]:9", "fe80::1%" + lo, "9"},
	} {
		_, host, service, err := Getnameinfo(l, netip.MustParseAddrPort(c.addr), NI_NUMERICHOST|NI_NUMERICSERV, nil)
		if err != nil || host != c.host || service != c.service {
			t.Errorf("Getnameinfo(%s) = %q, %q, %v; want %q, %q", c.addr, host, service, err, c.host, c.service)
		}
	}
	// The service of a well-known port, from the services database when it has one.
	_, _, service, err := Getnameinfo(l, netip.MustParseAddrPort("127.0.0.1:80"), NI_NUMERICHOST, nil)
	must(t, err)
	if service != "http" && service != "80" {
		t.Errorf("service of port 80: %q, want http (or 80 without a services database)", service)
	}
	// No family: libuv's EINVAL.
	if r, host, service, err := Getnameinfo(l, netip.AddrPort{}, 0, nil); !errors.Is(err, EINVAL) || r != nil || host != "" || service != "" {
		t.Errorf("Getnameinfo of the zero AddrPort: %v, %q, %q, %v; want EINVAL", r, host, service, err)
	}
	if _, _, _, err := Getnameinfo(l, netip.AddrPort{}, 0, func(string, string, error) {
		t.Errorf("callback of a refused request")
	}); !errors.Is(err, EINVAL) {
		t.Errorf("asynchronous Getnameinfo of the zero AddrPort: %v, want EINVAL", err)
	}
	run(t, l, RunDefault)
}

// dnsLoopbackName is the name of the loopback interface, from InterfaceAddresses.
func dnsLoopbackName(t *testing.T) string {
	t.Helper()
	ifs, err := InterfaceAddresses()
	must(t, err)
	for _, i := range ifs {
		if i.Internal {
			return i.Name
		}
	}
	t.Skip("no loopback interface")
	return ""
}

func TestDNSWrongThread(t *testing.T) {
	l := newTestLoop(t)
	errs := map[string]error{}
	loopFromOtherGoroutine(t, l, func() {
		errs["Getaddrinfo"] = wrongThreadErr(func() error {
			_, _, err := Getaddrinfo(l, "localhost", "", nil, nil)
			return err
		})
		errs["Getaddrinfo async"] = wrongThreadErr(func() error {
			_, _, err := Getaddrinfo(l, "localhost", "", nil, func([]Addrinfo, error) {})
			return err
		})
		errs["Getnameinfo"] = wrongThreadErr(func() error {
			_, _, _, err := Getnameinfo(l, netip.MustParseAddrPort("127.0.0.1:80"), 0, nil)
			return err
		})
	})
	for name, err := range errs {
		if !errors.Is(err, ErrWrongThread) {
			t.Errorf("%s from another goroutine: %v, want ErrWrongThread", name, err)
		}
	}
}

// A panic in a DNS callback reaches Run, and the request is released first.
func TestDNSCallbackPanic(t *testing.T) {
	l := newTestLoop(t)
	hndGuard(t, l, 10*time.Second)
	runPanic := func() (v any) {
		defer func() { v = recover() }()
		l.Run(RunDefault)
		return nil
	}
	_, _, err := Getaddrinfo(l, "127.0.0.1", "", &AddrinfoHints{Flags: AI_NUMERICHOST}, func([]Addrinfo, error) { panic("getaddrinfo") })
	must(t, err)
	if v := runPanic(); v != "getaddrinfo" {
		t.Errorf("Run re-panicked with %v, want getaddrinfo", v)
	}
	_, _, _, err = Getnameinfo(l, netip.MustParseAddrPort("127.0.0.1:1"), NI_NUMERICHOST, func(string, string, error) { panic("getnameinfo") })
	must(t, err)
	if v := runPanic(); v != "getnameinfo" {
		t.Errorf("Run re-panicked with %v, want getnameinfo", v)
	}
}
