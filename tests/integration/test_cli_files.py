"""sarafw files ls|put|get|rm against sarafw-sim's user file system
(AT-FACTS "Files") on one variant of each family: a binary file with
quotes, CR LF, "OK" and every byte value goes in and comes back
identical (to a file and to stdout); errors give one line and exit 1 or
2, and a canary file stays as it was."""
import json
import os
import random
import signal
import subprocess
import unittest

from simharness import BIN, Sim

# The +UDWNFILE engine's final bound (15 s) runs from the moment the port
# took the last byte; the bytes then still cross the paced line at 115200
# b/s, which a time scale does not shrink (see test_udwnfile_engine.py).
SCALE = 5


def sarafw(sim, *args, text=True):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE))
    return subprocess.run([os.path.join(BIN, "sarafw"), "--port", sim.link] + list(args),
                          capture_output=True, text=text, timeout=120, env=env)


def error_lines(stderr):
    """Progress goes to stderr too; errors are the lines that start with 'sarafw:'."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("latin-1")
    return [l for l in stderr.splitlines() if l.startswith("sarafw:")]


def ls(sim):
    r = sarafw(sim, "files", "ls")
    assert r.returncode == 0, r.stderr
    out = {}
    for line in r.stdout.splitlines():
        size, name = line.split(None, 1)
        out[name] = int(size)
    return out


class Files(unittest.TestCase):
    def stored(self, sim, name):
        p = os.path.join(sim.state, "files", name)
        if not os.path.exists(p):
            return None
        with open(p, "rb") as f:
            return f.read()

    def check_family(self, variant):
        rng = random.Random(variant)
        data = bytes(range(256)) + b'"\r\nOK\r\n"' + b"\r\nOK\r\n" + rng.randbytes(9000) + b'"\x00\r'
        canary_bytes = b"canary " + rng.randbytes(100)
        with Sim(variant, time_scale=SCALE) as sim:
            port = sim.open()
            sim.wait_boot(port)  # else sarafw's first AT finds no module and looks at other rates
            port.close()
            local = os.path.join(sim.work, "data.bin")
            with open(local, "wb") as f:
                f.write(data)
            canary = os.path.join(sim.work, "canary")
            with open(canary, "wb") as f:
                f.write(canary_bytes)

            # put: NAME defaults to the base name, or is given
            r = sarafw(sim, "files", "put", canary, "canary.txt")
            self.assertEqual(r.returncode, 0, r.stderr)
            r = sarafw(sim, "files", "put", local)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("stored data.bin (%d bytes)" % len(data), r.stdout)
            self.assertEqual(self.stored(sim, "data.bin"), data)

            # ls: name and size per line; --json an array
            self.assertEqual(ls(sim), {"data.bin": len(data), "canary.txt": len(canary_bytes)})
            r = sarafw(sim, "--json", "files", "ls")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sorted(json.loads(r.stdout), key=lambda e: e["name"]),
                             [{"name": "canary.txt", "size": len(canary_bytes)},
                              {"name": "data.bin", "size": len(data)}])

            # get: to a file, to the default name, to stdout
            out = os.path.join(sim.work, "back.bin")
            r = sarafw(sim, "files", "get", "data.bin", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, "rb") as f:
                self.assertEqual(f.read(), data)
            r = sarafw(sim, "files", "get", "data.bin", "-", text=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, data)
            into = os.path.join(sim.work, "into")
            os.mkdir(into)
            r = sarafw(sim, "files", "get", "canary.txt", into)  # a folder, as cp takes it
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(os.listdir(into), ["canary.txt"])
            with open(os.path.join(into, "canary.txt"), "rb") as f:
                self.assertEqual(f.read(), canary_bytes)

            # errors: one line each, exit 1 (the module) or 2 (the command line)
            before = set(os.listdir(sim.work))
            cases = [
                (["files", "get", "missing.bin", os.path.join(sim.work, "missing.out")], 1, "no file missing.bin"),
                (["files", "rm", "missing.bin"], 1, "no file missing.bin"),
                (["files", "get", "dir/data.bin"], 2, "has a path"),
                (["files", "put", local, "dir/x.bin"], 2, "has a path"),
                (["files", "put", local, "a" * 249], 2, "too long"),
                (["files", "rm", 'a"b'], 2, "'\"'"),
                (["--json", "files", "get", "data.bin", "-"], 2, "--json"),
                (["files", "cp", "a", "b"], 2, "unknown files command"),
                (["files", "rm"], 2, "wrong number"),
            ]
            for args, code, text in cases:
                r = sarafw(sim, *args)
                errs = error_lines(r.stderr)
                self.assertEqual(r.returncode, code, "%s: %s" % (args, r.stderr))
                self.assertEqual(len(errs), 1, "%s: %s" % (args, r.stderr))
                self.assertIn(text, errs[0], args)
            # nothing half-written beside the target of the failed get
            self.assertEqual(set(os.listdir(sim.work)), before)

            # a file larger than the module's free space: refused, nothing changes
            big = os.path.join(sim.work, "big.bin")
            with open(big, "wb") as f:
                f.truncate(3 * 1024 * 1024)
            r = sarafw(sim, "files", "put", big)
            self.assertEqual(r.returncode, 1, r.stderr)
            errs = error_lines(r.stderr)
            self.assertEqual(len(errs), 1, r.stderr)
            self.assertIn("not enough space", errs[0])
            self.assertIsNone(self.stored(sim, "big.bin"))

            # the longest name the module takes works end to end
            longest = "n" * 248
            r = sarafw(sim, "files", "put", canary, longest)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = sarafw(sim, "files", "get", longest, "-", text=False)
            self.assertEqual((r.returncode, r.stdout), (0, canary_bytes))

            # at the SARA-R422 family's extra rate (note §5.2), and back;
            # the SARA-R410M refuses it before sending anything
            r = sarafw(sim, "files", "put", local, "fast.bin", "--baud", "3000000")
            if variant.startswith("SARA-R422"):
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(self.stored(sim, "fast.bin"), data)
                r = sarafw(sim, "files", "rm", "fast.bin")
                self.assertEqual(r.returncode, 0, r.stderr)  # at the port's rate again
            else:
                self.assertEqual(r.returncode, 1, r.stderr)
                errs = error_lines(r.stderr)
                self.assertEqual(len(errs), 1, r.stderr)
                self.assertIn("cannot transfer at 3000000", errs[0])
                self.assertIsNone(self.stored(sim, "fast.bin"))

            # rm
            for name in (longest, "data.bin"):
                r = sarafw(sim, "files", "rm", name)
                self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIsNone(self.stored(sim, "data.bin"))
            self.assertEqual(ls(sim), {"canary.txt": len(canary_bytes)})

            # the canary is untouched
            self.assertEqual(self.stored(sim, "canary.txt"), canary_bytes)
            r = sarafw(sim, "files", "get", "canary.txt", "-", text=False)
            self.assertEqual(r.stdout, canary_bytes)
            self.assertEqual(sim.audit_events(), [])

    def test_ctrl_c_in_put(self):
        """Ctrl-C in the data: sarafw stops sending, the module discards
        what it got (a file of that name keeps its old bytes), exit 130."""
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            port = sim.open()
            sim.wait_boot(port)
            port.close()
            old = os.path.join(sim.work, "old")
            with open(old, "wb") as f:
                f.write(b"old bytes")
            self.assertEqual(sarafw(sim, "files", "put", old, "f.bin").returncode, 0)
            big = os.path.join(sim.work, "big")
            with open(big, "wb") as f:
                f.write(random.Random(3).randbytes(200000))  # 17 s at 115200 b/s
            env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE))
            p = subprocess.Popen([os.path.join(BIN, "sarafw"), "--port", sim.link, "files", "put", big, "f.bin"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            seen = ""
            while "10%" not in seen:  # into the data (plain progress lines on a pipe)
                line = p.stderr.readline()
                self.assertTrue(line, "sarafw ended before the data: " + seen)
                seen += line
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=60)
            err = seen + err
            self.assertEqual(p.returncode, 130, err)
            errs = error_lines(err)
            self.assertEqual(len(errs), 1, err)
            self.assertIn("interrupted by Ctrl-C", errs[0])
            self.assertEqual(self.stored(sim, "f.bin"), b"old bytes")
            r = sarafw(sim, "files", "get", "f.bin", "-", text=False)
            self.assertEqual((r.returncode, r.stdout), (0, b"old bytes"))

    def test_r410m(self):
        self.check_family("SARA-R410M-02B-03")

    def test_r422s(self):
        self.check_family("SARA-R422S")


if __name__ == "__main__":
    unittest.main(verbosity=2)
