#!/usr/bin/env bash
# The recipe of `make bench`: builds the C twins and the Go test binary into testdata/cbench/bin/,
# runs the Go benchmarks and the twins in the same run, and prints the comparison table
# (BENCHMARKS.md). A suite of benchmarks is three kinds of files here: its C twins (*.c, each
# built into bin/), its round (*.rounds, bash lines sourced once per round) and its table rows
# (*.rows, read by table.go). The machine's speed drifts (a VM): each round runs a Go benchmark right
# next to its C twin, and the table takes the median of the rounds.
#
# Environment: GO (default go), CC (default cc), BENCH_COUNT (rounds, default 3),
# BENCH_CPU (a CPU list: run everything under `taskset -c $BENCH_CPU`, e.g. 0), BENCH_SUITES (a
# glob of the suites to run, e.g. net for net.rounds alone; default all).
set -euo pipefail
cd "$(dirname "$0")/../.."

GO=${GO:-go}
CC=${CC:-cc}
count=${BENCH_COUNT:-3}
dir=testdata/cbench
bin=$dir/bin
mkdir -p "$bin"

uvflags=$(pkg-config --cflags --libs libuv)
for c in "$dir"/*.c; do # every C twin
	# shellcheck disable=SC2086 # pkg-config's flags are words
	"$CC" -O2 -Wall -Wextra -pthread -o "$bin/$(basename "$c" .c)" "$c" $uvflags
done
"$GO" test -c -o "$bin/uv.test" .

pin=()
if [ -n "${BENCH_CPU:-}" ]; then
	pin=(taskset -c "$BENCH_CPU")
fi
gobench() { # the Go benchmarks matching $1, with the flags that follow
	"${pin[@]}" "$bin/uv.test" -test.run '^$' -test.bench "$1" -test.benchmem -test.count 1 "${@:2}" 2>&1 |
		grep -E '^(Benchmark|PASS|FAIL|ok|---|panic)' || true
}

results=$bin/results.txt
echo "uv bench: $(uname -sr), $("${pin[@]}" nproc) CPU(s) usable${BENCH_CPU:+ (taskset -c $BENCH_CPU)}," \
	"$($GO version | cut -d' ' -f3)${GOMAXPROCS:+, GOMAXPROCS=$GOMAXPROCS}, libuv $(pkg-config --modversion libuv), $count rounds"
{
	for ((i = 1; i <= count; i++)); do
		echo "# round $i"
		for r in "$dir"/${BENCH_SUITES:-*}.rounds; do # each suite's round, in name order
			# shellcheck disable=SC1090
			source "$r"
		done
	done
} | tee "$results"
echo
"$GO" run "$dir/table.go" <"$results"
if grep -qE '^(FAIL|---|panic)' "$results"; then
	echo "uv bench: a benchmark failed (see $results); its rows are missing above" >&2
	exit 1
fi
