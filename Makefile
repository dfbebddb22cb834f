# The two commands of the README: `make demo` and `make test`. Each installs what it needs.
GO ?= go
export CGO_ENABLED := 1
# go build hashes the headers of the package's own folder but not those of libuv/: a checksum of
# them in CGO_CFLAGS (which is part of the build cache's key) makes an edit of a header alone
# rebuild the package.
export CGO_CFLAGS := $(or $(CGO_CFLAGS),-O2 -g) -DUVG_SHIM_SUM=$(shell cat libuv/*.h | cksum | cut -d' ' -f1)

.PHONY: deps demo test vet staticcheck extmod nocgo race cgocheck debug modules static libuv2 bench bench-callgrind examples lint

# deps installs libuv's headers, pkg-config and a C compiler with apt-get when they are missing.
deps:
	@missing=; \
	command -v cc >/dev/null 2>&1 || missing="$$missing gcc libc6-dev"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	{ command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libuv; } || missing="$$missing libuv1-dev"; \
	if [ -n "$$missing" ]; then \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "uv: missing:$$missing. Install libuv >= 1.44 and pkg-config (macOS: brew install libuv pkg-config), or set PKG_CONFIG_PATH." >&2; exit 1; \
	  fi; \
	  echo "uv: installing$$missing with apt-get"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null \
	    || { echo "uv: apt-get could not install$$missing" >&2; exit 1; }; \
	fi; \
	pkg-config --exists 'libuv >= 1.44' || { echo "uv: libuv >= 1.44 is required, pkg-config finds $$(pkg-config --modversion libuv)" >&2; exit 1; }

demo: deps
	$(GO) run ./examples/tour
	$(GO) run ./examples/tcp-echo-server -demo

test: deps vet staticcheck extmod nocgo examples race cgocheck debug asan modules libuv2

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l . | grep -v '^testdata/')" || { gofmt -l . ; echo "gofmt: the files above need formatting" >&2; exit 1; }

# staticcheck runs a pinned release, fetched through the Go module proxy: the root module's go.mod
# does not require it.
staticcheck: deps
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# extmod builds (and runs) the README's Install program as a user would: in a module of its own
# outside the repository that requires github.com/go-libuv/uv through a replace to this checkout,
# with a plain go build (none of this Makefile's settings).
extmod: deps
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	awk '/^```go$$/ { on = 1; next } on && /^```$$/ { exit } on' README.md >"$$dir/main.go" && \
	printf 'module example.com/uvuser\n\ngo 1.24\n\nrequire github.com/go-libuv/uv v0.0.0\n\nreplace github.com/go-libuv/uv => %s\n' "$(CURDIR)" >"$$dir/go.mod" && \
	cd "$$dir" && env -u CGO_CFLAGS -u CGO_ENABLED GOWORK=off $(GO) build -o uvuser . && ./uvuser

# nocgo checks that a build without cgo, or for Windows, stops with the one sentence of nocgo.go
# or windows.go (and no other error).
nocgo:
	@for env in CGO_ENABLED=0:uv_REQUIRES_CGO GOOS=windows:uv_does_NOT_SUPPORT_WINDOWS; do \
	  out=$$(env -u CGO_ENABLED $${env%%:*} $(GO) build -o /dev/null . 2>&1 | grep -v '^#'); \
	  case "$$out" in *"$${env#*:}"*) [ "$$(echo "$$out" | wc -l)" = 1 ] && continue;; esac; \
	  echo "$$out"; echo "nocgo: $${env%%:*} go build . did not stop with one sentence" >&2; exit 1; \
	done

race: deps
	$(GO) test -race -count=1 ./...

# The passes after race run with -short, which skips only TestCdiff (22 programs to build): it
# runs in race (libuv 1.44) and in libuv2's shared pass (1.50).
cgocheck: deps
	GOEXPERIMENT=cgocheck2 $(GO) test -short -count=1 ./...

debug: deps
	$(GO) test -short -tags uvdebug -count=1 ./...

# modules runs the tests of the nested modules, which have dependencies of their own: the
# Node-like runtime (goja; its scripts are also checked against node when it is installed)
# and x/net's nettest suite on uvnet's conns.
MODULES := examples/node uvnet/nettest
modules: deps
	@for m in $(MODULES); do echo "cd $$m && $(GO) vet ./... && $(GO) test -race -count=1 ./..."; \
	  (cd $$m && $(GO) vet ./... && $(GO) test -race -count=1 ./...) || exit 1; done

.PHONY: asan deps-asan fuzz

# asan runs the root package's tests under AddressSanitizer and LeakSanitizer (go test -asan,
# with the C compiler's runtime, which deps-asan installs). testdata/lsan.supp suppresses the
# one leak that libuv 1.44 makes by design (a cancelled uv_fs_closedir); it says why.
# AddressSanitizer reserves terabytes of shadow address space at start, which no `ulimit -v`
# leaves: TestTokenRangeUnderUlimit's child runs without the limit here (the other runs test
# the token range under it).
asan: deps deps-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/testdata/lsan.supp UV_TEST_ULIMIT_KB=unlimited $(GO) test -short -asan -count=1 .

# deps-asan installs the C compiler's sanitizer runtime with apt-get when a program built with
# -fsanitize=address does not link (gcc N: libgcc-N-dev, which brings libasan and liblsan).
deps-asan: deps
	@cc=$$($(GO) env CC); \
	printf 'int main(void) { return 0; }\n' | $$cc -fsanitize=address -x c -o /dev/null - 2>/dev/null || { \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  pkg=libgcc-$$($$cc -dumpversion | cut -d. -f1)-dev; \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "uv: $$cc -fsanitize=address does not link: install the compiler's libasan (Fedora: dnf install libasan)." >&2; exit 1; \
	  fi; \
	  echo "uv: installing $$pkg (libasan, liblsan) with apt-get"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$pkg >/dev/null \
	    || { echo "uv: apt-get could not install $$pkg" >&2; exit 1; }; \
	}

# fuzz runs each fuzz target of the root package for FUZZTIME (not part of make test; their
# seed corpora run with the tests). A failing input is written under testdata/fuzz/.
FUZZTIME ?= 30s
FUZZ_TARGETS := FuzzAddr FuzzFSPath FuzzSpawn FuzzEnv
fuzz: deps
	@for f in $(FUZZ_TARGETS); do echo "== $$f"; \
	  $(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) . || exit 1; done

static: deps
	$(GO) test -tags libuv_static -count=1 ./...

# libuv2 runs the root package's tests against a second libuv, shared and static: Debian 13's
# 1.50.0, built once from its source package into ~/.cache/go-libuv (testdata/libuv-debian.sh).
# go's build cache does not key on PKG_CONFIG_PATH: the prefix's -I in CGO_CFLAGS makes it
# rebuild the package against that libuv's headers.
LIBUV2 := 1.50.0-2 trixie
libuv2: deps
	@prefix=$$(./testdata/libuv-debian.sh $(LIBUV2)) && v=$$(PKG_CONFIG_PATH=$$prefix/lib/pkgconfig pkg-config --modversion libuv) && \
	echo "uv: the tests against libuv $$v in $$prefix, shared and static" && \
	export CGO_CFLAGS="$$CGO_CFLAGS -I$$prefix/include" && \
	PKG_CONFIG_PATH=$$prefix/lib/pkgconfig LD_LIBRARY_PATH=$$prefix/lib UV_TEST_LIBUV=$$v $(GO) test -count=1 . && \
	PKG_CONFIG_PATH=$$prefix/lib/pkgconfig UV_TEST_LIBUV=$$v $(GO) test -short -tags libuv_static -count=1 .

# bench builds the C twins, runs the Go benchmarks and the twins in one run and prints the
# table of BENCHMARKS.md (about 2 minutes). BENCH_CPU=0 pins everything to CPU 0 (taskset).
bench: deps
	GO="$(GO)" ./testdata/cbench/run.sh

# bench-callgrind counts instructions per operation with valgrind's callgrind (installed with
# apt-get when missing) for the Go benchmarks and their C twins on fixed small workloads, and
# prints a table: operation, Go instr/op, C instr/op, ratio (a few minutes).
bench-callgrind: deps
	GO="$(GO)" ./testdata/cbench/callgrind.sh

# examples builds every example; examples/uvwget is its own module (it needs libcurl).
examples: deps deps-curl
	$(GO) build ./examples/...
	cd examples/uvwget && $(GO) vet . && $(GO) build -o /dev/null .
	$(CC) -shared -fPIC -o examples/plugin/libplugin.so examples/plugin/plugin.c

.PHONY: deps-curl demos

# deps-curl installs libcurl's headers (Debian's libcurl4-openssl-dev) with apt-get when
# pkg-config cannot find libcurl: examples/uvwget links it.
deps-curl: deps
	@pkg-config --exists libcurl || { \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "uv: examples/uvwget needs libcurl (Fedora: dnf install libcurl-devel, macOS: brew install curl), or set PKG_CONFIG_PATH." >&2; exit 1; \
	  fi; \
	  echo "uv: installing libcurl4-openssl-dev with apt-get"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq libcurl4-openssl-dev >/dev/null \
	    || { echo "uv: apt-get could not install libcurl4-openssl-dev" >&2; exit 1; }; \
	}

# demos runs the -demo of every example that has one, each within DEMO_TIMEOUT seconds (not
# part of make test).
DEMO_TIMEOUT ?= 60
demos: examples
	@bin=$$(mktemp -d); trap 'rm -rf "$$bin"' EXIT; \
	$(GO) build -o "$$bin/" ./examples/... && (cd examples/uvwget && $(GO) build -o "$$bin/uvwget" .) || exit 1; \
	failed=; \
	for d in examples/*/; do \
	  n=$$(basename "$$d"); \
	  [ -x "$$bin/$$n" ] && grep -qs '"demo"' "$$d"*.go || continue; \
	  echo "== $$n -demo"; \
	  timeout $(DEMO_TIMEOUT) "$$bin/$$n" -demo || failed="$$failed $$n"; \
	done; \
	[ -z "$$failed" ] || { echo "demos failed:$$failed" >&2; exit 1; }

lint: vet staticcheck
