package uv

import "testing"

// libuv: req_type_name
func TestReqTypeName(t *testing.T) {
	newTestLoop(t) // the leak check
	for typ, want := range map[ReqType]string{
		ReqReq:         "req",
		ReqConnect:     "connect",
		ReqWrite:       "write",
		ReqShutdown:    "shutdown",
		ReqUDPSend:     "udp_send",
		ReqFS:          "fs",
		ReqWork:        "work",
		ReqGetaddrinfo: "getaddrinfo",
		ReqGetnameinfo: "getnameinfo",
		ReqRandom:      "random",
	} {
		if got := typ.String(); got != want {
			t.Errorf("ReqType(%d).String() = %q, want %q", int(typ), got, want)
		}
	}
	// UV_REQ_TYPE_MAX follows UV_RANDOM on Unix (no private request types): libuv names
	// neither it nor what lies beyond, nor UV_UNKNOWN_REQ.
	reqTypeMax := ReqRandom + 1
	for _, typ := range []ReqType{reqTypeMax, reqTypeMax + 1, ReqUnknown, -1} {
		if got := typ.String(); got != "" {
			t.Errorf("ReqType(%d).String() = %q, want \"\"", int(typ), got)
		}
	}
}
