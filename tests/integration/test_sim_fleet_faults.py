"""sarafw-sim --fleet with seeded power cuts and signal fades: every module
still registers with sarafw-server, the same --seed gives the same fleet
(IMEIs, hosts, also over worker processes), the fleet stops cleanly on
SIGTERM and counts its faults;
bad --fleet options are refused."""
import os
import re
import subprocess
import sys
import tempfile
import time

from serverharness import BIN, Server

SCALE = float(os.environ.get("SARAFW_TIME_SCALE", "50"))


def fleet(srv, d, *extra):
    argv = [os.path.join(BIN, "sarafw-sim"), "--fleet", "8", "--variant", "SARA-R422S", "--state", d,
            "--lwm2m-server", "coap://127.0.0.1:%d" % srv.coap_port, "--time-scale", str(SCALE),
            "--seed", "5"] + list(extra)
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def main():
    sim = os.path.join(BIN, "sarafw-sim")
    for bad in (["--fleet", "0"], ["--fleet", "x"], ["--fleet", "300000"],
                ["--fleet", "2", "--fleet-faults", "misbehave=2"], ["--fleet", "2", "--fleet-stats", "0"],
                ["--fleet", "2", "--fleet-lifetime", "0"], ["--fleet", "2", "--fleet-flash", "tmpfs"],
                ["--fleet", "2", "--fleet-flash", ""], ["--fleet", "2", "--fleet-procs", "0"],
                ["--fleet", "2", "--fleet-procs", "65"], ["--fleet", "2", "--fleet-procs", "-1"],
                ["--fleet", "2", "--fleet-procs", "2x"], ["--fleet", "2", "--fleet-ramp", "-1"],
                ["--fleet", "2", "--fleet-ramp", "x"], ["--fleet", "2", "--fleet-ramp", "90000"]):
        r = subprocess.run([sim, "--variant", "SARA-R422S", "--state", "/nonexistent",
                            "--lwm2m-server", "coap://127.0.0.1:1"] + bad, capture_output=True, text=True)
        assert r.returncode == 2 and "sarafw-sim: --fleet" in r.stderr, (bad, r.stderr)
    r = subprocess.run([sim, "--fleet", "2", "--variant", "SARA-R422S", "--state", "/tmp/x"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "--lwm2m-server" in r.stderr, r.stderr

    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        # about one power cut and one fade per module minute of module time
        p = fleet(srv, os.path.join(work, "a"), "--fleet-faults", "powercut=60,fade=60,fade-s=5")
        assert p.stdout.readline() == "ready fleet 8\n"
        assert p.stdout.readline().startswith("memory rss_kb=")
        with open(os.path.join(work, "a", "fleet.txt")) as f:
            rows = [l.split() for l in f]
        assert len(rows) == 8 and all(r[2] == "good" for r in rows), rows
        for r in rows:
            srv.wait_device("urn:imei:" + r[1], timeout=30)
        time.sleep(4)
        assert p.poll() is None and srv.alive()
        p.terminate()
        assert p.wait(10) == 0
        err = p.stderr.read()
        m = re.search(r"fleet of 8: (\d+) host resets, (\d+) power cuts, (\d+) fades", err)
        assert m and int(m.group(2)) > 0 and int(m.group(3)) > 0, err
        # the same seed: the same IMEIs and hosts, from a fresh dir, also
        # spread over two worker processes
        q = fleet(srv, os.path.join(work, "b"), "--fleet-faults", "misbehave=0.5", "--fleet-procs", "2")
        assert q.stdout.readline() == "ready fleet 8\n"
        with open(os.path.join(work, "b", "fleet.txt")) as f:
            rows_b = [l.split() for l in f]
        assert [r[1] for r in rows_b] == [r[1] for r in rows], (rows, rows_b)
        assert sum(r[2] == "misbehaving" for r in rows_b) == 4, rows_b
        q.terminate()
        assert q.wait(10) == 0
    # --fleet-ramp: the modules power on evenly over the ramp (module s),
    # so the last one registers well after the first
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        ramp = 8 * SCALE  # 8 wall seconds for 8 modules
        r = fleet(srv, os.path.join(work, "c"), "--fleet-ramp", str(ramp))
        assert r.stdout.readline() == "ready fleet 8\n"
        with open(os.path.join(work, "c", "fleet.txt")) as f:
            rows = [l.split() for l in f]
        starts = [float(row[3]) for row in rows]
        assert all(abs(t - ramp * i / 8) < 0.002 for i, t in enumerate(starts)), starts
        srv.wait_device("urn:imei:" + rows[0][1], pred=lambda d: d["state"] == "registered", timeout=30)
        last = srv.device("urn:imei:" + rows[7][1])
        assert last is None, ("the last module registered with the first", last)
        srv.wait_device("urn:imei:" + rows[7][1], pred=lambda d: d["state"] == "registered", timeout=40)
        r.terminate()
        assert r.wait(10) == 0
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
