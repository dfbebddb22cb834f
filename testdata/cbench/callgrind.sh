#!/usr/bin/env bash
# The recipe of `make bench-callgrind`: instructions per operation, counted by valgrind's
# callgrind, for the Go benchmarks and their C twins (testdata/cbench/*.c) on fixed small
# workloads. Wall-clock ratios on a shared VM swing by ±15 %; instruction counts do not.
#
# How an operation is counted: both sides read uv_hrtime at the same points (the C twins to time
# their phases, the Go benchmarks through uv.Hrtime at the same points), and callgrind dumps
# its counters each time uv_hrtime is entered (--dump-before=uv_hrtime). The dump at a mark
# holds every instruction of every thread since the previous mark (the loop's, the peer's, the
# Go runtime's: GC, scheduler). Each workload runs with two sizes N1 < N2, and the figure is
# (count(N2) - count(N1)) / (N2 - N1), so what a phase costs once (a run's setup, the marks, a
# loop iteration with nothing to do) cancels. The last run of a benchmark is used (testing.B
# first runs b.N = 1; the C twins with 1 repetition, million_timers after its warm-up).
#
# Each Go benchmark is counted twice: with GOGC=off (the binding's and the runtime's own work:
# within 1 % from run to run for the synchronous operations, a few % for the network ones,
# where the scheduler's work depends on timing) and with the collector on (plus the collection
# of what the operation allocates, amortized: ±10 % from run to run, as GC cycles fall).
#
# Go under valgrind: valgrind 3.19 does not decode RDTSCP, which the runtime's cputicks uses
# when CPUID says it can (valgrind's synthetic CPU does): GODEBUG=cpu.rdtscp=off. Asynchronous
# preemption's signals are turned off (asyncpreemptoff=1) so that nothing depends on when
# valgrind delivers them. GOMAXPROCS is 2 (CG_GOMAXPROCS): the network benchmarks have two loop
# threads, each in a cgo call; with one P a callback waits for the runtime's monitor to retake
# it, and what that costs depends on valgrind's slow-down.
#
# Environment: GO, CC (as run.sh), CG_GOMAXPROCS (default 2), CG_ONLY (a regular expression:
# the operations to count, default all), CG_NOBUILD=1 (reuse bin/uv.test and the C programs).
set -euo pipefail
cd "$(dirname "$0")/../.."

GO=${GO:-go}
CC=${CC:-cc}
dir=testdata/cbench
bin=$dir/bin
out=$bin/callgrind
mkdir -p "$bin" "$out"

if ! command -v valgrind >/dev/null 2>&1; then
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	command -v apt-get >/dev/null 2>&1 || { echo "callgrind.sh: valgrind is missing (install it)" >&2; exit 1; }
	echo "callgrind.sh: installing valgrind with apt-get" >&2
	$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >/dev/null
fi

if [ -z "${CG_NOBUILD:-}" ]; then
	uvflags=$(pkg-config --cflags --libs libuv)
	for c in "$dir"/*.c; do
		# shellcheck disable=SC2086 # pkg-config's flags are words
		"$CC" -O2 -Wall -Wextra -pthread -o "$bin/$(basename "$c" .c)" "$c" $uvflags
	done
	"$GO" test -c -o "$bin/uv.test" .
fi

header="$(valgrind --version), $("$GO" version | cut -d' ' -f3), libuv $(pkg-config --modversion libuv)"
export GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off GOMAXPROCS=${CG_GOMAXPROCS:-2}

# cg NAME N CMD...: runs CMD (with @N@ replaced by N) under callgrind and writes the totals of
# its uv_hrtime dumps, in order, one per line, to $out/NAME.N.
cg() {
	local name=$1 n=$2 f
	shift 2
	local args=("${@//@N@/$n}")
	rm -f "$out/$name.$n".cg*
	if ! valgrind --tool=callgrind --dump-before=uv_hrtime --callgrind-out-file="$out/$name.$n.cg" \
		"${args[@]}" >"$out/$name.$n.log" 2>&1; then
		echo "callgrind.sh: $name N=$n failed, see $out/$name.$n.log" >&2
		exit 1
	fi
	: >"$out/$name.$n"
	awk '/^totals:/ { t += $2 } END { print t }' "$out/$name.$n".cg* >"$out/$name.$n.total"
	for f in $(find "$out" -name "$name.$n.cg.*" | sort -t. -k4 -n); do
		awk '/^totals:/ { print $2 }' "$f" >>"$out/$name.$n"
	done
	rm -f "$out/$name.$n".cg*
}

# per NAME K N1 N2: instructions per operation between the marks K-1 and K from the end (K = 1:
# the last mark), from the counts of the sizes N1 and N2; K = 0: the whole program's counts (for
# a benchmark without marks).
per() {
	local a b
	if [ "$2" = 0 ]; then
		a=$(cat "$out/$1.$3.total")
		b=$(cat "$out/$1.$4.total")
	else
		a=$(tail -n "$2" "$out/$1.$3" | head -n 1)
		b=$(tail -n "$2" "$out/$1.$4" | head -n 1)
	fi
	awk -v a="$a" -v b="$b" -v n1="$3" -v n2="$4" 'BEGIN { printf "%.0f", (b - a) / (n2 - n1) }'
}

rows=()
# row LABEL NAME K C: a line of the table: the Go counts of go-NAME (GOGC=off) and go-NAME-gc
# (the collector on) between marks K-1 and K from the end, beside the C figure C.
row() {
	local off gc
	off=$(per "go-$2" "$3" "$n1" "$n2")
	gc=$(per "go-$2-gc" "$3" "$n1" "$n2")
	rows+=("$(awk -v l="$1" -v g="$off" -v gc="$gc" -v c="$4" \
		'BEGIN { printf "| %s | %d | %d | %d | %.1f | %.1f |", l, g, gc, c, g / c, gc / c }')")
}

# cggo NAME N CMD...: cg for a Go benchmark, twice: without a collector (GOGC=off: the binding's
# and the runtime's own work, the same from run to run) as go-NAME, and with the default GOGC
# (the collection of what the operation allocated, amortized over the run) as go-NAME-gc.
cggo() {
	local name=$1
	shift
	GOGC=off cg "go-$name" "$@"
	cg "go-$name-gc" "$@"
}

gotest() { # the Go benchmark $1 with b.N = @N@ (and more flags)
	local b=$1
	shift
	echo "$bin/uv.test" -test.run '^$' -test.bench "$b" -test.benchtime=@N@x -test.count=1 "$@"
}

want() { [[ "$1" =~ ${CG_ONLY:-.} ]]; }

# has NAME: the test binary has the benchmark NAME (some are newer than others).
has() { "$bin/uv.test" -test.list "^$1\$" | grep -q .; }

# Each workload: its sizes, the Go benchmark, the C twin (the same sizes as its first argument).
if want timer; then
	n1=10000 n2=30000
	for n in $n1 $n2; do
		# shellcheck disable=SC2046
		cggo timers $n $(gotest '^BenchmarkTimers/N$')
		cg c-timers $n "$bin/million_timers" @N@ 1
	done
	# The marks: t0 init t1, sleep, t2 fire t3, check, t4 close t5.
	row "timer create+start" timers 5 "$(per c-timers 5 $n1 $n2)"
	row "timer fire" timers 3 "$(per c-timers 3 $n1 $n2)"
	row "timer close" timers 1 "$(per c-timers 1 $n1 $n2)"
	for n in $n1 $n2; do # TimerStartOneshot, against million_timers' oneshot mode: the same marks
		# shellcheck disable=SC2046
		cggo oneshot $n $(gotest '^BenchmarkTimers/OneshotN$')
		cg c-oneshot $n "$bin/million_timers" @N@ 1 oneshot
	done
	row "TimerStartOneshot start" oneshot 5 "$(per c-oneshot 5 $n1 $n2)"
	row "TimerStartOneshot fire and close" oneshot 3 "$(per c-oneshot 3 $n1 $n2)"
fi
if want async; then
	n1=100000 n2=300000
	for n in $n1 $n2; do
		# shellcheck disable=SC2046
		cggo async $n $(gotest '^BenchmarkCallbackParts/AsyncSendAlone$')
		cg c-async $n "$bin/async_send" @N@ 1 alone
	done
	row "Async.Send with a wake-up pending" async 1 "$(per c-async 1 $n1 $n2)"
fi
if want stat; then
	n1=20000 n2=60000
	for n in $n1 $n2; do
		# shellcheck disable=SC2046
		cggo stat $n $(gotest '^BenchmarkFSStat/sync$')
		cg c-stat $n "$bin/fs_stat" @N@ 1
	done
	# fs_stat's marks: sync t0 t1, async t0 t1.
	row "FSStat sync" stat 1 "$(per c-stat 3 $n1 $n2)"
fi
if want ping; then
	n1=2000 n2=6000
	for n in $n1 $n2; do
		# shellcheck disable=SC2046
		cggo ping $n $(gotest '^BenchmarkPingPongs$')
		cg c-ping $n "$bin/ping_pongs" @N@ 1
	done
	row "ping-pong round trip (both ends)" ping 1 "$(per c-ping 1 $n1 $n2)"
fi
if want udp; then
	n1=5000 n2=15000
	for n in $n1 $n2; do
		# shellcheck disable=SC2046
		cggo udp $n $(gotest '^BenchmarkUDPPummel1v1$')
		cg c-udp $n "$bin/udp_pummel" @N@ 1
	done
	row "UDP datagram (sent and received)" udp 1 "$(per c-udp 1 $n1 $n2)"
fi
if want batch; then
	n1=20000 n2=60000
	for n in $n1 $n2; do
		cggo batch $n "$bin/uv.test" -test.run '^$' -test.bench '^BenchmarkTCPWriteBatch$' -test.benchtime=1x -test.count=1 -uv.batch=@N@
		cg c-batch $n "$bin/tcp_write_batch" @N@ 1
	done
	# The marks: t0 queue t1 flush t2.
	row "TCPWriteBatch queue (one Write)" batch 2 "$(per c-batch 2 $n1 $n2)"
	row "TCPWriteBatch flush (per write, both ends)" batch 1 "$(per c-batch 1 $n1 $n2)"
fi

# The peers (bench_peers_test.go) beside the binding, both counted whole (K = 0: the program's
# counts, no marks), with GOGC=off (with the collector on, whole-program counts move by ±15 %).
peers=()
peer() { # peer KEY LABEL N1 N2 UVBENCH PEERBENCH
	local key=$1 label=$2 n1=$3 n2=$4 uv=$5 p=$6 n
	for n in $n1 $n2; do
		# shellcheck disable=SC2046
		GOGC=off cg "peer-uv-$key" $n $(gotest "$uv")
		# shellcheck disable=SC2046
		GOGC=off cg "peer-go-$key" $n $(gotest "$p")
	done
	peers+=("$(awk -v l="$label" -v u="$(per "peer-uv-$key" 0 "$n1" "$n2")" -v g="$(per "peer-go-$key" 0 "$n1" "$n2")" \
		'BEGIN { printf "| %s | %d | %d | %.2f |", l, u, g, g / u }')")
}
if want peer && has BenchmarkPeerStat; then
	peer afterfunc "timer's life: Timer vs time.AfterFunc" 10000 30000 '^BenchmarkPeerTimers/uv$' '^BenchmarkPeerTimers/AfterFunc$'
	peer newtimer "timer's life: Timer vs time.NewTimer (receive, Stop)" 10000 30000 '^BenchmarkPeerTimers/uv$' '^BenchmarkPeerTimers/NewTimer$'
	peer osstat "stat: FSStat sync vs os.Stat" 20000 60000 '^BenchmarkFSStat/sync$' '^BenchmarkPeerStat/os.Stat$'
	peer sysstat "stat: FSStat sync vs syscall.Stat" 20000 60000 '^BenchmarkFSStat/sync$' '^BenchmarkPeerStat/syscall.Stat$'
	peer net "ping-pong round trip: binding vs net" 2000 6000 '^BenchmarkPingPongs$' '^BenchmarkPeerPingPong$'
fi

echo "uv bench-callgrind: $header, GOMAXPROCS=$GOMAXPROCS, GODEBUG=$GODEBUG"
echo
echo "| operation | Go instr/op, GOGC=off | Go instr/op, GC on | C instr/op | Go ÷ C, GOGC=off | Go ÷ C, GC on |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
if [ ${#peers[@]} -gt 0 ]; then
	echo
	echo "| operation (whole program, GOGC=off) | the binding, instr/op | the Go peer, instr/op | peer ÷ binding |"
	echo "| --- | ---: | ---: | ---: |"
	printf '%s\n' "${peers[@]}"
fi
