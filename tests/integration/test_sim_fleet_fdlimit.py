"""sarafw-sim --fleet N refuses to start when it cannot have the open files
N modules need (4 per module and 1024): short of them, modules could not
read their identity record and registered as "urn:imei:", one endpoint
that every such module took from the others (their Updates were all
answered 4.04). With enough files the same fleet starts and its modules
register with their own IMEIs."""
import os
import resource
import subprocess
import tempfile
import time

from serverharness import BIN, Server


def fleet(work, n, nofile, port):
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    argv = [os.path.join(BIN, "sarafw-sim"), "--fleet", str(n), "--variant", "SARA-R410M-02B-03",
            "--state", os.path.join(work, "fleet%d" % nofile), "--lwm2m-server", "coap://127.0.0.1:%d" % port,
            "--time-scale", "10"]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit)


def main():
    n = 400
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        # 400 modules need 400 * 4 + 1024 = 2624 files
        sim = fleet(work, n, 1000, srv.coap_port)
        try:
            out, err = sim.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            sim.kill()
            sim.communicate()
            raise AssertionError("a fleet short of open files ran")
        assert sim.returncode == 1, (sim.returncode, err)
        assert "--fleet 400 needs 2624 open files, the limit is 1000" in err, err
        assert not out.startswith("ready fleet"), out

        sim = fleet(work, 20, 1200, srv.coap_port)  # needs 1104
        try:
            assert sim.stdout.readline().startswith("ready fleet"), sim.stderr.read()
            deadline = time.monotonic() + 30
            while True:
                st, devs = srv.api("GET", "/api/v1/devices")
                assert st == 200, st
                eps = {d["endpoint"] for d in devs}
                if len(eps) == 20:
                    break
                assert time.monotonic() < deadline, sorted(eps)
                time.sleep(0.5)
            assert all(len(e) == len("urn:imei:") + 15 for e in eps), sorted(eps)
        finally:
            sim.kill()
            sim.communicate()
    print("ok")


if __name__ == "__main__":
    main()
