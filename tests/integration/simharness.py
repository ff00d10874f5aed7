"""Drive sarafw-sim from Python tests (standard library only).

    from simharness import Sim
    with Sim("SARA-R410M-02B-03", time_scale=50) as sim:
        port = sim.open()                 # raw, 115200 8N1
        sim.wait_boot(port)               # AT until OK
        assert port.command("ATI9") == ["L0.0.00.00.05.12,A.02.19", "OK"]
        sim.kill()                        # SIGKILL: a power cut
        sim.start()                       # same state dir
        port = sim.open()

Nothing here blocks without a deadline: every wait takes a timeout and
raises TimeoutError with what was received so far. The binary is found in
$SARAFW_BIN (set by ctest), else build/bin of the source tree.
"""
import importlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("SARAFW_BIN") or os.path.join(HERE, "..", "..", "build", "bin")

VARIANTS = [
    "SARA-R410M-02B-00", "SARA-R410M-02B-01", "SARA-R410M-02B-02", "SARA-R410M-02B-03",
    "SARA-R410M-52B", "SARA-R410M-63B", "SARA-R410M-73B", "SARA-R410M-83B",
    "SARA-R412M-02B-00", "SARA-R412M-02B-01", "SARA-R412M-02B-02", "SARA-R412M-02B-03",
    "SARA-R422", "SARA-R422S", "SARA-R422M8S", "SARA-N410",
]

SPEEDS = {
    9600: termios.B9600, 19200: termios.B19200, 38400: termios.B38400,
    57600: termios.B57600, 115200: termios.B115200, 230400: termios.B230400,
    460800: termios.B460800, 921600: termios.B921600, 3000000: termios.B3000000,
}

FINAL = ("OK", "ERROR", "ERROR1")


def _missing(what, package):
    # a test that cannot meet its peer has not passed: exit 1 (ctest: failed)
    sys.exit("%s: FAILED: %s is missing: install the Debian package %s (`make deps` does)"
             % (os.path.basename(sys.argv[0]), what, package))


def require_module(name, package):
    """Imports a Python module a test declares as a dependency (e.g.
    xmodem from python3-xmodem); if it is missing, the test program exits
    at once with status 1 and one line saying what to install."""
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing("the Python module %r" % name, package)


def require_program(name, package):
    """The path of a program a test declares as a dependency (e.g. sx from
    lrzsz); if it is not on PATH, exits like require_module."""
    path = shutil.which(name)
    if not path:
        _missing("the program %r" % name, package)
    return path


def luhn_ok(digits):
    """True if the last digit is the Luhn check digit of the others (IMEIs)."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = int(d)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_final(line):
    """True for a final result code: OK, ERROR, ERROR1, +CME ERROR: ..."""
    return line in FINAL or line.startswith("+CME ERROR:")


class Port:
    """The host end of the serial line: raw 8N1 at `baud`.

    Received bytes are split into lines at CR and LF; empty lines are
    dropped. Bytes are decoded as latin-1 so garbage never raises."""

    def __init__(self, path, baud=115200):
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.buf = b""
        self._after_cr = False
        self.set_speed(baud)
        termios.tcflush(self.fd, termios.TCIOFLUSH)

    def set_speed(self, baud):
        """Raw mode at `baud` (a key of SPEEDS)."""
        a = termios.tcgetattr(self.fd)
        a[0] = 0                                   # iflag
        a[1] = 0                                   # oflag
        a[2] = termios.CS8 | termios.CREAD | termios.CLOCAL
        a[3] = 0                                   # lflag: no echo, no canon
        a[4] = a[5] = SPEEDS[baud]
        a[6][termios.VMIN] = 0
        a[6][termios.VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSANOW, a)
        self.baud = baud

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def write(self, data, timeout=10.0):
        """Writes all of data (str or bytes) within timeout."""
        if isinstance(data, str):
            data = data.encode("latin-1")
        deadline = time.monotonic() + timeout
        while data:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("write to %s timed out" % self.path)
            _, w, _ = select.select([], [self.fd], [], left)
            if not w:
                continue
            try:
                n = os.write(self.fd, data)
            except BlockingIOError:
                continue
            data = data[n:]

    def read(self, timeout):
        """Bytes that arrive within timeout (b"" if none); also kept in buf."""
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return b""
        try:
            data = os.read(self.fd, 4096)
        except (BlockingIOError, OSError):
            return b""
        if self._after_cr and data.startswith(b"\n"):
            data = data[1:]  # the LF of a CR LF whose line was already taken
        self._after_cr = False
        self.buf += data
        return data

    def drain(self, quiet=0.05, timeout=2.0):
        """Reads until the line has been quiet for `quiet` s; returns and
        forgets everything buffered."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.read(quiet):
            pass
        out, self.buf = self.buf, b""
        return out

    def _pop_line(self):
        for i, c in enumerate(self.buf):
            if c in (13, 10):
                line, self.buf = self.buf[:i], self.buf[i + 1:]
                if c == 13:
                    # CR LF is one line end, even when the LF comes later
                    if self.buf.startswith(b"\n"):
                        self.buf = self.buf[1:]
                    self._after_cr = not self.buf
                return line.decode("latin-1")
        return None

    def readline(self, timeout=5.0):
        """Next non-empty line, or raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._pop_line()
            while line == "":
                line = self._pop_line()
            if line is not None:
                return line
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no line within %.1f s (got %r)" % (timeout, self.buf))
            self.read(left)

    def expect(self, match, timeout=5.0):
        """Lines up to and including the first one that equals `match` (a
        str) or satisfies it (a callable). TimeoutError otherwise."""
        pred = match if callable(match) else (lambda l: l == match)
        lines = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.readline(max(0.0, deadline - time.monotonic()))
            except TimeoutError as e:
                raise TimeoutError("waiting for %r: got %r, then %s" % (match, lines, e))
            lines.append(line)
            if pred(line):
                return lines

    def command(self, cmd, timeout=5.0, urcs=()):
        """Sends cmd + CR; returns the response lines up to and including
        the final result code, without the echo of cmd (a URC may come
        before it) and without lines that start with one of `urcs` (URCs
        the test has enabled and that may arrive at any moment)."""
        self.write(cmd + "\r")
        lines = self.expect(is_final, timeout)
        lines = [l for l in lines if not l.startswith(tuple(urcs))] if urcs else lines
        if cmd in lines[:-1]:
            lines.remove(cmd)
        return lines


class Sim:
    """One sarafw-sim process on a state dir that outlives restarts.

    state: dir to use (default: a new temp dir, removed by cleanup()).
    seed: --seed (None: none, so a new state dir gets a random IMEI).
    audit/log files are kept in the temp work dir and read with
    audit_events() / log_text()."""

    def __init__(self, variant, state=None, time_scale=50.0, seed=1, args=(), start=True):
        self.variant = variant
        self.work = tempfile.mkdtemp(prefix="sarafw-sim-")
        self.state = state or os.path.join(self.work, "state")
        self.link = os.path.join(self.work, "ttySIM")
        self.audit = os.path.join(self.work, "audit.jsonl")
        self.log = os.path.join(self.work, "sim.log")
        self.time_scale = time_scale
        self.seed = seed
        self.args = list(args)
        self.proc = None
        self.ports = []
        if start:
            self.start()

    def argv(self):
        return [os.path.join(BIN, "sarafw-sim"), "--variant", self.variant,
                "--state", self.state, "--link", self.link,
                "--time-scale", str(self.time_scale),
                "--audit", self.audit, "--log", self.log] + \
            (["--seed", str(self.seed)] if self.seed is not None else []) + self.args

    def start(self, timeout=10.0):
        """Starts the process and waits for its `ready PATH` line."""
        self.proc = subprocess.Popen(self.argv(), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.proc.stdout], [], [], max(0.0, left))
            if not r:
                self.kill()
                raise TimeoutError("sarafw-sim printed no ready line")
            c = os.read(self.proc.stdout.fileno(), 1)
            if not c:
                err = self.proc.stderr.read().decode(errors="replace")
                self.proc.wait(5)
                raise RuntimeError("sarafw-sim exited %s: %s" % (self.proc.returncode, err))
            line += c
        if line.decode().strip() != "ready " + self.link:
            raise RuntimeError("unexpected first line %r" % line)
        return self

    def open(self, baud=115200):
        """Opens the serial port at baud; closed again by kill/stop/cleanup."""
        p = Port(self.link, baud)
        self.ports.append(p)
        return p

    def boot_time(self, variant=None):
        """Wall seconds of one boot at this time scale."""
        v = variant or self.variant
        return (7.0 if v.startswith("SARA-R422") else 5.0) / self.time_scale

    def wait_boot(self, port, timeout=10.0):
        """Sends AT every few ms until OK: the note's "AT check loop"."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            port.write("AT\r")
            try:
                port.expect("OK", min(0.05, max(0.01, deadline - time.monotonic())))
                port.drain(0.02)
                return
            except TimeoutError:
                pass
        raise TimeoutError("module did not answer AT within %.1f s" % timeout)

    def _close_ports(self):
        for p in self.ports:
            p.close()
        self.ports = []

    def kill(self):
        """SIGKILL: a power cut. The state dir stays."""
        self._close_ports()
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._reap()

    def stop(self, timeout=10.0):
        """SIGTERM and wait; returns the exit status."""
        self._close_ports()
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout)
        rc = self.proc.returncode
        self._reap()
        return rc

    def _reap(self):
        if self.proc:
            for f in (self.proc.stdout, self.proc.stderr):
                if f:
                    f.close()
        self.proc = None

    def power_off(self):
        """The power button: off (a power cut; the process and port stay)."""
        self.proc.send_signal(signal.SIGUSR1)

    def power_on(self):
        """The power button: on again (the module boots)."""
        self.proc.send_signal(signal.SIGUSR2)

    def restart(self):
        """Power cut, then power on again on the same state dir."""
        self.kill()
        return self.start()

    def audit_events(self):
        """The --audit file as a list of dicts."""
        if not os.path.exists(self.audit):
            return []
        with open(self.audit) as f:
            return [json.loads(l) for l in f if l.strip()]

    def log_text(self):
        if not os.path.exists(self.log):
            return ""
        with open(self.log, errors="replace") as f:
            return f.read()

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


class XmodemLine:
    """getc/putc for python3-xmodem (or a hand-written XMODEM peer) on a
    Port. `first` holds bytes already read from the port (e.g. a 'C').
    Setting `dead` makes every later getc fail at once (a power cut).
    give_back() returns what was read past the peer's last byte (such as
    the final result code) to the port for the next expect()."""

    def __init__(self, port, first=b""):
        self.port = port
        self.pending = bytearray(first)
        self.dead = False

    def getc(self, size, timeout=1):
        end = time.monotonic() + timeout
        while len(self.pending) < size and not self.dead:
            left = end - time.monotonic()
            if left <= 0:
                break
            try:
                r, _, _ = select.select([self.port.fd], [], [], left)
                if r:
                    d = os.read(self.port.fd, 4096)
                    if not d:
                        break
                    self.pending += d
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                break
        if len(self.pending) < size:
            return None
        out = bytes(self.pending[:size])
        del self.pending[:size]
        return out

    def putc(self, data, timeout=1):
        try:
            self.port.write(data, timeout)
        except (OSError, TimeoutError):
            return None
        return len(data)

    def give_back(self):
        self.port.buf = bytes(self.pending) + self.port.buf
        self.pending = bytearray()


def run_sim(args, timeout=10.0):
    """Runs sarafw-sim with args to completion (for CLI checks): returns
    (exit status, stdout, stderr)."""
    p = subprocess.run([os.path.join(BIN, "sarafw-sim")] + list(args),
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr
