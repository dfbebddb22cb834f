#!/bin/sh
# libuv-debian.sh VERSION SUITE: builds libuv VERSION (a Debian version, such as 1.50.0-2) from
# Debian SUITE's source package libuv1 and prints the prefix it is installed in,
# ${XDG_CACHE_HOME:-$HOME/.cache}/go-libuv/libuv-VERSION, built once: a later run prints it at
# once. apt runs with a private state (its own deb-src sources on the mirror the machine's apt
# uses, lists and cache in a temporary directory), so the machine's apt is untouched. Needs
# dpkg-dev and cmake (installed with apt-get when missing).
set -eu
version=$1 suite=$2
prefix=${XDG_CACHE_HOME:-$HOME/.cache}/go-libuv/libuv-$version
if [ -f "$prefix/lib/pkgconfig/libuv.pc" ]; then echo "$prefix"; exit 0; fi
sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
missing=
command -v dpkg-source >/dev/null || missing="$missing dpkg-dev"
command -v cmake >/dev/null || missing="$missing cmake"
if [ -n "$missing" ]; then
	echo "uv: installing$missing with apt-get" >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
	grep -v '^[[:space:]]*#' | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' | head -n1 | tr -d '[:space:]')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sources.list.d" "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/src"
cat >"$tmp/sources.list.d/libuv.sources" <<SRC
Types: deb-src
URIs: ${mirror:-http://deb.debian.org/debian}
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt="apt-get -qq -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$tmp/sources.list.d
	-o Dir::State::Lists=$tmp/lists -o Dir::Cache=$tmp/cache -o APT::Sandbox::User=$(id -un)"
$apt update >&2
(cd "$tmp/src" && $apt source "libuv1=$version" >&2)
src=$(find "$tmp/src" -mindepth 1 -maxdepth 1 -type d | head -n1)
cmake -S "$src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
	-DCMAKE_INSTALL_LIBDIR=lib -DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF >&2
cmake --build "$tmp/build" -j"$(nproc)" >&2
DESTDIR="$tmp/dest" cmake --install "$tmp/build" >&2
mkdir -p "$(dirname "$prefix")"
mv "$tmp/dest$prefix" "$prefix"
echo "$prefix"
