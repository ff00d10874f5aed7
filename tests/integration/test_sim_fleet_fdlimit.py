"""sarafw-sim --fleet N and the open-file limit. A module holds 4 open
files (its libcoap context's epoll, timerfd and socket, and a record of its
flash on disk while it writes; 3 with --fleet-flash memory) and a process
1024 more: short of them, modules could not read their identity record and
registered as "urn:imei:", one endpoint that every such module took from
the others (their Updates were all answered 4.04).

- A limit too low for even one module per process: refused, nothing runs.
- More modules than one process holds: the fleet spreads over worker
  processes, each under the same limit, and every module registers with
  its own IMEI from its own loopback address (127.1.0.1 + index), which
  the server records as the device's address.
- --fleet-flash memory: no module directory is made, and the modules
  register the same way.
- Killing the fleet's first process (kill -9) ends its workers."""
import os
import resource
import sqlite3
import subprocess
import tempfile
import time

from serverharness import BIN, Server


def fleet(work, n, nofile, port, name, *extra):
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    argv = [os.path.join(BIN, "sarafw-sim"), "--fleet", str(n), "--variant", "SARA-R410M-02B-03",
            "--state", os.path.join(work, name), "--lwm2m-server", "coap://127.0.0.1:%d" % port,
            "--time-scale", "10", "--seed", "7"] + list(extra)
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit)


def children(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(x) for x in f.read().split()]


def registered(srv, want, deadline_s=40):
    """{endpoint: address} once `want` devices registered."""
    deadline = time.monotonic() + deadline_s
    while True:
        with sqlite3.connect(srv.db) as db:
            rows = dict(db.execute("SELECT endpoint, address FROM devices"))
        if len(rows) >= want:
            return rows
        assert time.monotonic() < deadline, (len(rows), sorted(rows)[:5])
        time.sleep(0.5)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open("/proc/%d/stat" % pid) as f:
        return f.read().split()[2] != "Z"


def main():
    with tempfile.TemporaryDirectory() as work:
        with Server(work) as srv:
            # 400 modules need 400 * 4 + 1024 = 2624 files; under 1000 a
            # process holds none
            sim = fleet(work, 400, 1000, srv.coap_port, "refused")
            try:
                out, err = sim.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                sim.kill()
                sim.communicate()
                raise AssertionError("a fleet short of open files ran")
            assert sim.returncode == 1, (sim.returncode, err)
            assert "--fleet 400 needs 2624 open files, the limit is 1000" in err, err
            assert "a process holds at most 0 modules" in err, err
            assert not out.startswith("ready fleet"), out
            assert not os.path.exists(os.path.join(work, "refused", "m000000")), "a refused fleet made modules"

            # 120 modules under 1200 files: (1200 - 1024) / 4 = 44 a process, 3 workers
            sim = fleet(work, 120, 1200, srv.coap_port, "workers", "--fleet-stats", "0.5")
            try:
                assert sim.stdout.readline().startswith("ready fleet 120"), sim.stderr.read()
                assert sim.stdout.readline().startswith("memory rss_kb="), "no memory line"
                workers = children(sim.pid)
                assert len(workers) == 3, workers
                rows = registered(srv, 120)
                assert all(len(e) == len("urn:imei:") + 15 for e in rows), sorted(rows)
                addrs = {a.rsplit(":", 1)[0].strip("[]") for a in rows.values()}
                want = {"127.1.0.%d" % (i + 1) for i in range(120)}
                assert addrs == want, sorted(addrs ^ want)[:10]
                # the first process's figures count every worker's Registers
                deadline = time.monotonic() + 10
                while True:
                    line = sim.stdout.readline()
                    assert line.startswith("stats "), line
                    if int(dict(x.split("=") for x in line.split()[1:])["reg"]) >= 120:
                        break
                    assert time.monotonic() < deadline, line
                sim.kill()  # kill -9 of the first process ends the workers
                sim.communicate()
                deadline = time.monotonic() + 10
                while any(alive(p) for p in workers):
                    assert time.monotonic() < deadline, [p for p in workers if alive(p)]
                    time.sleep(0.2)
            finally:
                if sim.poll() is None:
                    sim.kill()
                    sim.communicate()

        # in memory: (1200 - 1024) / 3 = 58 a process, one process for 50
        os.makedirs(os.path.join(work, "mem"))
        with Server(os.path.join(work, "mem")) as srv:
            sim = fleet(work, 50, 1200, srv.coap_port, "memory", "--fleet-flash", "memory")
            try:
                assert sim.stdout.readline().startswith("ready fleet 50"), sim.stderr.read()
                assert children(sim.pid) == [], children(sim.pid)
                rows = registered(srv, 50)
                assert all(len(e) == len("urn:imei:") + 15 for e in rows), sorted(rows)
                assert os.listdir(os.path.join(work, "memory")) == ["fleet.txt"], \
                    os.listdir(os.path.join(work, "memory"))
                with open(os.path.join(work, "memory", "fleet.txt")) as f:
                    imeis = {"urn:imei:" + line.split()[1] for line in f}
                assert imeis == set(rows), sorted(imeis ^ set(rows))[:5]
                sim.terminate()
                out, err = sim.communicate(timeout=20)
                assert sim.returncode == 0, (sim.returncode, err)
                assert "fleet of 50:" in err, err
            finally:
                if sim.poll() is None:
                    sim.kill()
                    sim.communicate()
    print("ok")


if __name__ == "__main__":
    main()
