#!/usr/bin/python3
"""make bench: FTP and HTTP firmware downloads (note §3, §4) through
sarafw-sim at the radio rates of note Table 3, and the bytes a resume
saves after a cut half-way.

Rates (sarafw-sim --rat, sim/netdl.c): LTE Cat M1 80 kbit/s and NB1
8 kbit/s of module time. Note Table 3 gives "2 kB - 6 MB ... LTE Cat NB1:
up to 100 minutes, LTE Cat M1: up to 10 minutes": 6 MB in 10 min is
80 kbit/s, in 100 min 8 kbit/s. The rates come from that table, so the
figures check the simulator's pacing against it, not a network.

Timing: FTP on a SARA-R410M-02B-03 (its ~16 s start to OK included,
note §3.2), HTTP on a SARA-R422S, each from the download command to its
result URC, against pyftpdlib and nginx on loopback (netservers.py). The
simulator runs at --time-scale SCALE: simulated seconds = wall x SCALE,
checked against the module-time stamps of its own --log. Overhead: the
simulator's CPU seconds (from /proc) over the wall seconds, and the
simulated time over the ideal (bytes x 8 / rate, plus the start).

Resume: a power cut (--power-cut net:N) when half the file is synced,
then either a resume (FTP ,1; HTTP Range from the stored point) or a
restart from byte 0 (FTP without ,1; HTTP with the partial file gone, as
a module without resume does). Bytes fetched are what the server's own
log counts as sent (pyftpdlib's transfer log, nginx's $body_bytes_sent).

Environment:
  BENCH_DL_SIZES   "1M 6M" (default; 1M = 1000000 bytes, as Table 3's MB)
  BENCH_DL_RATS    "m1 nb1"
  BENCH_DL_SCALE   one time scale for every row (default: M1 20, NB1 200,
                   so the paced radio needs 200 kB/s of wall time at most,
                   well below what the simulator's sockets carry)
  BENCH_DL_RESUME  size of the resume comparison (default 1M, at M1's rate)

Usage: bench_download.py BUILD_DIR
"""
import hashlib
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

RATES = {"m1": 80000, "nb1": 8000}  # bit/s of module time, sim/netdl.c rat_bps
TABLE3_S = {"m1": 10 * 60, "nb1": 100 * 60}  # note Table 3: up to, for up to 6 MB
SCALES = {"m1": 20.0, "nb1": 200.0}
FTP_VARIANT = "SARA-R410M-02B-03"
HTTP_VARIANT = "SARA-R422S"
FTP_START_S = 16.0  # note §3.2, sim/cmd_ftp.c START_MS_R41X
NAME = "pkg.bin"  # R410M: no path (note §3.2)
HTTP_PATH = "/fota/pkg.bin"


def parse_size(text):
    """"6M" (10^6 bytes, as the note's MB), "64K" (10^3) or bytes."""
    text = text.strip().upper()
    mult = {"K": 1000, "M": 1000 * 1000}.get(text[-1:], 1)
    return int(text[:-1] if mult > 1 else text) * mult


def payload(size, seed):
    return random.Random(seed).randbytes(size)


class Servers:
    """One pyftpdlib and one nginx for the whole run."""

    def __init__(self):
        import netservers
        self.ftp = netservers.FtpServer()
        self.web = netservers.Nginx()

    def put(self, data):
        self.ftp.put(NAME, data)
        self.web.put(HTTP_PATH.lstrip("/"), data)

    def close(self):
        self.ftp.close()
        self.web.close()


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_download_ms(sim):
    """Module ms from "download started" to "download ended" in --log."""
    t = {}
    for line in sim.log_text().splitlines():
        f = line.split(None, 2)
        if len(f) == 3 and f[2] in ("download started, psm held", "download ended, psm released"):
            t[f[2].split()[1]] = int(f[0])
    return t["ended,"] - t["started,"]


def session(sim, method, servers):
    """Boots the module and sets its profile (FTP: logged in)."""
    p = sim.open()
    sim.wait_boot(p)
    if method == "ftp":
        for cmd in ('AT+UFTP=0,"127.0.0.1"', "AT+UFTP=7,%d" % servers.ftp.port,
                    'AT+UFTP=2,"%s"' % servers.ftp.user, 'AT+UFTP=3,"%s"' % servers.ftp.password,
                    "AT+UFTP=6,1", "AT+UFTPC=1"):
            if p.command(cmd) != ["OK"]:
                raise RuntimeError("%s failed" % cmd)
        p.expect("+UUFTPCR: 1,1", 10)
    else:
        for cmd in ('AT+UHTTP=0,0,"127.0.0.1"', "AT+UHTTP=0,5,%d" % servers.web.port):
            if p.command(cmd) != ["OK"]:
                raise RuntimeError("%s failed" % cmd)
    return p


def start_cmd(method, resume=False):
    if method == "ftp":
        return 'AT+UFTPC=100,"%s"%s' % (NAME, ",1" if resume else "")
    return 'AT+UHTTPC=0,100,"%s"' % HTTP_PATH


def is_result(method):
    if method == "ftp":
        return lambda l: l.startswith("+UUFTPCR: 100,") and "/" not in l
    return lambda l: l.startswith("+UUHTTPCR: 0,100,")


def ok_result(method, line):
    return line == "+UUFTPCR: 100,1" if method == "ftp" else line.startswith("+UUHTTPCR: 0,100,1,200,")


def variant_of(method):
    return FTP_VARIANT if method == "ftp" else HTTP_VARIANT


def fota_package(sim):
    with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
        return f.read()


def timed(method, data, rat, scale, servers):
    """One download at --rat rat: wall, simulated (wall x scale), the
    simulator's log, the ideal and the simulator's CPU seconds."""
    import simharness
    size = len(data)
    ideal = size * 8.0 / RATES[rat] + (FTP_START_S if method == "ftp" else 0.0)
    with simharness.Sim(variant_of(method), time_scale=scale, args=["--rat", rat]) as sim:
        p = session(sim, method, servers)
        cpu0 = cpu_seconds(sim.proc.pid)
        t0 = time.monotonic()
        p.write(start_cmd(method) + "\r")
        lines = p.expect(is_result(method), ideal / scale * 2 + 60)
        wall = time.monotonic() - t0
        cpu = cpu_seconds(sim.proc.pid) - cpu0
        if not ok_result(method, lines[-1]) or fota_package(sim) != data:
            raise RuntimeError("%s download failed: %s" % (method, lines[-1]))
        log_s = log_download_ms(sim) / 1000.0
    return {"method": method, "rat": rat, "size": size, "scale": scale, "wall": wall,
            "sim": wall * scale, "log": log_s, "ideal": ideal, "cpu": cpu}


def synced(sim):
    try:
        with open(os.path.join(sim.state, "netdl")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                if k == "stored":
                    return int(v)
    except FileNotFoundError:
        pass
    return 0


def server_bytes(method, servers, since, want):
    """Bytes the server logged as sent in its transfers from index since
    on, once it has logged want of them (or after 5 s)."""
    if method == "ftp":
        t = servers.ftp.wait_transfers(since + want)[since:]
    else:
        t = servers.web.wait_requests(since + want)[since:]
    return sum(x["bytes"] for x in t), len(t)


def log_count(method, servers):
    return len(servers.ftp.transfers() if method == "ftp" else servers.web.requests())


def resume_vs_restart(method, data, servers, scale, rate, resume):
    """A cut at half the file (the first 64 KiB sync at or past it), then a
    resume or a restart. Returns (bytes synced at the cut, bytes the
    server sent before the cut, bytes it sent after)."""
    import simharness
    size = len(data)
    cut = ["--bandwidth", str(rate), "--power-cut", "net:%d" % (size // 2)]
    with simharness.Sim(variant_of(method), time_scale=scale, args=cut) as sim:
        n0 = log_count(method, servers)
        p = session(sim, method, servers)
        p.write(start_cmd(method) + "\r")
        sim.proc.wait(size * 8.0 / rate / scale * 2 + 60)  # the power cut
        sim.kill()
        kept = synced(sim)
        before, _ = server_bytes(method, servers, n0, 1)
        if not resume and method == "http":
            # a module without resume: nothing of the partial file is left
            for name in ("netdl", "netdl.part"):
                os.remove(os.path.join(sim.state, name))
        n1 = log_count(method, servers)
        sim.args = ["--bandwidth", str(rate)]
        sim.start()
        p = session(sim, method, servers)
        p.write(start_cmd(method, resume) + "\r")
        lines = p.expect(is_result(method), size * 8.0 / rate / scale * 2 + 60)
        if not ok_result(method, lines[-1]) or fota_package(sim) != data:
            raise RuntimeError("%s after the cut failed: %s" % (method, lines[-1]))
        after, _ = server_bytes(method, servers, n1, 1)
    return kept, before, after


def resume_saving(method, data, servers, scale, rate):
    """The resume and the restart after the same cut: a dict with the
    bytes after the cut of each and the share a resume saves."""
    kept, before_r, resumed = resume_vs_restart(method, data, servers, scale, rate, True)
    _, before_s, restarted = resume_vs_restart(method, data, servers, scale, rate, False)
    return {"method": method, "size": len(data), "kept": kept, "before_resume": before_r,
            "before_restart": before_s, "resume": resumed, "restart": restarted,
            "saved": 1.0 - resumed / float(restarted),
            "saved_total": 1.0 - (before_r + resumed) / float(before_s + restarted)}


def main():
    import benchlib
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    benchlib.init(build)
    sizes = [parse_size(s) for s in benchlib.env_list("BENCH_DL_SIZES", "1M 6M")]
    rats = benchlib.env_list("BENCH_DL_RATS", "m1 nb1")
    one_scale = os.environ.get("BENCH_DL_SCALE")
    scales = {r: float(one_scale) if one_scale else SCALES[r] for r in RATES}
    rsize = parse_size(os.environ.get("BENCH_DL_RESUME") or "1M")
    for r in rats:
        if r not in RATES:
            sys.exit("bench_download.py: unknown RAT %r in BENCH_DL_RATS" % r)
    servers = Servers()
    try:
        print("FTP (%s) and HTTP (%s) firmware downloads through sarafw-sim"
              % (FTP_VARIANT, HTTP_VARIANT))
        print("rates: LTE Cat M1 %d bit/s, NB1 %d bit/s of module time (note Table 3: up to 6 MB"
              % (RATES["m1"], RATES["nb1"]))
        print("in up to 10 min on M1, 100 min on NB1). sim s = wall x scale; log s: the")
        print("simulator's own module-time stamps; ideal: bytes x 8 / rate (+16 s FTP start on")
        print("R410M, note §3.2); eff = ideal / sim s; cpu: the simulator's CPU s / wall s.\n")
        print("method  rat      bytes scale   wall s     sim s     log s   ideal s    eff   cpu  Table 3")
        for size in sizes:
            data = payload(size, size)
            servers.put(data)
            for rat in rats:
                for method in ("ftp", "http"):
                    r = timed(method, data, rat, scales[rat], servers)
                    print("%-6s %4s %10d %5g %8.2f %9.1f %9.1f %9.1f %6.3f %5.3f  up to %d s for <= 6 MB"
                          % (method.upper(), rat, size, r["scale"], r["wall"], r["sim"], r["log"],
                             r["ideal"],
                             r["ideal"] / r["sim"], r["cpu"] / r["wall"], TABLE3_S[rat]))
                    sys.stdout.flush()
        data = payload(rsize, 7)
        servers.put(data)
        print("\nResume after a power cut at 50 %% (--power-cut net:%d, M1 rate): bytes the"
              % (rsize // 2))
        print("server sent after the cut, resuming from the stored point or starting again;")
        print("before: bytes it had sent up to the cut (the cut session's own log line).\n")
        print("method      bytes  stored at cut   before   resume  restart  saved  saved incl. before")
        for method in ("ftp", "http"):
            r = resume_saving(method, data, servers, scales["m1"], RATES["m1"])
            print("%-6s %10d %14d %8d %8d %8d %6.3f %6.3f"
                  % (method.upper(), r["size"], r["kept"], r["before_resume"], r["resume"],
                     r["restart"], r["saved"], r["saved_total"]))
    finally:
        servers.close()


if __name__ == "__main__":
    main()
