"""sarafw-server under a `sarafw-sim --fleet` of N modules (the simulator's
own LwM2M clients, one process, plain CoAP on loopback): registrations per
second while the whole fleet registers at once, then registration updates
per second with each module's host setting a short lifetime (--fleet-lifetime:
the module updates every LIFETIME seconds), p50/p99 round trips seen by the modules, and
memory per device of the server and of the fleet.

    /usr/bin/python3 bench/bench_fleet.py BUILD [N ...]

BENCH_FLEET_SCALE (default 10): the fleet's --time-scale (boots and
attaches go by quickly, so the whole fleet registers at once);
BENCH_FLEET_LIFETIME (default 20): module seconds between a module's
updates, less the client's tenth (18 s: 1.8 wall s at scale 10); BENCH_FLEET_WINDOW (default 15): seconds of updates measured.
"""
import os
import select
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
build = sys.argv[1] if len(sys.argv) > 1 else "build"
SIZES = [int(a) for a in sys.argv[2:]] or [10000]
UPDATE_S = int(os.environ.get("BENCH_FLEET_LIFETIME", "20"))
SCALE = float(os.environ.get("BENCH_FLEET_SCALE", "10"))
WINDOW = float(os.environ.get("BENCH_FLEET_WINDOW", "15"))
os.environ["SARAFW_BIN"] = os.path.abspath(os.path.join(build, "bin"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from serverharness import BIN, Server  # noqa: E402



def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int([l for l in f if l.startswith("VmRSS")][0].split()[1])


def stats(line):
    kv = dict(x.split("=") for x in line.split()[1:])
    return {k: float(v) for k, v in kv.items()}


def run(n):
    # the modules' flash on tmpfs: a module's record writes are fsynced,
    # and a disk's fsyncs would measure the fleet instead of the server
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory(dir=shm) as flash, \
            Server(work, args=["--max-reg-rate", "10000000", "--max-devices", str(n + 10)]) as srv:
        argv = [os.path.join(BIN, "sarafw-sim"), "--fleet", str(n), "--variant", "SARA-R410M-02B-03",
                "--state", os.path.join(flash, "fleet"), "--fleet-lifetime", str(UPDATE_S), "--time-scale", str(SCALE),
                "--lwm2m-server", "coap://127.0.0.1:%d" % srv.coap_port, "--fleet-stats", "0.2"]
        t0 = time.monotonic()
        sim = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert sim.stdout.readline().startswith("ready fleet"), "fleet did not start"
            mem = stats(sim.stdout.readline())
            setup = time.monotonic() - t0
            first = last = None
            regs = []
            while True:
                r, _, _ = select.select([sim.stdout], [], [], 120)
                if not r:
                    raise SystemExit("fleet stalled")
                s = stats(sim.stdout.readline())
                regs.append(s)
                if first is None and s["reg"] > 0:
                    first = s
                if s["reg"] >= n:
                    last = s
                    break
            reg_rate = n / max(last["t"] - first["t"] + 0.2, 0.2)
            # updates: skip the first round (it follows the registrations' burst)
            time.sleep(2 * UPDATE_S / SCALE)
            a = stats(drain(sim))
            time.sleep(WINDOW)
            b = stats(drain(sim))
            upd_rate = (b["upd"] - a["upd"]) / (b["t"] - a["t"])
            rereg = (b["reg"] - a["reg"]) / (b["t"] - a["t"])  # Updates the server did not know (4.04)
            srv_kb = rss_kb(srv.proc.pid)
            fleet_kb = rss_kb(sim.pid)
            return {"n": n, "setup_s": setup, "reg_rate": reg_rate, "reg_p99": last["reg_p99"],
                    "upd_rate": upd_rate, "upd_p50": b["upd_p50"], "upd_p99": b["upd_p99"],
                    "fail": b["fail"], "rereg": rereg, "srv_kb": srv_kb, "fleet_b": mem["per_module_b"],
                    "fleet_kb": fleet_kb, "load": open("/proc/loadavg").read().split()[0]}
        finally:
            sim.kill()
            sim.wait(60)


def drain(sim):
    """The newest stats line."""
    line = None
    while True:
        r, _, _ = select.select([sim.stdout], [], [], 0 if line else 5)
        if not r:
            return line
        line = sim.stdout.readline()


def main():
    print("sarafw-server (SQLite) under sarafw-sim --fleet, plain CoAP on loopback, %d CPUs" % os.cpu_count())
    print("%8s %10s %9s %10s %9s %9s %9s %6s %12s %12s" % (
        "devices", "reg/s", "reg p99", "update/s", "upd p50", "upd p99", "rereg/s", "fails", "server B/dev",
        "fleet B/dev"))
    for n in SIZES:
        r = run(n)
        print("%8d %10.0f %7.0fms %10.0f %7.0fms %7.0fms %9.0f %6d %12.0f %12.0f   (fleet setup %.0f s, load %s)"
              % (n, r["reg_rate"], r["reg_p99"], r["upd_rate"], r["upd_p50"], r["upd_p99"], r["rereg"], r["fail"],
                 r["srv_kb"] * 1024 / n, r["fleet_b"], r["setup_s"], r["load"]), flush=True)


if __name__ == "__main__":
    main()
