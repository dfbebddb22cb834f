// Command udp-dhcp asks for an IP address the way a DHCP client starts (the libuv guide's
// udp-dhcp): it receives on the client's port 68, broadcasts a DHCPDISCOVER from a second
// socket to port 67 of 255.255.255.255, and prints the address offered in the first answer.
//
//	udp-dhcp [-timeout 5s]   the guide's broadcast on the local network (binding port 68 needs
//	                         root, and an answer a DHCP server); exit 1 without an offer
//	udp-dhcp -demo           the same exchange on loopback, with a responder of its own; exit 0
//
// -demo is the adaptation to loopback: a responder socket on 127.0.0.1 stands for the server
// (port 67), the client's receiving socket on 127.0.0.1 for port 68, and the responder sends its
// DHCPOFFER there instead of broadcasting it. The ports are free ones, so nothing needs root.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"time"

	"github.com/go-libuv/uv"
)

// Fields and options of a DHCP message (RFC 2131, RFC 2132).
const (
	opRequest, opReply = 1, 2
	cookieAt           = 236 // the magic cookie, then the options
	optMessageType     = 53
	optServerID        = 54
	optLeaseTime       = 51
	optParams          = 55
	optEnd             = 255
	msgDiscover        = 1
	msgOffer           = 2
)

var magicCookie = []byte{99, 130, 83, 99}

func main() {
	log.SetFlags(0)
	demo := flag.Bool("demo", false, "run the exchange on loopback with a local responder, then exit")
	timeout := flag.Duration("timeout", 5*time.Second, "how long to wait for an offer")
	flag.Parse()

	loop, err := uv.NewLoop()
	check(err)
	bind := netip.MustParseAddrPort("0.0.0.0:68")
	from := netip.MustParseAddrPort("0.0.0.0:0")
	to := netip.MustParseAddrPort("255.255.255.255:67")
	if *demo {
		bind = netip.MustParseAddrPort("127.0.0.1:0")
		from = bind
	}

	recv, err := uv.NewUDP(loop)
	check(err)
	if err := recv.Bind(bind, uv.UDPReuseAddr); err != nil {
		log.Fatalf("bind %v: %v", bind, err)
	}
	if *demo {
		bind, err = recv.SockName()
		check(err)
		to = respond(loop, bind)
	}

	xid := make([]byte, 4)
	_, err = uv.Random(nil, xid, 0, nil)
	check(err)
	offered := false
	timer, err := uv.NewTimer(loop)
	check(err)
	done := func() {
		check(loop.Walk(func(h uv.Handle) {
			if !h.IsClosing() {
				h.Close(nil)
			}
		}))
	}
	check(timer.Start(*timeout, 0, func() {
		fmt.Printf("no offer within %v\n", *timeout)
		done()
	}))
	check(recv.RecvStart(func(data []byte, addr netip.AddrPort, flags uv.UDPFlags, err error) {
		switch {
		case err != nil:
			log.Printf("read: %v", err)
			done()
			return
		case !addr.IsValid():
			return // nothing more to read for now
		}
		fmt.Println("Recv from", addr.Addr())
		offer, ok := parse(data, opReply, msgOffer)
		switch {
		case !ok:
			fmt.Println("not a DHCPOFFER, still waiting")
			return
		case !bytes.Equal(data[4:8], xid):
			fmt.Println("an offer for another transaction, still waiting")
			return
		}
		fmt.Println("Offered IP", offer.yiaddr)
		fmt.Println("by server", offer.serverID, "for", offer.lease)
		offered = true
		check(recv.RecvStop())
		done()
	}))

	send, err := uv.NewUDP(loop)
	check(err)
	check(send.Bind(from, 0))
	check(send.SetBroadcast(true))
	_, err = send.Send(to, [][]byte{discover(xid)}, func(err error) {
		if err != nil {
			log.Printf("send: %v", err)
			done()
		}
	})
	check(err)
	if *demo {
		fmt.Println("client: DHCPDISCOVER sent to the responder")
	} else {
		fmt.Println("client: DHCPDISCOVER sent to", to)
	}

	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
	if !offered {
		os.Exit(1)
	}
}

// discover builds the guide's DHCPDISCOVER with the transaction id xid.
func discover(xid []byte) []byte {
	m := make([]byte, 256)
	m[0], m[1], m[2] = opRequest, 1, 6 // BOOTREQUEST, Ethernet, a 6-byte hardware address
	copy(m[4:8], xid)
	m[10] = 0x80                                             // the broadcast flag
	copy(m[28:], []byte{0xe4, 0xce, 0x8f, 0x13, 0xf6, 0xd4}) // chaddr: a MAC address
	copy(m[cookieAt:], magicCookie)
	copy(m[cookieAt+4:], []byte{
		optMessageType, 1, msgDiscover,
		optParams, 4, 1, 3, 15, 6, // subnet mask, router, domain name, DNS servers
		optEnd,
	})
	return m
}

// message is what the client and the responder read of a DHCP message.
type message struct {
	yiaddr, serverID netip.Addr
	lease            time.Duration
}

// parse reads a DHCP message of operation op whose message type is msgType.
func parse(m []byte, op, msgType byte) (message, bool) {
	var msg message
	if len(m) < cookieAt+4 || m[0] != op || !bytes.Equal(m[cookieAt:cookieAt+4], magicCookie) {
		return msg, false
	}
	msg.yiaddr = netip.AddrFrom4([4]byte(m[16:20]))
	typ := byte(0)
	for opts := m[cookieAt+4:]; len(opts) >= 2 && opts[0] != optEnd; opts = opts[2+int(opts[1]):] {
		code, n := opts[0], int(opts[1])
		if len(opts) < 2+n {
			return msg, false
		}
		v := opts[2 : 2+n]
		switch {
		case code == optMessageType && n == 1:
			typ = v[0]
		case code == optServerID && n == 4:
			msg.serverID = netip.AddrFrom4([4]byte(v))
		case code == optLeaseTime && n == 4:
			msg.lease = time.Duration(binary.BigEndian.Uint32(v)) * time.Second
		}
	}
	return msg, typ == msgType
}

// respond starts the demo's responder on 127.0.0.1: it answers each DHCPDISCOVER with a
// DHCPOFFER of 192.168.1.100, sent to client (where a server broadcasts to port 68). It returns
// the responder's address; it closes with the loop's other handles.
func respond(loop *uv.Loop, client netip.AddrPort) netip.AddrPort {
	server, err := uv.NewUDP(loop)
	check(err)
	check(server.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0))
	addr, err := server.SockName()
	check(err)
	check(server.RecvStart(func(data []byte, from netip.AddrPort, flags uv.UDPFlags, err error) {
		if err != nil || !from.IsValid() {
			return
		}
		if _, ok := parse(data, opRequest, msgDiscover); !ok {
			return
		}
		fmt.Println("responder: DHCPDISCOVER received, offering 192.168.1.100")
		offer := make([]byte, 300)
		offer[0], offer[1], offer[2] = opReply, data[1], data[2]
		copy(offer[4:8], data[4:8])     // xid
		copy(offer[10:12], data[10:12]) // flags
		copy(offer[16:20], []byte{192, 168, 1, 100})
		copy(offer[20:24], addr.Addr().AsSlice()) // siaddr
		copy(offer[28:44], data[28:44])           // chaddr
		copy(offer[cookieAt:], magicCookie)
		copy(offer[cookieAt+4:], []byte{
			optMessageType, 1, msgOffer,
			optServerID, 4, 127, 0, 0, 1,
			optLeaseTime, 4, 0, 0, 0x0e, 0x10, // 3600 seconds
			1, 4, 255, 255, 255, 0, // subnet mask
			optEnd,
		})
		if _, err := server.Send(client, [][]byte{offer}, nil); err != nil {
			log.Printf("responder: send: %v", err)
		}
	}))
	return addr
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
