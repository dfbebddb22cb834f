package uv_test

import (
	"fmt"
	"log"
	"net/netip"

	"github.com/go-libuv/uv"
)

// A UDP server on the loopback address echoes what it receives; a client sends one datagram
// and prints the echo. The received data is only valid during the receive callback: the
// server's echo is a copy, since Send reads its buffer until the send callback.
func ExampleUDP() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	server, err := uv.NewUDP(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := server.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0); err != nil {
		log.Fatal(err)
	}
	addr, err := server.SockName()
	if err != nil {
		log.Fatal(err)
	}
	err = server.RecvStart(func(data []byte, from netip.AddrPort, flags uv.UDPFlags, err error) {
		if err != nil || data == nil { // an error, or nothing to read
			return
		}
		fmt.Printf("server: %q\n", data)
		if _, err := server.Send(from, [][]byte{append([]byte(nil), data...)}, nil); err != nil {
			log.Fatal(err)
		}
	})
	if err != nil {
		log.Fatal(err)
	}

	client, err := uv.NewUDP(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0); err != nil {
		log.Fatal(err)
	}
	err = client.RecvStart(func(data []byte, from netip.AddrPort, flags uv.UDPFlags, err error) {
		if err != nil || data == nil {
			return
		}
		fmt.Printf("client: %q from the server: %v\n", data, from == addr)
		client.Close(nil)
		server.Close(nil)
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Send(addr, [][]byte{[]byte("hello")}, func(err error) { fmt.Println("sent:", err) })
	if err != nil {
		log.Fatal(err)
	}

	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// sent: <nil>
	// server: "hello"
	// client: "hello" from the server: true
	// Close: <nil>
}

// Connect fixes the peer of a socket: Send and TrySend then take the zero AddrPort, and an
// address is libuv's EISCONN; Disconnect undoes it.
func ExampleUDP_Connect() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	server, err := uv.NewUDP(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := server.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0); err != nil {
		log.Fatal(err)
	}
	addr, _ := server.SockName()
	client, err := uv.NewUDP(loop)
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Bind(netip.MustParseAddrPort("127.0.0.1:0"), 0); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Connect:", client.Connect(addr))
	peer, err := client.PeerName()
	fmt.Println("PeerName is the server:", peer == addr, err)
	n, err := client.TrySend(netip.AddrPort{}, [][]byte{[]byte("ping")})
	fmt.Println("TrySend to the peer:", n, err)
	_, err = client.TrySend(addr, [][]byte{[]byte("ping")})
	fmt.Println("TrySend with an address:", err)
	fmt.Println("Disconnect:", client.Disconnect())
	_, err = client.PeerName()
	fmt.Println("PeerName:", err)

	client.Close(nil)
	server.Close(nil)
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Close:", loop.Close())
	// Output:
	// Connect: <nil>
	// PeerName is the server: true <nil>
	// TrySend to the peer: 4 <nil>
	// TrySend with an address: socket is already connected
	// Disconnect: <nil>
	// PeerName: socket is not connected
	// Close: <nil>
}
