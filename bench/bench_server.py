"""sarafw-server: LwM2M Register and Update throughput and latency over
plain CoAP on loopback, on SQLite and on PostgreSQL, and the server's
memory per device. The load comes from bench/lwm2m_load.c (C, built with
the server; about 35,000 requests/s against a trivial responder here, so
it is not what limits these figures): N devices register, each from its
own socket, answering the server's Observe and Read as a module would;
after 2 s (their observations settle) Updates go to the devices in turn.

Two loads per backend:
  closed: W requests in flight, as fast as the server answers (throughput);
  open:   new requests started at R per second (up to 256 in flight), the
          latency a fleet sending R Updates per second would see.

    /usr/bin/python3 bench/bench_server.py BUILD [N] [W] [R] [BACKENDS]

N devices (default 5000), W in flight (32), R per second (5000),
BACKENDS "sqlite,pg" (default both; pg starts a private PostgreSQL 15
cluster, tests/integration/pgcluster.py, with fsync on; the server connects
over TCP to 127.0.0.1, or over the cluster's Unix socket with
BENCH_SERVER_PG_SOCKET=1; BENCH_SERVER_PG_OPTS, e.g. "-c
wal_writer_flush_after=0", adds settings to the cluster). Updates per run:
BENCH_SERVER_UPDATES (default 10 x N); the loads run: BENCH_SERVER_MODES
(default "closed,open"). SARAFW_LOOP_TRACE=MS is passed to the server (its
slow loop parts go to its log, kept in BENCH_SERVER_LOG if set), and so is
SARAFW_PG_PREPARE (docs/server-api.md).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
build = sys.argv[1] if len(sys.argv) > 1 else "build"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
W = int(sys.argv[3]) if len(sys.argv) > 3 else 32
R = float(sys.argv[4]) if len(sys.argv) > 4 else 5000
BACKENDS = (sys.argv[5] if len(sys.argv) > 5 else "sqlite,pg").split(",")
MODES = os.environ.get("BENCH_SERVER_MODES", "closed,open").split(",")
U = int(os.environ.get("BENCH_SERVER_UPDATES", 10 * N))
PG_SOCKET = os.environ.get("BENCH_SERVER_PG_SOCKET", "0") != "0"
PG_OPTS = os.environ.get("BENCH_SERVER_PG_OPTS", "")
BIN = os.path.abspath(os.path.join(build, "bin"))
os.environ["SARAFW_BIN"] = BIN
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from pgcluster import PgCluster  # noqa: E402
from serverharness import Server  # noqa: E402


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int([l for l in f if l.startswith("VmRSS")][0].split()[1])


def load(port, extra):
    r = subprocess.run([os.path.join(BIN, "lwm2m_load"), "--server", "127.0.0.1:%d" % port,
                        "--devices", str(N), "--updates", str(U)] + extra,
                       check=True, stdout=subprocess.PIPE, timeout=600)
    return json.loads(r.stdout)


def one(backend, mode, db_url):
    extra = ["--inflight", str(W)] if mode == "closed" else ["--inflight", "256", "--rate", "%g" % R]
    with tempfile.TemporaryDirectory() as work, \
            Server(work, db_url=db_url, store=os.path.join(work, "packages") if db_url else None,
                   args=["--max-reg-rate", "10000000", "--max-devices", str(max(N, 1))]) as srv:
        base = rss_kb(srv.proc.pid)
        j = load(srv.coap_port, extra)
        time.sleep(0.5)
        rss = rss_kb(srv.proc.pid)
        cpu = [int(x) for x in open("/proc/%d/stat" % srv.proc.pid).read().rsplit(")", 1)[1].split()[11:13]]
        if os.environ.get("BENCH_SERVER_LOG"):
            with open(os.environ["BENCH_SERVER_LOG"], "a") as f:
                f.write(open(os.path.join(work, "server.log"), errors="replace").read())
    return j, base, rss, sum(cpu) / os.sysconf("SC_CLK_TCK")


def row(backend, mode, j, base, rss, cpu):
    r, u = j["register"], j["update"]
    load1 = open("/proc/loadavg").read().split()[0]
    lost = r["not_answered"] + u["not_answered"] + r["errors"] + u["errors"]
    return ("%-6s %-6s %6d %8.0f %7.1f %7.1f %8.0f %7.1f %7.1f %6d %5d %8.0f %8.0f %5.1f %6s %s"
            % (backend, mode if mode == "closed" else "%g/s" % R, N, r["per_s"], r["p50_ms"], r["p99_ms"],
               u["per_s"], u["p50_ms"], u["p99_ms"], j["retransmits"], lost, (rss - base) * 1024 / N,
               rss * 1024 / N, cpu, load1, time.strftime("%H:%M", time.gmtime())))


def main():
    print("sarafw-server, plain CoAP on loopback, %d devices, %d Updates per run (bench/lwm2m_load.c)" % (N, U))
    print("closed: %d requests in flight; %g/s: started at that rate, up to 256 in flight." % (W, R))
    print("B/dev: server RSS growth over the run, and whole RSS, per device. cpu: server CPU s.")
    print("%-6s %-6s %6s %8s %7s %7s %8s %7s %7s %6s %5s %8s %8s %5s %6s %s"
          % ("db", "load", "devs", "reg/s", "reg p50", "reg p99", "upd/s", "upd p50", "upd p99", "retx",
             "fail", "B/dev+", "B/dev", "cpu", "load1", "UTC"))
    for backend in BACKENDS:
        if backend == "sqlite":
            for mode in MODES:
                print(row(backend, mode, *one(backend, mode, None)), flush=True)
        elif backend == "pg":
            with PgCluster(fsync=True, options=PG_OPTS) as pg:
                for mode in MODES:
                    print(row(backend, mode, *one(backend, mode, pg.new_database(socket=PG_SOCKET))), flush=True)
        else:
            raise SystemExit("unknown backend %s (sqlite, pg)" % backend)


if __name__ == "__main__":
    main()
