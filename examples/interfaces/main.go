// Command interfaces lists the machine's network interfaces, as the libuv guide's interfaces
// program: one entry per address of each interface that is up, with its name, whether it is
// internal (loopback) and the address, IPv4 or IPv6.
package main

import (
	"fmt"
	"log"
	"net/netip"

	"github.com/go-libuv/uv"
)

func main() {
	info, err := uv.InterfaceAddresses()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Number of interfaces: %d\n", len(info))
	for _, iface := range info {
		fmt.Printf("Name: %s\n", iface.Name)
		internal := "No"
		if iface.Internal {
			internal = "Yes"
		}
		fmt.Printf("Internal? %s\n", internal)
		addr := netip.AddrPortFrom(iface.Address, 0)
		if iface.Address.Is4() {
			name, err := uv.IP4Name(addr)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("IPv4 address: %s\n", name)
		} else if iface.Address.Is6() {
			name, err := uv.IP6Name(addr)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("IPv6 address: %s\n", name)
		}
		fmt.Println()
	}
}
