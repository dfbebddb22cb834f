package uvnet

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// dialContextOf is the dialer of http.Transport for im.
func dialContextOf(im impl) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if im.name == "uvnet" {
		return DialContext
	}
	return (&net.Dialer{}).DialContext
}

// httpRound serves a handler on ln (the server side under test) and sends requests with a
// client dialling with dial; it checks every answer.
func httpRound(t *testing.T, ln net.Listener, dial func(ctx context.Context, network, addr string) (net.Conn, error)) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %d", r.Method, r.URL.Path, len(body))
	})}
	served := make(chan error)
	go func() { served <- srv.Serve(ln) }()
	tr := &http.Transport{DialContext: dial}
	client := &http.Client{Transport: tr}
	url := "http://" + ln.Addr().String()
	for i := 0; i < 50; i++ {
		body := strings.Repeat("x", i*1000)
		resp, err := client.Post(fmt.Sprintf("%s/p%d", url, i), "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf("POST /p%d %d", i, len(body)); err != nil || string(got) != want {
			t.Errorf("answer %d: %q, %v; want %q", i, got, err, want)
		}
	}
	tr.CloseIdleConnections()
	srv.Close()
	if err := <-served; err != http.ErrServerClosed {
		t.Errorf("Serve: %v", err)
	}
}

// A net/http server on a uvnet listener answers the stdlib client.
func TestHTTPServerOnUvnet(t *testing.T) {
	checkLeaks(t)
	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpRound(t, ln, (&net.Dialer{}).DialContext)
}

// The stdlib server answers a client dialled with uvnet.
func TestHTTPClientOnUvnet(t *testing.T) {
	checkLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpRound(t, ln, DialContext)
}
