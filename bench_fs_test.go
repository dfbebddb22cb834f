package uv

import (
	"os"
	"testing"
)

// BenchmarkFSStat: uv_fs_stat of one file. sync: the synchronous mode, one stat per op on the
// calling goroutine. async32: 32 asynchronous stats in flight on libuv's threadpool, each
// callback submitting the next until b.N; one op is one stat. C twin:
// testdata/cbench/fs_stat.c (the same two shapes).
func BenchmarkFSStat(b *testing.B) {
	b.Run("sync", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		path := fsBenchFile(b)
		b.ResetTimer()
		Hrtime() // the marks of testdata/cbench/callgrind.sh, where the C twin reads its clock
		for i := 0; i < b.N; i++ {
			if _, err := FSStatSync(l, path); err != nil { // the twin's stack request, no FSReq
				b.Fatal(err)
			}
		}
		Hrtime()
	})
	b.Run("async32", func(b *testing.B) {
		b.ReportAllocs()
		l := newTestLoop(b)
		path := fsBenchFile(b)
		started, done := 0, 0
		var cb func(*FSReq)
		cb = func(r *FSReq) {
			done++
			if r.Err() != nil {
				b.Error(r.Err())
				return
			}
			if started < b.N {
				started++
				if _, err := FSStat(l, path, cb); err != nil {
					b.Error(err)
				}
			}
		}
		b.ResetTimer()
		for ; started < min(32, b.N); started++ {
			if _, err := FSStat(l, path, cb); err != nil {
				b.Fatal(err)
			}
		}
		run(b, l, RunDefault)
		b.StopTimer()
		if done != b.N {
			b.Fatalf("%d stats, want %d", done, b.N)
		}
	})
}

// fsBenchFile creates the file to stat where the C twin creates its own: directly in $TMPDIR
// (default /tmp), so that the kernel resolves paths of the same depth (b.TempDir's path is
// three directories deeper, which costs the stat itself more). Removed at cleanup.
func fsBenchFile(b *testing.B) string {
	f, err := os.CreateTemp("", "uv-fs-stat-")
	must(b, err)
	path := f.Name()
	b.Cleanup(func() { os.Remove(path) })
	_, err = f.Write(fsTestBuf)
	must(b, err)
	must(b, f.Close())
	return path
}
