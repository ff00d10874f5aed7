#!/usr/bin/python3
"""make bench: FOAT transfer speed over the emulated line (note §5.1.1).

For each emulated rate (115200, 921600, 3000000 baud) and block size (128,
1024) sarafw sends a package through sarafw-sim (a SARA-R422S) with
AT+UFWUPD=3; in the same run lrzsz `sx -k` sends the same package through
the same simulator. Efficiency is payload bytes per second over the line's
byte rate (baud / 10: start and stop bits included); the XMODEM-1k ceiling
is 1024/1029 of it before the ACK turnaround. The simulator paces the line
byte by byte like a real UART, with no idle line time banked, so the ACK
turnaround costs what it costs on a wire and the figures are what a real
link at that rate gives.

Usage: bench_xmodem.py BUILD_DIR [SIZE_BYTES]
"""
import sys

import benchlib

build = sys.argv[1] if len(sys.argv) > 1 else "build"
sim_mod = benchlib.init(build)
SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 20
sim_mod.require_program("sx", "lrzsz")  # the bench's second sender
SCALE = 50  # shortens the module's preparation time, not the line
CEILING_1K = 1024 / 1029


def main():
    pkg = benchlib.make_package("package.bin", SIZE)
    rows = []
    for baud in (115200, 921600, 3000000):
        line_rate = baud / 10.0
        with sim_mod.Sim("SARA-R422S", time_scale=SCALE) as sim:
            for block in (128, 1024):
                secs, data_secs = benchlib.xmodem_run(sim, pkg, block, baud, SCALE)
                rows.append(("sarafw xmodem" + ("1k" if block == 1024 else ""), baud, secs,
                             SIZE / data_secs / line_rate))
            secs, _ = benchlib.sx_run(sim, pkg, baud)
            rows.append(("lrzsz sx -k", baud, secs, None))
    print("FOAT transfer of %d bytes through sarafw-sim (SARA-R422S)" % SIZE)
    print("seconds: first block to the end of XMODEM (EOT handshake included);")
    print("data phase: first block to the last block's ACK; efficiency is payload")
    print("bytes/s over the line's byte rate (baud/10); the 1k ceiling is 1024/1029.")
    print("The line is paced per byte like a real UART: each 10-bit frame starts when")
    print("the previous one ends or its byte arrives, no idle line time is banked, so")
    print("every ACK turnaround costs its frames and these figures are what a real link")
    print("at that rate gives (a USB serial adapter's own latency comes on top).")
    print()
    print("%-16s %9s %9s %9s %11s %11s %11s" % ("sender", "baud", "seconds", "kB/s", "efficiency",
                                               "data phase", "of 1k ceil"))
    for name, baud, secs, data_eff in rows:
        eff = SIZE / secs / (baud / 10.0)
        if data_eff is None:
            print("%-16s %9d %9.2f %9.1f %11.4f %11s %11s" % (name, baud, secs, SIZE / secs / 1000.0,
                                                             eff, "-", "-"))
        else:
            print("%-16s %9d %9.2f %9.1f %11.4f %11.4f %11.4f" % (
                name, baud, secs, SIZE / secs / 1000.0, eff, data_eff, data_eff / CEILING_1K))


if __name__ == "__main__":
    main()
