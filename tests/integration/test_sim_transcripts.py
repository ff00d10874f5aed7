"""sarafw-sim: replays the note's transcripts (tests/integration/transcripts)
line by line against the simulated module."""
import glob
import os
import unittest

from simharness import Sim

HERE = os.path.dirname(os.path.abspath(__file__))
# slow enough that registration (2 s after boot) comes after the few
# commands the host sends right after boot, as in note B.1.1
SCALE = 10
TIMEOUT = 5.0


def load(path):
    variant, steps = None, []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if line.startswith("variant "):
                variant = line[8:].strip()
            elif line in ("...", "= boot"):
                steps.append((n, line, None))
            elif line[:2] in ("> ", "< "):
                steps.append((n, line[0], line[2:]))
            else:
                raise ValueError("%s:%d: cannot read %r" % (path, n, line))
    return variant, steps


def replay(test, path):
    variant, steps = load(path)
    test.assertIsNotNone(variant, path)
    with Sim(variant, time_scale=SCALE) as sim:
        p = sim.open()
        skipping = False
        for n, kind, text in steps:
            where = "%s:%d" % (os.path.basename(path), n)
            if kind == "= boot":
                sim.wait_boot(p, timeout=sim.boot_time() + TIMEOUT)
            elif kind == "...":
                skipping = True
            elif kind == ">":
                p.write(text + "\r")
                echo = p.readline(TIMEOUT)
                test.assertEqual(echo, text, where + ": echo")
            elif skipping:
                p.expect(text, TIMEOUT)
                skipping = False
            else:
                test.assertEqual(p.readline(sim.boot_time() + TIMEOUT), text, where)


class Transcripts(unittest.TestCase):
    def test_files_exist(self):
        self.assertGreaterEqual(len(glob.glob(os.path.join(HERE, "transcripts", "*.txt"))), 2)


def _make(path):
    return lambda self: replay(self, path)


for _p in sorted(glob.glob(os.path.join(HERE, "transcripts", "*.txt"))):
    _name = "test_" + os.path.basename(_p)[:-4].replace(".", "_").replace("-", "_")
    setattr(Transcripts, _name, _make(_p))


if __name__ == "__main__":
    unittest.main(verbosity=2)
