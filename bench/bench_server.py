"""sarafw-server: LwM2M Register and Update throughput and latency over
plain CoAP on loopback, from raw datagrams with W requests in flight
(the clients never answer the server's Observe and Read), and the server's
memory afterwards. A first figure for the issue's benchmark; the client
here is Python, so at high rates it measures itself as much as the server.

    /usr/bin/python3 bench/bench_server.py BUILD [N] [W]
"""
import os
import select
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
build = sys.argv[1] if len(sys.argv) > 1 else "build"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
W = int(sys.argv[3]) if len(sys.argv) > 3 else 16
os.environ["SARAFW_BIN"] = os.path.abspath(os.path.join(build, "bin"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from serverharness import (ACK, CON, LOCATION_PATH, POST, Exchange, Server, decode,  # noqa: E402
                           encode, opt_all)


def run(socks, make):
    """N requests, W in flight: (per second, p50 ms, p99 ms, answers)."""
    lat, sent, answers = [], {}, {}
    index = {s.sock: i for i, s in enumerate(socks)}
    nxt = done = 0
    t0 = time.monotonic()

    def send(i):
        nonlocal nxt
        s = socks[i]
        mid = s.next_mid()
        s.send(make(nxt, mid))
        sent[(i, mid)] = (time.monotonic(), nxt)
        nxt += 1

    for i in range(min(W, N)):
        send(i)
    while done < N:
        r, _, _ = select.select(list(index), [], [], 10)
        if not r:
            raise SystemExit("stalled after %d answers" % done)
        for sk in r:
            i = index[sk]
            m = decode(sk.recv(65536))
            if not m or m[0] != ACK or (i, m[2]) not in sent:
                continue  # the server's own requests: not answered here
            t, k = sent.pop((i, m[2]))
            lat.append(time.monotonic() - t)
            answers[k] = m
            done += 1
            if nxt < N:
                send(i)
    el = time.monotonic() - t0
    lat.sort()
    return N / el, lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000, answers


def main():
    with tempfile.TemporaryDirectory() as work, \
            Server(work, args=["--max-reg-rate", "10000000", "--max-devices", str(max(N, 1))]) as srv:
        socks = [Exchange(srv.coap_port) for _ in range(W)]
        reg = lambda k, mid: encode(CON, POST, mid, b"r%d" % k, [
            (11, "rd"), (15, "ep=bench%07d" % k), (15, "lt=86400"), (15, "lwm2m=1.0"), (12, 40)],
            b"</1/0>,</3/0>,</5/0>")
        rate, p50, p99, ans = run(socks, reg)
        print("register %6d devices, %2d in flight: %6.0f/s  p50 %6.1f ms  p99 %6.1f ms"
              % (N, W, rate, p50, p99))
        locs = {k: [v.decode() for v in opt_all(m[4], LOCATION_PATH)] for k, m in ans.items()}
        upd = lambda k, mid: encode(CON, POST, mid, b"u%d" % k, [(11, p) for p in locs[k % N]])
        rate, p50, p99, _ = run(socks, upd)
        print("update   %6d updates, %2d in flight: %6.0f/s  p50 %6.1f ms  p99 %6.1f ms"
              % (N, W, rate, p50, p99))
        with open("/proc/%d/status" % srv.proc.pid) as f:
            rss = int([l for l in f if l.startswith("VmRSS")][0].split()[1])
        print("server RSS %d kB (%.1f kB per device); load average %s"
              % (rss, rss / N, open("/proc/loadavg").read().split()[0]))
        for s in socks:
            s.close()


if __name__ == "__main__":
    main()
