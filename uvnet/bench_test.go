package uvnet

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
)

// The pump moves 64 MiB per operation by default; -uvnet.pump=1073741824 (or UVNET_PUMP=...)
// moves the 1 GiB of issue 12.
var pumpBytes = flag.Int64("uvnet.pump", envInt("UVNET_PUMP", 64<<20), "bytes per pump operation")

func envInt(name string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil {
		return v
	}
	return def
}

// impl is one side of the comparison: Go's net or uvnet.
type impl struct {
	name   string
	listen func(network, address string) (net.Listener, error)
	dial   func(network, address string) (net.Conn, error)
}

var impls = []impl{
	{"net", net.Listen, net.Dial},
	{"uvnet", Listen, Dial},
}

// benchEchoServer starts an echo server and returns its address and its stop.
func benchEchoServer(b testing.TB, im impl) (string, func()) {
	ln, err := im.listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	wait := echoServer(b, ln)
	return ln.Addr().String(), func() { ln.Close(); wait() }
}

// echoRounds sends n messages of 64 bytes on c, each read back before the next is sent.
func echoRounds(b testing.TB, c net.Conn, n int) {
	msg := make([]byte, 64)
	buf := make([]byte, 64)
	for i := 0; i < n; i++ {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
}

func benchEcho(b *testing.B, im impl, conns int) {
	addr, stop := benchEchoServer(b, im)
	defer stop()
	cs := make([]net.Conn, conns)
	for i := range cs {
		c, err := im.dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		cs[i] = c
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	for i, c := range cs {
		n := b.N / conns
		if i < b.N%conns {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			echoRounds(b, c, n)
		}()
	}
	wg.Wait()
	b.StopTimer()
}

func benchPump(b *testing.B, im impl) {
	ln, err := im.listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	done := make(chan int64)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- -1
			return
		}
		n, _ := io.CopyBuffer(io.Discard, c, make([]byte, 64<<10))
		c.Close()
		done <- n
	}()
	c, err := im.dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(*pumpBytes)
	buf := make([]byte, 64<<10)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for left := *pumpBytes; left > 0; left -= int64(len(buf)) {
			if _, err := c.Write(buf[:min(left, int64(len(buf)))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	c.(interface{ CloseWrite() error }).CloseWrite()
	if n := <-done; n != int64(b.N)**pumpBytes {
		b.Fatalf("pumped %d bytes, want %d", n, int64(b.N)**pumpBytes)
	}
	b.StopTimer()
	c.Close()
}

func benchHTTP(b *testing.B, im impl) {
	ln, err := im.listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "Hello, world!\n")
	})}
	served := make(chan struct{})
	go func() { srv.Serve(ln); close(served) }()
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DialContext: dialContextOf(im)}
	client := &http.Client{Transport: tr}
	url := "http://" + ln.Addr().String() + "/"
	b.ResetTimer()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.StopTimer()
	tr.CloseIdleConnections()
	srv.Close()
	<-served
}

func BenchmarkEcho(b *testing.B) {
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) { benchEcho(b, im, 1) })
	}
}

func BenchmarkEcho16(b *testing.B) {
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) { benchEcho(b, im, 16) })
	}
}

func BenchmarkPump(b *testing.B) {
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) { benchPump(b, im) })
	}
}

func BenchmarkHTTP(b *testing.B) {
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) { benchHTTP(b, im) })
	}
}

// TestRatios runs each benchmark for net and uvnet in turn, rounds times (UVNET_RATIOS=rounds),
// and prints uvnet's throughput as a ratio of net's: the median and the spread (min, max) over
// the rounds. It measures; it asserts nothing.
func TestRatios(t *testing.T) {
	rounds := int(envInt("UVNET_RATIOS", 0))
	if rounds == 0 {
		t.Skip("set UVNET_RATIOS=<rounds> to print uvnet's throughput beside net's")
	}
	benches := []struct {
		name string
		fn   func(*testing.B, impl)
	}{
		{"echo, 1 conn", func(b *testing.B, im impl) { benchEcho(b, im, 1) }},
		{"echo, 16 conns", func(b *testing.B, im impl) { benchEcho(b, im, 16) }},
		{fmt.Sprintf("pump %d MiB", *pumpBytes>>20), benchPump},
		{"net/http hello", benchHTTP},
	}
	for _, bn := range benches {
		var ratios []float64
		var nsNet, nsUV []int64
		for r := 0; r < rounds; r++ {
			res := [2]testing.BenchmarkResult{}
			for i, im := range impls {
				res[i] = testing.Benchmark(func(b *testing.B) { bn.fn(b, im) })
			}
			nsNet, nsUV = append(nsNet, res[0].NsPerOp()), append(nsUV, res[1].NsPerOp())
			ratios = append(ratios, float64(res[0].NsPerOp())/float64(res[1].NsPerOp()))
		}
		sort.Float64s(ratios)
		fmt.Printf("%-16s net %10d ns/op  uvnet %10d ns/op  ratio %.2f (min %.2f, max %.2f, %d rounds)\n",
			bn.name, median(nsNet), median(nsUV), ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1], rounds)
	}
}

func median(v []int64) int64 {
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
