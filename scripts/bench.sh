#!/bin/sh
# make bench: speed and size figures (not tests).
# BENCH_SIZE: the XMODEM table's package (bytes, default 1 MiB);
# BENCH_SIZES, BENCH_RATES, BENCH_SENDERS: the +UDWNFILE table's (see
# bench/bench_udwnfile.py; the default full set takes about an hour).
set -eu
build=${1:-build}
cd "$(dirname "$0")/.."
/usr/bin/python3 bench/bench_xmodem.py "$build" "${BENCH_SIZE:-1048576}"
echo
/usr/bin/python3 bench/bench_udwnfile.py "$build"
echo
# delta size, time and memory against bsdiff and xdelta3 (packages)
/usr/bin/python3 bench/bench_delta.py "$build"
echo
# uFOTA downloads (CoAP block-wise and HTTP) against note Table 3,
# registration bytes, memory of the LwM2M client (BENCH_UFOTA_* in the script)
/usr/bin/python3 bench/bench_ufota.py "$build"
echo
# FTP/HTTP downloads at the radio rates of note Table 3, and what a resume
# saves (BENCH_DL_SIZES, BENCH_DL_RATS, BENCH_DL_SCALE, BENCH_DL_RESUME)
/usr/bin/python3 bench/bench_download.py "$build"
echo
# sarafw-server: Register and Update rates and latency on SQLite and
# PostgreSQL (plain CoAP, loopback, bench/lwm2m_load.c; BENCH_SERVER_N
# devices, BENCH_SERVER_RATE Updates/s for the open-loop rows)
/usr/bin/python3 bench/bench_server.py "$build" "${BENCH_SERVER_N:-5000}" 32 "${BENCH_SERVER_RATE:-5000}"
echo
# sarafw flash of a 20 MB bundle against the simulated USB link (BENCH_FLASH_SIZE)
/usr/bin/python3 bench/bench_flash.py "$build" "${BENCH_FLASH_SIZE:-20000000}"
echo
# sarafw-server under sarafw-sim --fleet on SQLite and PostgreSQL:
# registrations and updates per second, p50/p99 and memory per device at
# 10,000 and 100,000 devices (BENCH_FLEET_SIZES, BENCH_FLEET_DBS, and
# BENCH_FLEET_* in the script; 100,000 takes about 15 minutes a database)
/usr/bin/python3 bench/bench_fleet.py "$build" ${BENCH_FLEET_SIZES:-10000 100000}
