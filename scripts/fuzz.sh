#!/bin/sh
# make fuzz: every fuzz target under libFuzzer (clang), FUZZ_SECONDS each.
set -eu
cd "$(dirname "$0")/.."
if ! command -v clang >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang >&2
	else
		echo "fuzz: needs clang: sudo apt-get install clang" >&2
		exit 1
	fi
fi
secs=${FUZZ_SECONDS:-60}
out=build-fuzz
mkdir -p "$out"
sim=$(ls sim/*.c | grep -v '/main\.c$' || true)
# sarafw-server's parsers (the rest of server/ needs libcoap and libmicrohttpd)
srv="server/linkformat.c server/json.c server/httprange.c"
# common/pkg.c and delta.c: OpenSSL, liblzma and libdivsufsort
libs=$(pkg-config --libs libcrypto liblzma libdivsufsort)
for t in fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	corpus="fuzz/corpus/${name#fuzz_}"
	mkdir -p "$out/$name.corpus"
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isim -Icommon -Iserver \
		"$t" lib/*.c common/*.c $sim $srv $libs -lm -o "$out/$name"
	echo "== $name for ${secs}s"
	"$out/$name" -max_total_time="$secs" "$out/$name.corpus" "$corpus"
done
