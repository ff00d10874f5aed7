"""Running sarafw in the tests of `sarafw ftp` and `sarafw http`: with
the time scale and a state dir, to completion or in the background (to
kill or interrupt it mid-download). The servers they download from are
netservers.py's."""
import os
import re
import select
import signal
import subprocess
import time

from simharness import BIN

SCALE = 50


def env(state):
    return dict(os.environ, SARAFW_TIME_SCALE=str(SCALE), SARAFW_STATE_DIR=state)


def sarafw(*args, state, timeout=120):
    """Runs sarafw to its end."""
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env(state))


class Background:
    """sarafw running in the background; its stderr read line by line."""

    def __init__(self, *args, state):
        self.proc = subprocess.Popen([os.path.join(BIN, "sarafw")] + list(args), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env(state))
        self.err = ""

    def wait_for(self, pattern, timeout=30.0):
        """Reads stderr until the regular expression matches; fails if
        sarafw ends first."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stderr.fileno()
        text = pattern
        while not re.search(pattern, self.err):
            left = deadline - time.monotonic()
            r, _, _ = select.select([fd], [], [], max(0.0, left))
            if not r:
                raise TimeoutError("sarafw did not print %r: %s" % (text, self.err))
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("sarafw ended before %r: %s" % (text, self.err))
            self.err += chunk.decode(errors="replace")

    def kill(self):
        """kill -9: as a host that loses power."""
        self.proc.kill()
        self.proc.wait(10)
        self.close()

    def interrupt(self, timeout=60):
        """Ctrl-C; returns (exit code, stdout, all of stderr)."""
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=timeout)
        self.err += err.decode(errors="replace")
        return self.proc.returncode, out.decode(errors="replace"), self.err

    def close(self):
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()
