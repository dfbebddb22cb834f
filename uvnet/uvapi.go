package uvnet

import (
	"net/netip"

	"github.com/go-libuv/uv"
)

// The calls of the uv methods whose signatures changed with issue 9's API, in one place. vec is
// the caller's one-element slice, reused so that no call allocates it.

func tryWrite(s uv.Stream, vec [][]byte) (int, error) { return s.TryWrite(vec) }

func write(s uv.Stream, vec [][]byte, cb func(error)) error {
	_, err := s.Write(vec, cb)
	return err
}

func trySend(u *uv.UDP, to netip.AddrPort, vec [][]byte) (int, error) { return u.TrySend(to, vec) }

func send(u *uv.UDP, to netip.AddrPort, vec [][]byte, cb func(error)) error {
	_, err := u.Send(to, vec, cb)
	return err
}
