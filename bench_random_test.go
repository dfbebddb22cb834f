package uv

import "testing"

// BenchmarkRandom: Random of 256 bytes, one op per call; C twin testdata/cbench/random.c.
//
//   - sync: without a callback, uv_random fills the buffer on the calling thread (getrandom(2)):
//     the figure is the cost of the cgo call beside the system call.
//   - async: with a callback, one request at a time on libuv's threadpool, the next one started
//     from the callback: the round trip loop -> threadpool -> loop, and the request's
//     allocation, pin and token.
func BenchmarkRandom(b *testing.B) {
	b.Run("sync", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 256)
		for i := 0; i < b.N; i++ {
			if _, err := Random(nil, buf, 0, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("async", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		buf := make([]byte, 256)
		left := b.N
		var cb func(error)
		cb = func(err error) {
			if err != nil {
				b.Fatal(err)
			}
			if left--; left > 0 {
				if _, err := Random(l, buf, 0, cb); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ResetTimer()
		if _, err := Random(l, buf, 0, cb); err != nil {
			b.Fatal(err)
		}
		run(b, l, RunDefault)
		b.StopTimer()
		if left != 0 {
			b.Fatalf("%d requests left", left)
		}
	})
}
