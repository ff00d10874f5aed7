"""sarafw-server under `sarafw-sim --fleet N` (the simulator's own LwM2M
clients, plain CoAP on loopback, each module on its own 127.x address, its
flash in memory), on SQLite and on PostgreSQL: registrations per second
while the whole fleet registers at once, then registration updates per
second at an offered rate (measured once the server has set up every
module: its Observes and Reads answered), p50/p99 round trips seen by the
modules, and memory per device of the server and of the fleet. A fleet
larger than one process's open files spreads over worker processes
(sarafw-sim does it).

    /usr/bin/python3 bench/bench_fleet.py BUILD [N ...]

BENCH_FLEET_DBS (default "sqlite postgresql"): the server's storage;
PostgreSQL is a private cluster (tests/integration/pgcluster.py).
BENCH_FLEET_SCALE (default 10): the fleet's --time-scale (boots and
attaches go by quickly, so the whole fleet registers at once).
BENCH_FLEET_OFFER (default 5000): Updates per second offered: each module's
host sets a lifetime so that N modules send that many (the target's rate).
BENCH_FLEET_WINDOW (default 15): seconds of Updates measured.
BENCH_FLEET_REG_S (default 900): the registration phase's limit (wall s).
BENCH_FLEET_RAMP (default 0): the modules power on evenly over this many
wall seconds (sarafw-sim --fleet-ramp) instead of all at once.
BENCH_FLEET_LOG: a file to copy the server's stderr to (with
SARAFW_LOOP_TRACE=MS in the environment: its slow loop parts).
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
DBS = os.environ.get("BENCH_FLEET_DBS", "sqlite postgresql").split()
SCALE = float(os.environ.get("BENCH_FLEET_SCALE", "10"))
OFFER = float(os.environ.get("BENCH_FLEET_OFFER", "5000"))
WINDOW = float(os.environ.get("BENCH_FLEET_WINDOW", "15"))
REG_S = float(os.environ.get("BENCH_FLEET_REG_S", "900"))
RAMP = float(os.environ.get("BENCH_FLEET_RAMP", "0"))
os.environ["SARAFW_BIN"] = os.path.abspath(os.path.join(build, "bin"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from serverharness import BIN, Server  # noqa: E402
from pgcluster import PgCluster  # noqa: E402


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int([l for l in f if l.startswith("VmRSS")][0].split()[1])


def tree_rss_kb(pid):
    """The fleet's RSS: its first process and its workers."""
    kids = []
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = [int(x) for x in f.read().split()]
    except OSError:
        pass
    return rss_kb(pid) + sum(rss_kb(k) for k in kids), len(kids)


def stats(line):
    kv = dict(x.split("=") for x in line.split()[1:])
    return {k: float(v) for k, v in kv.items() if k != "upd_hist"}


def add_hist(h, line):
    """Adds the line's Updates (round trip ms: count, since the last line) to h."""
    kv = dict(x.split("=") for x in line.split()[1:])
    for pair in kv.get("upd_hist", "-").split(","):
        if pair != "-":
            ms, n = pair.split(":")
            h[int(ms)] = h.get(int(ms), 0) + int(n)


def hist_pct(h, p):
    total = sum(h.values())
    seen = 0
    for ms in sorted(h):
        seen += h[ms]
        if seen > total * p:
            return ms
    return 10000


def lifetime_for(n):
    """The longest lifetime (module s) at which n modules offer at least
    OFFER Updates/s: a module updates a tenth of the lifetime (at most 60
    s) before its end (sim/lwm2m.c, update_period)."""
    lt = 2
    while update_period(lt + 1) <= n / OFFER:
        lt += 1
    return lt


def update_period(lt):
    return (lt - min(lt // 10, 60)) / SCALE


def run(n, db_url, work):
    lt = lifetime_for(n)
    with Server(work, db_url=db_url, args=["--max-reg-rate", "10000000", "--max-devices", str(n + 10)]) as srv:
        argv = [os.path.join(BIN, "sarafw-sim"), "--fleet", str(n), "--variant", "SARA-R410M-02B-03",
                "--state", os.path.join(work, "fleet"), "--fleet-flash", "memory",
                "--fleet-lifetime", str(lt), "--time-scale", str(SCALE),
                "--lwm2m-server", "coap://127.0.0.1:%d" % srv.coap_port, "--fleet-stats", "0.5",
                "--fleet-ramp", str(RAMP * SCALE)]
        t0 = time.monotonic()
        sim = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert sim.stdout.readline().startswith("ready fleet"), "fleet did not start"
            mem = stats(sim.stdout.readline())
            setup = time.monotonic() - t0
            first = last = s = None
            while True:
                r, _, _ = select.select([sim.stdout], [], [], 120)
                if not r:
                    raise SystemExit("fleet stalled")
                s = stats(sim.stdout.readline())
                if first is None and s["reg"] > 0:
                    first = s
                if s["reg"] >= n or (first and s["t"] - first["t"] > REG_S):
                    last = s
                    last_wall = time.monotonic()
                    break
            reg_rate = last["reg"] / max(last["t"] - first["t"] + 0.5, 0.5)
            # updates: wait for the server's setups of the fleet (its
            # Observes and Reads, answered at a few thousand a second), and
            # skip the first rounds (they follow the registrations' burst)
            while True:
                st = srv.api("GET", "/api/v1/stats")[1]
                if st["setups_queued"] == 0 and st["devices_in_flight"] == 0:
                    break
                if time.monotonic() - last_wall > REG_S:
                    raise SystemExit("the server's setups did not finish: %r" % st)
                drain(sim)
            setups_s = time.monotonic() - last_wall
            time.sleep(max(0.0, 2 * update_period(lt) - setups_s))
            a = stats(drain(sim))
            sa = srv.api("GET", "/api/v1/stats")[1]
            # the window's own round trips: its lines' histograms added up
            h = {}
            end = time.monotonic() + WINDOW
            while time.monotonic() < end:
                r, _, _ = select.select([sim.stdout], [], [], 5)
                if r:
                    line = sim.stdout.readline()
                    add_hist(h, line)
            b = stats(line)
            sb = srv.api("GET", "/api/v1/stats")[1]
            upd = max(sb["updates"] - sa["updates"], 1)
            fleet_kb, workers = tree_rss_kb(sim.pid)
            return {"n": n, "setup_s": setup, "reg_rate": reg_rate, "reg_p99": last["reg_p99"],
                    "reg_done": last["reg"], "reg_s": last["t"] - first["t"],
                    "offer": n / update_period(lt), "upd_rate": (b["upd"] - a["upd"]) / (b["t"] - a["t"]),
                    "upd_p50": hist_pct(h, 0.5), "upd_p99": hist_pct(h, 0.99),
                    "rereg": (b["reg"] - a["reg"]) / (b["t"] - a["t"]),  # Updates answered 4.04, and timeouts
                    "fail": b["fail"], "srv_kb": rss_kb(srv.proc.pid), "fleet_b": mem["per_module_b"],
                    "fleet_kb": fleet_kb, "workers": workers, "setups_s": setups_s,
                    "memory": (sb["updates_from_memory"] - sa["updates_from_memory"]) / upd,
                    "ahead": (sb["updates_ahead_of_libcoap"] - sa["updates_ahead_of_libcoap"]) / upd,
                    "load": open("/proc/loadavg").read().split()[0]}
        finally:
            sim.kill()
            sim.wait(60)
            if os.environ.get("BENCH_FLEET_LOG"):
                with open(os.environ["BENCH_FLEET_LOG"], "w") as f:
                    f.write(srv.log_text(limit=None))


def drain(sim):
    """The newest stats line."""
    line = None
    while True:
        r, _, _ = select.select([sim.stdout], [], [], 0 if line else 5)
        if not r:
            return line
        line = sim.stdout.readline()


def table(db, url_of):
    print("sarafw-server (%s) under sarafw-sim --fleet (flash in memory), plain CoAP on loopback, %d CPUs"
          % (db, os.cpu_count()))
    print("%8s %9s %9s %9s %9s %9s %9s %9s %7s %6s %12s %12s" % (
        "devices", "reg/s", "reg p99", "offered/s", "update/s", "upd p50", "upd p99", "rereg/s", "fails",
        "procs", "server B/dev", "fleet B/dev"))
    for n in SIZES:
        with tempfile.TemporaryDirectory() as work:
            r = run(n, url_of(), work)
        print("%8d %9.0f %7.0fms %9.0f %9.0f %7.0fms %7.0fms %9.1f %7d %6d %12.0f %12.0f"
              "   (registered %d in %.0f s; set up by the server %.0f s later; fleet setup %.0f s, RSS %.0f MB;"
              " load %s;"
              " Updates from memory %.0f%%, ahead of libcoap %.0f%%)"
              % (n, r["reg_rate"], r["reg_p99"], r["offer"], r["upd_rate"], r["upd_p50"], r["upd_p99"],
                 r["rereg"], r["fail"], r["workers"] or 1, r["srv_kb"] * 1024 / n, r["fleet_b"],
                 r["reg_done"], r["reg_s"], r["setups_s"], r["setup_s"], r["fleet_kb"] / 1024, r["load"],
                 100 * r["memory"], 100 * r["ahead"]), flush=True)


def main():
    for db in DBS:
        if db == "sqlite":
            table(db, lambda: None)
        elif db == "postgresql":
            with PgCluster() as pg:
                table(db, pg.new_database)
        else:
            raise SystemExit("BENCH_FLEET_DBS: sqlite or postgresql, not %r" % db)


if __name__ == "__main__":
    main()
