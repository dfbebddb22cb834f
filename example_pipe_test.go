package uv_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"

	"github.com/go-libuv/uv"
)

// A server bound to a Unix socket path and a client on one loop: the client connects, says
// hello and closes; the server prints what it reads until EOF.
func ExamplePipe() {
	dir, err := os.MkdirTemp("", "uv-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "echo.sock")

	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	server, _ := uv.NewPipe(loop, false)
	if err := server.Bind(name); err != nil {
		log.Fatal(err)
	}
	err = server.Listen(128, func(err error) {
		conn, _ := uv.NewPipe(loop, false)
		if err := server.Accept(conn); err != nil {
			log.Fatal(err)
		}
		server.Close(nil)
		conn.ReadStart(func(data []byte, err error) {
			if err != nil {
				fmt.Println("server: then", err)
				conn.Close(nil)
				return
			}
			fmt.Printf("server: read %q\n", data)
		})
	})
	if err != nil {
		log.Fatal(err)
	}

	client, _ := uv.NewPipe(loop, false)
	// Connect's errors, libuv's included, reach the callback.
	_, err = client.Connect(name, func(err error) {
		if err != nil {
			log.Fatal(err)
		}
		peer, _ := client.PeerName()
		fmt.Println("client: connected to", filepath.Base(peer))
		client.Write([][]byte{[]byte("hello")}, func(error) { client.Close(nil) })
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	loop.Close()
	// Output:
	// client: connected to echo.sock
	// server: read "hello"
	// server: then end of file
}

// Sending a handle over an IPC channel: one end of a socketpair writes a pipe handle with
// Write2, the other end accepts it from PendingType and reads through it.
func ExamplePipe_Write2() {
	loop, err := uv.NewLoop()
	if err != nil {
		log.Fatal(err)
	}
	channel, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		log.Fatal(err)
	}
	a, _ := uv.NewPipe(loop, true)
	b, _ := uv.NewPipe(loop, true)
	a.Open(channel[0])
	b.Open(channel[1])

	// The handle to send: one end of an anonymous pipe, whose other end we write to.
	fds, _ := uv.Pipe2(uv.NonblockPipe, 0)
	send, _ := uv.NewPipe(loop, false)
	send.Open(fds[0])
	syscall.Write(fds[1], []byte("through the sent pipe"))
	syscall.Close(fds[1])

	a.Write2([][]byte{[]byte("!")}, send, func(error) { send.Close(nil) })
	b.ReadStart(func([]byte, error) {
		if b.PendingCount() == 0 {
			return
		}
		fmt.Println("pending:", b.PendingType())
		h, err := b.AcceptPending()
		if err != nil {
			log.Fatal(err)
		}
		a.Close(nil)
		b.Close(nil)
		got := h.(*uv.Pipe)
		got.ReadStart(func(data []byte, err error) {
			if err != nil {
				got.Close(nil)
				return
			}
			fmt.Printf("read %q\n", data)
		})
	})
	if _, err := loop.Run(uv.RunDefault); err != nil {
		log.Fatal(err)
	}
	loop.Close()
	// Output:
	// pending: pipe
	// read "through the sent pipe"
}

// A TTY on the slave of a pseudo-terminal: SetMode and WinSize, reset before closing.
func ExampleTTY() {
	master, err := syscall.Open("/dev/ptmx", syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer syscall.Close(master)
	var unlock, n int32
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(master), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock)))
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(master), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n)))
	slave, err := syscall.Open(fmt.Sprintf("/dev/pts/%d", n), syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer syscall.Close(slave)

	loop, _ := uv.NewLoop()
	tty, err := uv.NewTTY(loop, slave, true)
	if err != nil {
		log.Fatal(err)
	}
	err = tty.SetMode(uv.TTYModeRaw)
	fmt.Println("mode set:", err == nil)
	if _, _, err := tty.WinSize(); err != nil {
		log.Fatal(err)
	}
	uv.TTYResetMode() // before Close: libuv resets the terminal it remembers
	tty.Close(nil)
	loop.Run(uv.RunDefault)
	loop.Close()
	// Output:
	// mode set: true
}
