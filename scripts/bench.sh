#!/bin/sh
# make bench: speed and size figures (not tests).
set -eu
build=${1:-build}
cd "$(dirname "$0")/.."
/usr/bin/python3 bench/bench_xmodem.py "$build" "${BENCH_SIZE:-1048576}"
# delta size, time and memory against bsdiff and xdelta3 (packages)
/usr/bin/python3 bench/bench_delta.py "$build"
