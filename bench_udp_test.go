package uv

import (
	"bytes"
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// udpPummelMsg is the datagram of libuv's udp_pummel benchmark, sent as 5 buffers of 10, 10,
// 10, 10 and 5 bytes.
var udpPummelMsg = []byte("RANG TANG DING DONG I AM THE JAPANESE SANDMAN")

func udpPummelBufs() [][]byte {
	m := udpPummelMsg
	return [][]byte{m[0:10], m[10:20], m[20:30], m[30:40], m[40:45]}
}

// BenchmarkUDPPummel1v1: the idea of libuv's udp_pummel_1v1 benchmark (counted mode) on the
// loopback: one sender sends b.N datagrams of 45 bytes (5 buffers) to one receiver, each Send
// issued from the previous one's callback; the run ends when the receiver has them all. One op
// is one datagram sent and received; datagrams/s counts the received ones. C twin:
// testdata/cbench/udp_pummel.c.
//
// allocs/op counts Send and receive together; two untimed phases after the run measure them
// apart: recv-allocs/dgram, the receive trampoline's steady state (datagrams queued with
// TrySend beforehand, then received; target 0), and send-allocs/dgram, the allocations of one
// Send in the same steady state (the request: its uv_buf_t array is on the stack).
func BenchmarkUDPPummel1v1(b *testing.B) {
	b.ReportAllocs()
	l := newTestLoop(b)
	recver, addr := udpBind(b, l, udpLo4, 0)
	sender, _ := udpBind(b, l, udpLo4, 0)
	// The twin returns at once from libuv's "nothing to read" calls; the Go user's way to do
	// the same is not to receive them.
	must(b, recver.SetRecvSkipEmpty(true))
	guard, err := NewTimer(l)
	must(b, err)
	bufs := udpPummelBufs()
	n, sent, received, bad := b.N, 0, 0, 0

	var onSend func(error)
	onSend = func(err error) {
		if err != nil {
			b.Errorf("send: %v", err)
		}
		if sent == n {
			hndCheck(b, sender.Close(nil))
			// Only when datagrams were lost: the receiver would wait for them forever.
			if !guard.IsClosing() {
				hndCheck(b, guard.Start(time.Second, 0, func() { udpClose(b, recver, guard) }))
			}
			return
		}
		sent++
		if _, err := sender.Send(addr, bufs, onSend); err != nil {
			b.Errorf("Send: %v", err)
		}
	}
	must(b, recver.RecvStart(func(data []byte, _ netip.AddrPort, _ UDPFlags, err error) {
		if data == nil { // nothing to read, or an error
			if err != nil {
				b.Errorf("receive: %v", err)
			}
			return
		}
		if !bytes.Equal(data, udpPummelMsg) {
			bad++
		}
		if received++; received == n {
			udpClose(b, recver, guard)
		}
	}))

	b.ResetTimer()
	t0 := Hrtime() // the C twin's clock and marks (testdata/cbench/callgrind.sh counts between them)
	sent = 1
	if _, err := sender.Send(addr, bufs, onSend); err != nil {
		b.Fatal(err)
	}
	if _, err := l.Run(RunDefault); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Duration(Hrtime() - t0)
	b.StopTimer()
	if received != n || bad != 0 {
		b.Errorf("%d datagrams sent, %d received, %d corrupt", sent, received, bad)
	}
	b.ReportMetric(float64(received)/elapsed.Seconds(), "datagrams/s")

	recvAllocs, sendAllocs := udpPummelAllocs(b, l)
	b.ReportMetric(recvAllocs, "recv-allocs/dgram")
	b.ReportMetric(sendAllocs, "send-allocs/dgram")
}

// udpPummelAllocs measures, on a new sender and receiver of l, the allocations per datagram
// of the receive path (the run that receives datagrams queued beforehand with TrySend) and of
// Send (the calls alone, each completed before the next), over rounds of batch datagrams, few
// enough for the receive buffer.
func udpPummelAllocs(b *testing.B, l *Loop) (recv, send float64) {
	const rounds, batch = 10, 100
	recver, addr := udpBind(b, l, udpLo4, 0)
	sender, _ := udpBind(b, l, udpLo4, 0)
	guard, err := NewTimer(l)
	must(b, err)
	must(b, guard.Start(time.Minute, time.Minute, func() { // a hang guard (valgrind is slow)
		b.Errorf("allocation phase: datagrams lost")
		hndCheck(b, l.Stop())
	}))
	must(b, guard.Unref())
	bufs := udpPummelBufs()
	got := 0
	onRecv := func(data []byte, _ netip.AddrPort, _ UDPFlags, err error) {
		if data == nil {
			return
		}
		if got++; got%batch == 0 {
			hndCheck(b, recver.RecvStop())
		}
	}
	onSend := func(err error) {
		if err != nil {
			b.Errorf("send: %v", err)
		}
	}
	var ms runtime.MemStats
	mallocs := func() uint64 {
		runtime.ReadMemStats(&ms)
		return ms.Mallocs
	}
	var recvMallocs, sendMallocs uint64
	for i := 0; i < rounds; i++ {
		for j := 0; j < batch; j++ {
			if _, err := sender.TrySend(addr, bufs); err != nil {
				b.Fatalf("TrySend: %v", err)
			}
		}
		must(b, recver.RecvStart(onRecv))
		m0 := mallocs()
		run(b, l, RunDefault)
		recvMallocs += mallocs() - m0

		// One Send at a time, each completed before the next, as in the timed run (the
		// pinner of a completed send is reused by the next one).
		must(b, recver.RecvStart(onRecv))
		for j := 0; j < batch; j++ {
			m0 = mallocs()
			if _, err := sender.Send(addr, bufs, onSend); err != nil {
				b.Fatalf("Send: %v", err)
			}
			sendMallocs += mallocs() - m0
			run(b, l, RunNoWait)
		}
		run(b, l, RunDefault)
	}
	if got != 2*rounds*batch {
		b.Errorf("allocation phase: %d datagrams received, want %d", got, 2*rounds*batch)
	}
	loopCloseAll(b, l, recver, sender, guard)
	return float64(recvMallocs) / (rounds * batch), float64(sendMallocs) / (rounds * batch)
}
