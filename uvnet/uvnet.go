// Package uvnet adapts libuv's streams and UDP sockets, through package uv, to Go's net
// interfaces: net.Listener, net.Conn and net.PacketConn, for bufio, crypto/tls, net/http and the
// rest of Go's ecosystem.
//
// The conns run on one libuv loop. By default it is the package's own: started on a goroutine of
// its own when the first conn or listener needs it, shared by all of them, and closed when the
// last one is closed (the next one starts a new loop). That goroutine runs one iteration at a
// time and yields between them, unlocked from its thread (see evloop.run for why). On(l) runs
// them on a loop the caller runs instead. Goroutines hand work to the loop with Loop.Post and wait for
// answers on channels; the package runs no goroutine per connection.
//
// Back-pressure: a conn buffers at most about BufferSize bytes that its reader has not read
// (libuv's reads are stopped with ReadStop above that and restarted once the reader has drained
// half of it) and at most BufferSize bytes written and not yet handed to libuv (a Write blocks
// while more are queued). Close flushes the written bytes before it closes the libuv handle, as
// a kernel socket sends what it holds.
package uvnet

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/go-libuv/uv"
)

// BufferSize is the limit of each conn's read buffer and of its write queue, in bytes.
const BufferSize = 256 << 10

// Network makes listeners and conns that run on one libuv loop: a loop the caller runs (On),
// or, for the zero value and nil, the package's own.
type Network struct {
	e *evloop
}

// On returns a Network whose listeners and conns run on l, a loop the caller runs (with
// RunDefault, while some handle keeps it alive: Post, which the conns use, does not). Their
// methods are safe for concurrent use, from any goroutine but l's; l's own callbacks must not
// call them (they block until the loop answers). A loop run one iteration at a time with
// runtime.Gosched between them, as the package runs its own, wakes the conns' goroutines
// fastest. Safe for concurrent use.
func On(l *uv.Loop) *Network { return &Network{e: &evloop{l: l}} }

// evloop is the loop a conn runs on: a user's, or the package's own (own), which counts its
// users and closes when the count drops to zero.
type evloop struct {
	l     *uv.Loop
	own   bool
	users int       // under ownMu
	keep  *uv.Async // keeps the own loop running while it has users
}

var (
	ownMu      sync.Mutex
	ownCur     *evloop      // the own loop new users get; nil when none runs
	loopsAlive atomic.Int32 // the package's loops that have not returned (the leak check)
)

// acquire returns the loop of a new listener or conn, counting it as a user of an own loop
// until release.
func (n *Network) acquire() (*evloop, error) {
	if n != nil && n.e != nil {
		return n.e, nil
	}
	ownMu.Lock()
	defer ownMu.Unlock()
	if ownCur == nil {
		e, err := startLoop()
		if err != nil {
			return nil, err
		}
		ownCur = e
	}
	ownCur.users++
	return ownCur, nil
}

// addUser counts one more user of e, which has one already. On the loop.
func (e *evloop) addUser() *evloop {
	if e.own {
		ownMu.Lock()
		e.users++
		ownMu.Unlock()
	}
	return e
}

// release ends a use of e (called on the loop, from a close callback, or when a dial failed
// before it created a handle).
func (e *evloop) release() {
	if !e.own {
		return
	}
	ownMu.Lock()
	e.users--
	last := e.users == 0
	if last && ownCur == e {
		ownCur = nil
	}
	ownMu.Unlock()
	if last {
		e.post(func() { e.keep.Close(nil) })
	}
}

// startLoop starts an own loop on a goroutine of its own.
func startLoop() (*evloop, error) {
	e := &evloop{own: true}
	ready := make(chan error)
	loopsAlive.Add(1)
	go e.run(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return e, nil
}

// run runs an own loop until its last user is gone, one iteration at a time (RunOnce), and
// yields to the scheduler between iterations: the goroutines that the iteration's callbacks woke
// (readers, writers, Accept) then run at once on this thread. The goroutine is not locked to its
// thread: libuv lets any one thread at a time run a loop, and the binding checks the thread of
// each Run. Locked, a woken goroutine waits on the P that the loop's thread keeps while it blocks
// in epoll_wait, until another thread steals it (BENCHMARKS.md, "uvnet beside net").
func (e *evloop) run(ready chan<- error) {
	defer loopsAlive.Add(-1)
	l, err := uv.NewLoop()
	if err != nil {
		ready <- err
		return
	}
	if e.keep, err = uv.NewAsync(l, func() {}); err != nil {
		l.Close()
		ready <- err
		return
	}
	e.l = l
	ready <- nil
	for {
		alive, err := l.Run(uv.RunOnce)
		if err != nil {
			panic(err)
		}
		if !alive && l.Close() == nil { // EBUSY: functions posted meanwhile wait to run
			return
		}
		runtime.Gosched()
	}
}

// post runs fn on the loop. The own loop is alive while fn's caller holds a use of it, so
// that fn runs; on a user's loop, ErrClosed once it is closed.
func (e *evloop) post(fn func()) error { return e.l.Post(fn) }

// Listen is Network.Listen on the package's own loop. Safe for concurrent use.
func Listen(network, address string) (net.Listener, error) {
	return (*Network)(nil).Listen(network, address)
}

// Dial is Network.Dial on the package's own loop. Safe for concurrent use.
func Dial(network, address string) (net.Conn, error) {
	return (*Network)(nil).DialContext(context.Background(), network, address)
}

// DialContext is Network.DialContext on the package's own loop. Safe for concurrent use.
func DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return (*Network)(nil).DialContext(ctx, network, address)
}

// ListenPacket is Network.ListenPacket on the package's own loop. Safe for concurrent use.
func ListenPacket(network, address string) (net.PacketConn, error) {
	return (*Network)(nil).ListenPacket(network, address)
}

// resolve turns a host:port address of a tcp or udp network into one AddrPort: a literal IP,
// or the first address of the family the network asks for that Go's resolver returns. An
// empty host is the unspecified address (IPv6's, dual stack, for "tcp" and "udp").
func resolve(ctx context.Context, network, address string) (netip.AddrPort, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return netip.AddrPort{}, err
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		pn, err := net.DefaultResolver.LookupPort(ctx, network, port)
		if err != nil {
			return netip.AddrPort{}, err
		}
		p = uint64(pn)
	}
	last := network[len(network)-1]
	if host == "" {
		if last == '4' {
			return netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(p)), nil
		}
		return netip.AddrPortFrom(netip.IPv6Unspecified(), uint16(p)), nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return netip.AddrPortFrom(a.Unmap(), uint16(p)), nil
	}
	family := "ip"
	switch last {
	case '4':
		family = "ip4"
	case '6':
		family = "ip6"
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, family, host)
	if err != nil {
		return netip.AddrPort{}, err
	}
	for _, a := range addrs { // IPv4 first, as Go's dialer prefers it on loopback names
		if a.Unmap().Is4() {
			return netip.AddrPortFrom(a.Unmap(), uint16(p)), nil
		}
	}
	return netip.AddrPortFrom(addrs[0], uint16(p)), nil
}

// errUnknownNetwork is the error of an unsupported network name.
func errUnknownNetwork(network string) error { return net.UnknownNetworkError(network) }

// isCanceled reports libuv's ECANCELED.
func isCanceled(err error) bool { return errors.Is(err, uv.ECANCELED) }
