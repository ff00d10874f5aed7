"""`sarafw --port PTY --json ufota watch` as a test drives it: its JSON
events, read with a deadline (a sarafw that prints nothing more is killed
at the deadline, which ends the blocking readline() with EOF)."""
import json
import os
import subprocess
import threading

from simharness import BIN


class Watch:
    def __init__(self, sim, env, *extra, timeout_s=7200):
        self.p = subprocess.Popen([os.path.join(BIN, "sarafw"), "--port", sim.link, "--json", "ufota", "watch",
                                   "--timeout", str(timeout_s)] + list(extra),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.got = []

    def until(self, pred, timeout):
        """Events until one matches pred(event): that event."""
        watchdog = threading.Timer(timeout, self.p.kill)
        watchdog.start()
        try:
            while True:
                line = self.p.stdout.readline()
                if not line:
                    break
                ev = json.loads(line)
                self.got.append(ev)
                if pred(ev):
                    return ev
        finally:
            watchdog.cancel()
        self.p.kill()
        raise AssertionError("no such event; got %r; stderr %s" % (self.got, self.p.stderr.read()))

    def events(self, pred, timeout):
        """The events of this call, up to the one that matches pred(event)."""
        start = len(self.got)
        self.until(pred, timeout)
        return self.got[start:]

    def wait(self, timeout):
        return self.p.wait(timeout)

    def kill(self):
        self.p.kill()

    @property
    def stderr(self):
        return self.p.stderr

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait(10)
        self.p.stdout.close()
        self.p.stderr.close()
