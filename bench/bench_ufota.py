"""make bench: uFOTA download times through sarafw-sim's LwM2M client,
against note Table 3 (a 6 MB delta: up to 10 min on LTE Cat M1, up to 100
min on NB1), over CoAP block-wise (libcoap's coap-server, block sizes
256/512/1024) and over HTTP (nginx); the bytes of one registration; the
simulator's memory with and without its LwM2M client.

    bench_ufota.py BUILD   (BENCH_UFOTA_SIZES="1M,6M", BENCH_UFOTA_RATS="m1,nb1",
                            BENCH_UFOTA_BLOCKS="256,512,1024")

Durations are module time, read from the simulator's --log between the
URCs "+UFOTASTAT: 1,0,0" and "+UFOTASTAT: 2,2,100"; the time scale only
shortens the wall time of a run. The simulated radio paces payload bytes
at the RAT's rate (--rat); it adds no per-block latency, so block sizes
differ here only by what the pacing and the request turnaround cost.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import benchlib

TABLE3 = {"m1": 10 * 60, "nb1": 100 * 60}  # seconds for a 6 MB delta
RATE = {"m1": 80000, "nb1": 8000}


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        fields = dict(l.split(":", 1) for l in f if ":" in l)
    return int(fields["VmHWM"].split()[0]), int(fields["VmRSS"].split()[0])


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    sim_mod = benchlib.init(build)
    import lwm2mpeer
    sizes = [benchlib.parse_size(s) for s in os.environ.get("BENCH_UFOTA_SIZES", "1M,6M").split(",")]
    rats = os.environ.get("BENCH_UFOTA_RATS", "m1,nb1").split(",")
    blocks = [int(b) for b in os.environ.get("BENCH_UFOTA_BLOCKS", "256,512,1024").split(",")]
    tmp = tempfile.mkdtemp(prefix="bench-ufota-")
    web = lwm2mpeer.PackageServer(os.path.join(tmp, "www"))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        cport = s.getsockname()[1]
    coap = subprocess.Popen(["coap-server-openssl", "-A", "127.0.0.1", "-p", str(cport), "-d", "20"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        files = {}
        for size in sizes:
            name = "pkg%d.bin" % size
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(os.urandom(size))
            files[size] = (web.put(name, open(path, "rb").read()), "coap://127.0.0.1:%d/%s" % (cport, name))
            for _ in range(50):
                r = subprocess.run(["coap-client-openssl", "-m", "put", "-b", "1024", "-f", path,
                                    files[size][1]], capture_output=True, timeout=120)
                if r.returncode == 0:
                    break
                time.sleep(0.1)
        print("uFOTA download through sarafw-sim (SARA-R410M-73B), module time from 1,0,0 to 2,2,100")
        print("note Table 3: a 6 MB delta in up to %d s on M1, %d s on NB1" % (TABLE3["m1"], TABLE3["nb1"]))
        print("%-8s %-4s %-14s %10s %10s %12s" % ("size", "rat", "transport", "seconds", "kbit/s",
                                                  "6 MB scaled"))
        for size in sizes:
            for rat in rats:
                expect = size * 8 / RATE[rat]
                cases = [("http", None)] + [("coap %d" % b, b) for b in blocks]
                for label, block in cases:
                    # about 15 s of wall time a run, and at least 5 ms of
                    # wall time a block, so the simulator's own turnaround
                    # never paces the transfer
                    scale = max(1.0, expect / 15.0)
                    if block:
                        scale = max(1.0, min(scale, block * 8 / RATE[rat] * 1000 / 5))
                    srv = lwm2mpeer.Server()
                    args = ["--lwm2m-server", srv.uri, "--rat", rat]
                    if block:
                        args += ["--lwm2m-block", str(block)]
                    with sim_mod.Sim("SARA-R410M-73B", time_scale=scale, args=args) as sim:
                        port = sim.open()
                        sim.wait_boot(port)
                        srv.wait_event("register", 20)
                        srv.write("/5/0/1", (files[size][1] if block else files[size][0]).encode())
                        deadline = time.monotonic() + expect / scale * 4 + 30
                        t = None
                        while time.monotonic() < deadline:
                            m1 = re.search(r"^\s*(\d+) > \+UFOTASTAT: 1,0,0", sim.log_text(), re.M)
                            m2 = re.search(r"^\s*(\d+) > \+UFOTASTAT: 2,(\d),(\d+)", sim.log_text(), re.M)
                            if m1 and m2:
                                t = (int(m2.group(1)) - int(m1.group(1))) / 1000.0
                                ok = m2.group(2) == "2"
                                break
                            time.sleep(0.2)
                    srv.close()
                    if t is None:
                        print("%-8s %-4s %-14s %10s" % (size, rat, label, "timeout"))
                        continue
                    print("%-8d %-4s %-14s %10.1f %10.2f %12.0f%s" % (
                        size, rat, label, t, size * 8 / t / 1000, t * 6e6 / size,
                        "" if ok else "  (failed)"))
        # one registration, and the simulator's memory with its client
        srv = lwm2mpeer.Server()
        with sim_mod.Sim("SARA-R422S", time_scale=50, args=["--lwm2m-server", srv.uri]) as sim:
            port = sim.open()
            sim.wait_boot(port)
            reg = srv.wait_event("register", 20)
            srv.read("/3/0")
            srv.read("/5/0")
            with_client = rss_kb(sim.proc.pid)
        srv.close()
        with sim_mod.Sim("SARA-R422S", time_scale=50) as sim:
            port = sim.open()
            sim.wait_boot(port)
            time.sleep(0.3)
            without = rss_kb(sim.proc.pid)
        print()
        print("registration (NoSec): %d bytes, Register request + 2.01 response (UDP payloads);"
              % reg["bytes"])
        print("  with DTLS-PSK see tests/integration/test_sim_lwm2m.py test_dtls_psk_registration_bytes")
        print("sarafw-sim peak RSS: %d kB with its LwM2M client registered, %d kB without (%+d kB)"
              % (with_client[0], without[0], with_client[0] - without[0]))
    finally:
        coap.terminate()
        coap.wait()
        web.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
