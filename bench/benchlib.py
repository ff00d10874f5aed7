"""What the `make bench` scripts share: the build's programs, a package of
random bytes, `sarafw update` and lrzsz `sx -k` through sarafw-sim, and
the times read from sarafw's --trace.

    import benchlib
    sim_mod = benchlib.init("build")      # before anything uses simharness
    with sim_mod.Sim("SARA-R422S", time_scale=50) as sim:
        run = benchlib.sarafw_update(sim, pkg, ["--method", "xmodem1k"], 50)

The time scale shortens the module's preparation and sarafw's own waits;
the simulator paces the line itself in wall time at the real rate, so a
scale never makes a transfer faster than the wire allows.
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
build = None
simharness = None


def init(build_dir):
    """Points simharness at build_dir/bin (it reads SARAFW_BIN when it is
    imported) and returns the module."""
    global build, simharness
    build = build_dir
    os.environ["SARAFW_BIN"] = os.path.join(build, "bin")
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
    import simharness as sh  # noqa: E402
    simharness = sh
    return sh


def make_package(name, size):
    """A file of size random bytes in build/bench; returns its path."""
    work = os.path.join(build, "bench")
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.write(os.urandom(size))
    return path


def parse_size(text):
    """"8M", "64K" or a byte count."""
    text = text.strip().upper()
    mult = {"K": 1 << 10, "M": 1 << 20}.get(text[-1:], 1)
    return int(text[:-1] if mult > 1 else text) * mult


def env_list(name, default, conv=str):
    """A space- or comma-separated list from the environment."""
    text = os.environ.get(name) or default
    return [conv(t) for t in text.replace(",", " ").split()]


def line_seconds(size, baud):
    """What the bytes take on the wire: 10 bits a byte (8N1)."""
    return size * 10.0 / baud


def read_trace(path):
    """sarafw --trace lines as (monotonic seconds, dir, text); dir is '>'
    (sent), '<' (received) or '#' (a note)."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            stamp, _, rest = line.rstrip("\n").partition(" ")
            out.append((float(stamp), rest[:1], rest[2:]))
    return out


def trace_find(trace, pred, start=0):
    """Index of the first trace line from index start on that satisfies
    pred(dir, text), or None. (Indices, not times: lines a millisecond
    apart share a stamp.)"""
    for i in range(start, len(trace)):
        if pred(trace[i][1], trace[i][2]):
            return i
    return None


class Run:
    """One `sarafw update`: wall seconds from start to exit, its --json
    events and its --trace lines."""

    def __init__(self, wall, events, trace):
        self.wall = wall
        self.events = events
        self.trace = trace

    def event(self, name):
        found = [e for e in self.events if e.get("event") == name]
        return found[0] if found else None

    def sent(self, prefix):
        """Index of the first command sent that starts with prefix."""
        return trace_find(self.trace, lambda d, s: d == ">" and s.startswith(prefix))

    def final_ok(self, start):
        """Index of the first OK received from index start on."""
        return trace_find(self.trace, lambda d, s: d == "<" and s == "OK", start)

    def seconds(self, i, j):
        return self.trace[j][0] - self.trace[i][0]

    def rate(self, before):
        """The rate of the line when the command at index before went
        out: the last AT+IPR=N sent before it, else 115200."""
        rate = 115200
        for _, d, s in self.trace[:before]:
            if d == ">" and s.startswith("AT+IPR="):
                rate = int(s[len("AT+IPR="):])
        return rate


def wait_booted(sim):
    """Waits until the simulated module answers AT, so a timed command
    does not include its boot."""
    port = sim.open()
    sim.wait_boot(port)
    port.close()
    sim.ports.remove(port)


def sarafw_update(sim, pkg, args, scale, timeout=3600):
    """Runs `sarafw --port LINK update PKG ARGS --json --trace FILE` with
    SARAFW_TIME_SCALE=scale (None: unscaled); returns a Run or raises with
    its stderr."""
    trace = os.path.join(sim.work, "update.trace")
    argv = [os.path.join(build, "bin", "sarafw"), "--port", sim.link, "--json", "--trace", trace,
            "update", pkg, "--no-install"] + list(args)
    env = dict(os.environ)
    env.pop("SARAFW_TIME_SCALE", None)
    if scale is not None:
        env["SARAFW_TIME_SCALE"] = str(scale)
    t0 = time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    wall = time.monotonic() - t0
    if out.returncode != 0:
        raise RuntimeError("sarafw %s failed: %s" % (" ".join(args), out.stderr.strip()))
    events = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
    return Run(wall, events, read_trace(trace))


def xmodem_run(sim, pkg, block, baud, scale):
    """sarafw's XMODEM (block 128 or 1024) at baud: (seconds, data
    seconds) of its "downloaded" event (first block to the end of XMODEM,
    and to the last block's ACK)."""
    # --baud always: the rate is the bench's choice, not the plan's
    args = ["--method", "xmodem1k" if block == 1024 else "xmodem", "--baud", str(baud)]
    done = sarafw_update(sim, pkg, args, scale).event("downloaded")
    return done["seconds"], done["data_seconds"]


def sx_run(sim, pkg, baud, timeout=3600):
    """lrzsz `sx -k` sends pkg into AT+UFWUPD=3 at baud (switched by hand
    with AT+IPR, back to 115200 at the end). Returns (seconds of sx from
    start to exit, seconds from AT+UFWUPD=3 to the final OK)."""
    sx = simharness.require_program("sx", "lrzsz")
    port = sim.open()
    sim.wait_boot(port)
    if baud != 115200:
        assert port.command("AT+IPR=%d" % baud) == ["OK"]
        time.sleep(0.05)
        port.set_speed(baud)
        sim.wait_boot(port)
    t_cmd = time.monotonic()
    port.write("AT+UFWUPD=3\r")
    port.expect("+UFWUPD: ONGOING", timeout=30)
    fd = os.dup(port.fd)
    os.set_blocking(fd, True)
    t0 = time.monotonic()
    p = subprocess.run([sx, "-k", "-q", pkg], stdin=fd, stdout=fd, stderr=subprocess.DEVNULL,
                       timeout=timeout)
    secs = time.monotonic() - t0
    os.close(fd)
    if p.returncode != 0:
        raise RuntimeError("sx -k failed")
    port.expect("OK", timeout=30)
    total = time.monotonic() - t_cmd
    if baud != 115200:
        port.command("AT+IPR=115200")
    port.close()
    sim.ports.remove(port)
    return secs, total
