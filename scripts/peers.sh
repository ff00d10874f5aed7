#!/bin/sh
# Build the independent LwM2M peers the interop tests run against: Eclipse
# Wakaama's example lwm2mserver and lwm2mclient (NoSec), and the client with
# DTLS-PSK (tinydtls, vendored next to Wakaama). Their C sources ship inside
# the npm package node-red-contrib-lwm2m (deps/wakatiwai/deps/wakaama, an
# unmodified Wakaama tree; the package's own Wakatiwai client is not used).
# Nothing of Wakaama is kept in this repository: the pinned tarball is
# fetched with `npm pack`, its sha512 checked, unpacked and built with cmake.
#
# usage: scripts/peers.sh [DIR]   (default build/peers)
# Leaves DIR/bin/lwm2mserver, DIR/bin/lwm2mclient, DIR/bin/lwm2mclient-dtls.
# Quick when already built: a stamp names the version and this script's hash.
#
# Two changes are made to the sources: the examples bind their UDP socket with
# AI_PASSIVE (every interface); without it getaddrinfo() gives the loopback
# address, so the peers listen on loopback only, as every server in the tests.
# And tinydtls accepts a DTLS 1.0 record version (see below).
set -eu

PKG=node-red-contrib-lwm2m
VERSION=2.12.3
# the registry's dist.integrity for 2.12.3, as hex
SHA512=dc1f2c78fbb03c96c6276f8fe491cb472b96da7f300322c8ff9346f63f9bfa44f6d4c3cdb48934131cd8f212b8f903edcfe1bad9ba56860c46156bd5434fe7f0

here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$here/build/peers}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bin=$dir/bin
stamp=$dir/stamp
want="$PKG@$VERSION $(sha256sum "$0" | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
   [ -x "$bin/lwm2mserver" ] && [ -x "$bin/lwm2mclient" ] && [ -x "$bin/lwm2mclient-dtls" ]; then
	exit 0
fi

for tool in npm cmake sha512sum tar make cc; do
	command -v "$tool" >/dev/null 2>&1 || { echo "peers: $tool not found (npm: Node.js; the rest: debian-packages.txt)" >&2; exit 1; }
done

start=$(date +%s)
tgz=$dir/$PKG-$VERSION.tgz
if [ ! -f "$tgz" ] || [ "$(sha512sum "$tgz" | cut -d' ' -f1)" != "$SHA512" ]; then
	rm -f "$tgz"
	echo "peers: npm pack $PKG@$VERSION" >&2
	(cd "$dir" && npm pack --silent --prefer-offline "$PKG@$VERSION" >/dev/null)
fi
got=$(sha512sum "$tgz" | cut -d' ' -f1)
if [ "$got" != "$SHA512" ]; then
	echo "peers: $tgz: sha512 $got, expected $SHA512" >&2
	rm -f "$tgz"
	exit 1
fi

src=$dir/src
rm -rf "$src" "$dir/build" "$bin"
mkdir -p "$src"
tar -xzf "$tgz" -C "$src" package/deps/wakatiwai/deps/wakaama package/deps/wakatiwai/deps/tinydtls
w=$src/package/deps/wakatiwai/deps/wakaama
ex=$w/examples
[ -f "$ex/server/lwm2mserver.c" ] && [ -f "$ex/client/lwm2mclient.c" ] ||
	{ echo "peers: Wakaama examples not found in $tgz" >&2; exit 1; }

for f in "$ex/shared/connection.c" "$ex/shared/dtlsconnection.c"; do
	grep -q 'hints.ai_flags = AI_PASSIVE;' "$f" || { echo "peers: $f: no AI_PASSIVE line to change" >&2; exit 1; }
	sed -i 's/hints.ai_flags = AI_PASSIVE;/hints.ai_flags = 0;/' "$f"
done
# tinydtls (2017) drops any record whose version is not DTLS 1.2, but RFC 6347
# §4.2.1 has servers send HelloVerifyRequest as DTLS 1.0 (OpenSSL and GnuTLS,
# so libcoap, do): the client never answers it. Accept 1.0 in the record
# layer, as later tinydtls does; the handshake still negotiates DTLS 1.2.
t=$ex/shared/tinydtls/dtls.c
grep -q '&& msg\[2\] == LOW(DTLS_VERSION))' "$t" || { echo "peers: $t: no record version check to change" >&2; exit 1; }
sed -i 's/&& msg\[2\] == LOW(DTLS_VERSION))/\&\& (msg[2] == LOW(DTLS_VERSION) || msg[2] == 0xff))/' "$t"
# tinydtls's configure output, shipped by the package next to Wakaama; with it
# Wakaama's tinydtls.cmake skips autoconf/configure.
cp "$src/package/deps/wakatiwai/deps/tinydtls/dtls_config.h" "$ex/shared/tinydtls/dtls_config.h"

# -fno-strict-aliasing: er-coap-13.c reads a CoAP option's extended length
# through an unsigned int pointer to a size_t; with -O2's strict aliasing
# GCC keeps the stale 13, so every option of 13 bytes or more (an endpoint
# name of 10 characters or more) is cut and the rest parsed as options.
jobs=${PEERS_JOBS:-2}
build() { # name source-dir cmake-args...
	name=$1 s=$2
	shift 2
	cmake -S "$s" -B "$dir/build/$name" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS=-fno-strict-aliasing \
		-Wno-dev "$@" >"$dir/build-$name.log" 2>&1 &&
	cmake --build "$dir/build/$name" -j "$jobs" >>"$dir/build-$name.log" 2>&1 ||
		{ echo "peers: building $name failed; see $dir/build-$name.log" >&2; tail -20 "$dir/build-$name.log" >&2; exit 1; }
}
build server "$ex/server"
build client "$ex/client"
build client-dtls "$ex/client" -DDTLS=ON

mkdir -p "$bin"
cp "$dir/build/server/lwm2mserver" "$bin/lwm2mserver"
cp "$dir/build/client/lwm2mclient" "$bin/lwm2mclient"
cp "$dir/build/client-dtls/lwm2mclient" "$bin/lwm2mclient-dtls"
echo "$want" >"$stamp"
echo "peers: $PKG@$VERSION built in $(( $(date +%s) - start )) s: $bin" >&2
