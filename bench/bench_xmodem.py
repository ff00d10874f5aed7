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
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
build = sys.argv[1] if len(sys.argv) > 1 else "build"
os.environ["SARAFW_BIN"] = os.path.join(build, "bin")
import simharness  # noqa: E402
from simharness import Sim, require_program  # noqa: E402

SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 20
SX = require_program("sx", "lrzsz")  # the bench's second sender
SCALE = 50  # shortens the module's preparation time, not the line
CEILING_1K = 1024 / 1029


def sarafw_run(sim, pkg, block, baud):
    args = [os.path.join(build, "bin", "sarafw"), "--port", sim.link, "update", pkg,
            "--method", "xmodem1k" if block == 1024 else "xmodem", "--json", "--no-install",
            "--baud", str(baud)]  # the rate of this row, not the one sarafw would plan
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE))
    out = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env)
    if out.returncode != 0:
        raise RuntimeError("sarafw failed: " + out.stderr.strip())
    done = [json.loads(l) for l in out.stdout.splitlines() if '"downloaded"' in l]
    return done[0]["seconds"], done[0]["data_seconds"]


def sx_run(sim, pkg, baud):
    port = sim.open()
    sim.wait_boot(port)
    if baud != 115200:
        assert port.command("AT+IPR=%d" % baud) == ["OK"]
        time.sleep(0.05)
        port.set_speed(baud)
        sim.wait_boot(port)
    port.write("AT+UFWUPD=3\r")
    port.expect("+UFWUPD: ONGOING", timeout=30)
    fd = os.dup(port.fd)
    os.set_blocking(fd, True)
    t0 = time.monotonic()
    p = subprocess.run([SX, "-k", "-q", pkg], stdin=fd, stdout=fd, stderr=subprocess.DEVNULL,
                       timeout=600)
    secs = time.monotonic() - t0
    os.close(fd)
    if p.returncode != 0:
        raise RuntimeError("sx -k failed")
    port.expect("OK", timeout=30)
    if baud != 115200:
        port.command("AT+IPR=115200")
    port.close()
    sim.ports.remove(port)
    return secs


def main():
    work = os.path.join(build, "bench")
    os.makedirs(work, exist_ok=True)
    pkg = os.path.join(work, "package.bin")
    with open(pkg, "wb") as f:
        f.write(os.urandom(SIZE))
    rows = []
    for baud in (115200, 921600, 3000000):
        line_rate = baud / 10.0
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            for block in (128, 1024):
                secs, data_secs = sarafw_run(sim, pkg, block, baud)
                rows.append(("sarafw xmodem" + ("1k" if block == 1024 else ""), baud, secs,
                             SIZE / data_secs / line_rate))
            secs = sx_run(sim, pkg, baud)
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
