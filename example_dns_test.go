package uv_test

import (
	"fmt"
	"log"
	"net/netip"

	"github.com/go-libuv/uv"
)

// An asynchronous lookup: the callback runs on the loop once the threadpool has resolved the
// name. Numeric hosts and services make the answer exact on every machine.
func ExampleGetaddrinfo() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	defer loop.Close()
	hints := &uv.AddrinfoHints{Family: uv.AF_INET, SockType: uv.SOCK_STREAM, Flags: uv.AI_NUMERICHOST | uv.AI_NUMERICSERV}
	_, _, err = uv.Getaddrinfo(loop, "127.0.0.1", "8080", hints, func(res []uv.Addrinfo, err error) {
		if err != nil {
			log.Fatal(err)
		}
		for _, ai := range res {
			fmt.Println(ai.Addr, ai.SockType == uv.SOCK_STREAM)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 127.0.0.1:8080 true
}

// Without a callback, Getaddrinfo is libuv's synchronous mode: it returns the results. A name
// that cannot resolve gives one of libuv's EAI_* codes.
func ExampleGetaddrinfo_sync() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	defer loop.Close()
	_, res, err := uv.Getaddrinfo(loop, "::1", "", &uv.AddrinfoHints{SockType: uv.SOCK_DGRAM, Flags: uv.AI_NUMERICHOST}, nil)
	fmt.Println(res[0].Addr, err)
	_, _, err = uv.Getaddrinfo(loop, "localhost", "", &uv.AddrinfoHints{Flags: uv.AI_NUMERICHOST}, nil)
	fmt.Println(err.(uv.Errno).Name())
	// Output:
	// [::1]:0 <nil>
	// EAI_NONAME
}

// Getnameinfo turns a socket address back into host and service names; NI_NUMERICHOST and
// NI_NUMERICSERV ask for the numeric forms.
func ExampleGetnameinfo() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	defer loop.Close()
	addr := netip.MustParseAddrPort("[::1]:443")
	_, _, _, err = uv.Getnameinfo(loop, addr, uv.NI_NUMERICHOST|uv.NI_NUMERICSERV, func(host, service string, err error) {
		fmt.Println(host, service, err)
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ::1 443 <nil>
}

// The address functions parse and print with libuv and hand netip values to Go.
func ExampleIP4Addr() {
	ap, err := uv.IP4Addr("127.0.0.1", 7000)
	fmt.Println(ap, err)
	name, err := uv.IPName(ap)
	fmt.Println(name, err)
	_, err = uv.IP4Addr("127.0.0.256", 7000)
	fmt.Println(err.(uv.Errno).Name())
	// Output:
	// 127.0.0.1:7000 <nil>
	// 127.0.0.1 <nil>
	// EINVAL
}

// InetPton reads the text form of an address of the given family; InetNtop writes it back.
func ExampleInetPton() {
	a, err := uv.InetPton(uv.AF_INET6, "fe80:0:0:0:2acf:daff:1.2.3.4")
	fmt.Println(a, err)
	s, err := uv.InetNtop(a)
	fmt.Println(s, err)
	// Output:
	// fe80::2acf:daff:102:304 <nil>
	// fe80::2acf:daff:102:304 <nil>
}
