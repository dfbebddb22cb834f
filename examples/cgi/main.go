// Command cgi is a TCP server on 127.0.0.1 whose clients get a child's output, as the libuv
// guide's cgi program: for each connection it spawns the "tick" program with the client's
// socket as the child's stdout (uv.InheritStream), so that the child writes to the client
// directly; when the child exits, the server closes the connection.
//
//	cgi [-addr 127.0.0.1:7000]    serve until interrupted (try: nc 127.0.0.1 7000)
//	cgi -demo                     serve on a free port, run one client, print what it got, exit
//
// The guide's tick program prints "tick" ten times a second apart, then "BOOM!"; here it is this
// program re-executed with -tick, which prints -ticks ticks (default 5) 100 ms apart.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/go-libuv/uv"
)

func main() {
	log.SetFlags(0)
	addr := flag.String("addr", "127.0.0.1:7000", "the server's address (loopback)")
	demo := flag.Bool("demo", false, "serve on a free port, run one client, then exit")
	tick := flag.Bool("tick", false, "be the child: print ticks, then BOOM!")
	ticks := flag.Int("ticks", 5, "how many ticks the child prints")
	flag.Parse()
	if *tick {
		for i := 0; i < *ticks; i++ {
			fmt.Println("tick")
			time.Sleep(100 * time.Millisecond)
		}
		fmt.Println("BOOM!")
		return
	}
	exe, err := os.Executable()
	check(err)

	loop, err := uv.NewLoop()
	check(err)
	server, err := uv.NewTCP(loop)
	check(err)
	listen := netip.MustParseAddrPort(*addr)
	if *demo {
		listen = netip.MustParseAddrPort("127.0.0.1:0")
	}
	check(server.Bind(listen, 0))
	check(server.Listen(128, func(err error) {
		if err != nil {
			log.Print("connection: ", err)
			return
		}
		client, err := uv.NewTCP(loop)
		check(err)
		if err := server.Accept(client); err != nil {
			log.Print("accept: ", err)
			client.Close(nil)
			return
		}
		if *demo {
			server.Close(nil) // one client only
		}
		invoke(loop, exe, *ticks, client)
	}))
	bound, err := server.SockName()
	check(err)
	fmt.Println("cgi server on", bound)
	if *demo {
		runClient(loop, bound)
	}
	_, err = loop.Run(uv.RunDefault)
	check(err)
	check(loop.Close())
}

// invoke spawns the tick program with client as its stdout and closes client once it exits.
func invoke(loop *uv.Loop, exe string, ticks int, client *uv.TCP) {
	opts := &uv.ProcessOptions{
		File:  exe,
		Args:  []string{exe, "-tick", "-ticks", strconv.Itoa(ticks)},
		Stdio: []uv.StdioContainer{uv.Ignore(), uv.InheritStream(client), uv.InheritFD(2)},
	}
	child, err := uv.Spawn(loop, opts, func(p *uv.Process, exitStatus int64, termSignal syscall.Signal) {
		if exitStatus != 0 || termSignal != 0 {
			log.Printf("tick exited with status %d, signal %d", exitStatus, termSignal)
		}
		p.Close(nil)
		client.Close(nil)
	})
	if err != nil {
		log.Print("spawn: ", err)
		if child != nil {
			child.Close(nil)
		}
		client.Close(nil)
	}
}

// runClient connects to the server, prints what it reads until EOF, then closes.
func runClient(loop *uv.Loop, addr netip.AddrPort) {
	c, err := uv.NewTCP(loop)
	check(err)
	_, err = c.Connect(addr, func(err error) {
		check(err)
		check(c.ReadStart(func(data []byte, err error) {
			if err != nil {
				fmt.Println("client: connection closed:", err)
				c.Close(nil)
				return
			}
			fmt.Printf("client: %s", data)
		}))
	})
	check(err)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
