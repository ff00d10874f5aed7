#!/usr/bin/python3
"""make bench: FOAT over AT+UDWNFILE (note §5.2) against the link limit,
and `sarafw update`'s own choice against the XMODEM path other tools use.

For each package size and emulated rate, through sarafw-sim (a
SARA-R422S), in one simulator per rate:
- udwnfile: `sarafw update PKG --method udwnfile --baud N`;
- xmodem1k: `sarafw update PKG --method xmodem1k --baud N` (AT+UFWUPD=3);
- sx: lrzsz `sx -k` into AT+UFWUPD=3 (rate switched by hand).
Then for each size, in a fresh simulator at 115200:
- auto: `sarafw update PKG` (it plans the method and the rate itself);
- xmodem: `sarafw update PKG --method xmodem` (128-byte blocks at 115200).

The link limit is bytes x 10 / baud (8N1). Times come from sarafw's
--trace (monotonic ms): +UDWNFILE's data phase runs from the '>' prompt
(the first data byte goes out at once) to the final OK. The simulator
paces the line per byte in wall time, whatever the time scale.

Environment (a quick run: BENCH_SIZES=64K BENCH_RATES=3000000):
  BENCH_SIZES    package sizes, e.g. "1M 8M" (default), "64K", bytes
  BENCH_RATES    rates of the first three senders (default
                 "115200 921600 3000000")
  BENCH_SENDERS  default "udwnfile xmodem1k sx auto xmodem"

Each run saves its rows in BUILD_DIR/bench/udwnfile-<time>.json; runs made
at different times (the slow 115200 rows while the machine is busy, the
fast rates, whose pacing a loaded machine can delay, when it is idle)
print as one table with --table.

Usage: bench_udwnfile.py BUILD_DIR
       bench_udwnfile.py BUILD_DIR --table ROWS.json...
"""
import json
import os
import sys
import time

import benchlib

build = sys.argv[1] if len(sys.argv) > 1 else "build"
sim_mod = benchlib.init(build)
SIZES = benchlib.env_list("BENCH_SIZES", "1M 8M", benchlib.parse_size)
RATES = benchlib.env_list("BENCH_RATES", "115200 921600 3000000", int)
SENDERS = benchlib.env_list("BENCH_SENDERS", "udwnfile xmodem1k sx auto xmodem")
# The simulator's time scale: the module's preparation (note §5.2, §5.1.1:
# about 5 s) runs 50 times faster, as in bench_xmodem.py; the line never.
# sarafw itself runs unscaled: its bound for +UDWNFILE's final OK holds
# the line time of what the port may still hold (SARAFW_PORT_QUEUE_MAX),
# and SARAFW_TIME_SCALE would divide that too, while what the PTY and the
# simulator hold (~25 KB measured, 2.2 s at 115200) crosses in wall time:
# at SARAFW_TIME_SCALE=10 (2.07 s) the 115200 rows fail now and then.
# Its other waits are bounds the module meets at once (XMODEM took the
# same wall time at SARAFW_TIME_SCALE 50 and 1) and the 20 ms it lets an
# AT+IPR answer settle, a real delay, stays real.
SCALE = 50
# The simulated SARA-R422S's preparation of both commands at scale 1
# (sim/variants.c: udwnfile_prep_ms, foat_prep_ms; note §5.2, §5.1.1).
PREP_S = 5.0
TARGET_EFF = 0.98
TARGET_RATIO = 25.0
VARIANT = "SARA-R422S"

for s in SENDERS:
    if s not in ("udwnfile", "xmodem1k", "sx", "auto", "xmodem"):
        sys.exit("bench_udwnfile.py: unknown sender %r in BENCH_SENDERS" % s)
if "sx" in SENDERS:
    sim_mod.require_program("sx", "lrzsz")


class Row:
    """One measured transfer; `at` (UTC) and `load` (the 1-minute load
    average right after it) say under what conditions."""

    def __init__(self, size, sender, baud, data, total, wall=None, method=None):
        self.size, self.sender, self.baud = size, sender, baud
        self.data, self.total, self.wall, self.method = data, total, wall, method
        self.scale = SCALE
        self.at = time.strftime("%H:%M", time.gmtime())
        self.load = os.getloadavg()[0]


def need(i, what, run):
    if i is None:
        raise RuntimeError("no %s in sarafw's trace (%d lines)" % (what, len(run.trace)))
    return i


def udwnfile_times(run):
    """(data seconds, total seconds, rate) of a +UDWNFILE update."""
    cmd = need(run.sent("AT+UDWNFILE="), "AT+UDWNFILE", run)
    # the engine sends the first data byte as soon as it has the prompt
    first = need(benchlib.trace_find(run.trace, lambda d, s: d == "<" and s == ">", cmd), "'>' prompt", run)
    ok = need(run.final_ok(first), "final OK", run)
    return run.seconds(first, ok), run.seconds(cmd, ok), run.rate(cmd)


def ufwupd_times(run):
    """(data seconds, total seconds, rate) of an XMODEM update: the data
    phase as sarafw reports it (first block to the last block's ACK)."""
    cmd = need(run.sent("AT+UFWUPD=3"), "AT+UFWUPD=3", run)
    ok = need(run.final_ok(cmd), "final OK", run)
    return run.event("downloaded")["data_seconds"], run.seconds(cmd, ok), run.rate(cmd)


def update(sim, pkg, size, sender, args, baud=None):
    run = benchlib.sarafw_update(sim, pkg, args, None)
    if run.sent("AT+UDWNFILE=") is not None:
        data, total, rate = udwnfile_times(run)
        method = "+UDWNFILE"
    else:
        data, total, rate = ufwupd_times(run)
        method = "+UFWUPD (XMODEM)"
    if baud and rate != baud:
        raise RuntimeError("%s ran at %d b/s, not %d" % (sender, rate, baud))
    return Row(size, sender, rate, data, total, run.wall, method)


class Rows(list):
    """The rows of this run, saved to path after each one, so that a
    failure late in a long run keeps what was measured."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def add(self, row):
        self.append(row)
        with open(self.path, "w") as f:
            json.dump([vars(r) for r in self], f, indent=1)


def per_rate(rows, pkg, size, baud):
    rate_args = ["--baud", str(baud)]  # the bench's rate, not the plan's
    with sim_mod.Sim(VARIANT, time_scale=SCALE) as sim:
        if "udwnfile" in SENDERS:
            rows.add(update(sim, pkg, size, "+UDWNFILE", ["--method", "udwnfile"] + rate_args, baud))
        if "xmodem1k" in SENDERS:
            rows.add(update(sim, pkg, size, "XMODEM-1k", ["--method", "xmodem1k"] + rate_args, baud))
        if "sx" in SENDERS:
            data, total = benchlib.sx_run(sim, pkg, baud)
            rows.add(Row(size, "lrzsz sx -k", baud, data, total))


def compare(rows, pkg, size):
    for sender, args in (("auto", []), ("xmodem", ["--method", "xmodem", "--baud", "115200"])):
        if sender not in SENDERS:
            continue
        with sim_mod.Sim(VARIANT, time_scale=SCALE) as sim:
            benchlib.wait_booted(sim)  # the command's time, not the boot's
            rows.add(update(sim, pkg, size, sender, args, 115200 if sender == "xmodem" else None))


def print_rates(rows):
    print("Transfers of a FOAT package through sarafw-sim (%s), line paced per byte" % VARIANT)
    print("time scale %g on the simulator only: the module's preparation (about 5 s, note" % SCALE)
    print("§5.2, §5.1.1) takes %.1f s; sarafw and the line run in real time." % (PREP_S / SCALE))
    print("limit: bytes x 10 / baud. data: +UDWNFILE from the first data byte to the final")
    print("OK; XMODEM-1k from the first block to the last block's ACK; sx -k from its start")
    print("to its exit. total: from AT+UDWNFILE / AT+UFWUPD=3 to the final OK, the scaled")
    print("preparation included. eff: limit / seconds; +UDWNFILE's target is %.2f." % TARGET_EFF)
    print()
    print("%9s %-12s %8s %9s %9s %9s %9s %9s %6s %5s" % ("bytes", "sender", "baud", "limit s", "data s",
                                                        "total s", "data eff", "total eff", "UTC", "load"))
    for r in rows:
        limit = benchlib.line_seconds(r.size, r.baud)
        flag = "  below target" if r.sender == "+UDWNFILE" and limit / r.data < TARGET_EFF else ""
        print("%9d %-12s %8d %9.2f %9.2f %9.2f %9.4f %9.4f %6s %5.2f%s" % (
            r.size, r.sender, r.baud, limit, r.data, r.total, limit / r.data, limit / r.total, r.at, r.load,
            flag))


def unscaled(r):
    """The command's seconds with the module's real preparation: an
    estimate (nothing else is scaled)."""
    return r.wall + PREP_S * (1 - 1.0 / r.scale)


def print_compare(rows):
    print("`sarafw update PKG` (auto) against `sarafw update PKG --method xmodem` (128-byte")
    print("blocks, 115200: the path existing tools use), both from a module at 115200, same")
    print("scale. command s: the whole command, start to exit (connect, identify, rate")
    print("switches and the scaled preparation included); transfer s: the AT command to the")
    print("final OK; prep 5 s: command s with the module's real %g s preparation instead of" % PREP_S)
    print("the scaled one (an estimate, not measured). Target: auto at least %gx faster." % TARGET_RATIO)
    print()
    print("%9s %-7s %-17s %8s %10s %10s %10s %6s %5s" % ("bytes", "command", "sent with", "baud", "command s",
                                                         "transfer s", "prep 5 s", "UTC", "load"))
    for r in rows:
        print("%9d %-7s %-17s %8d %10.2f %10.2f %10.2f %6s %5.2f" % (
            r.size, r.sender, r.method, r.baud, r.wall, r.total, unscaled(r), r.at, r.load))
    for size in sorted({r.size for r in rows}):
        by = {r.sender: r for r in rows if r.size == size}
        if "auto" in by and "xmodem" in by:
            a, x = by["auto"], by["xmodem"]
            ratio = x.wall / a.wall
            print("%9d auto is %.1fx faster (command), %.1fx (transfer), about %.1fx with a 5 s preparation:"
                  " target %gx %s" % (size, ratio, x.total / a.total, unscaled(x) / unscaled(a), TARGET_RATIO,
                                      "met" if ratio >= TARGET_RATIO else "MISSED"))


def measure():
    path = os.path.join(build, "bench", time.strftime("udwnfile-%Y%m%dT%H%M%S.json", time.gmtime()))
    rows = Rows(path)
    for size in SIZES:
        pkg = benchlib.make_package("package-%d.bin" % size, size)
        for baud in RATES:
            if any(s in SENDERS for s in ("udwnfile", "xmodem1k", "sx")):
                per_rate(rows, pkg, size, baud)
        compare(rows, pkg, size)
    print("rows saved in %s (bench_udwnfile.py BUILD --table FILE... prints them again)" % path)
    return rows


def load_rows(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            for d in json.load(f):
                r = Row.__new__(Row)
                r.scale = SCALE  # rows saved before the scale was
                r.__dict__.update(d)
                rows.append(r)
    return rows


def main():
    if len(sys.argv) > 2 and sys.argv[2] == "--table":
        rows = load_rows(sys.argv[3:])
    else:
        rows = measure()
    print("%s, %s; UTC time and 1-minute load average after each row" % (
        time.strftime("%Y-%m-%d", time.gmtime()), build))
    print()
    order = ["+UDWNFILE", "XMODEM-1k", "lrzsz sx -k", "auto", "xmodem"]
    rows.sort(key=lambda r: (r.size, r.baud, order.index(r.sender)))
    rate_rows = [r for r in rows if r.sender not in ("auto", "xmodem")]
    cmp_rows = sorted((r for r in rows if r.sender in ("auto", "xmodem")),
                      key=lambda r: (r.size, order.index(r.sender)))
    if rate_rows:
        print_rates(rate_rows)
        print()
    if cmp_rows:
        print_compare(cmp_rows)


if __name__ == "__main__":
    main()
