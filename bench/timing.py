"""Whole-process timing for the benchmarks: one run of a command, timed from just before the
fork to just after wait4 returns, its output discarded."""
import os
import subprocess
import sys
import time

_null = os.open(os.devnull, os.O_WRONLY)


def run(argv):
    """Runs argv once: wall milliseconds and peak RSS (KB); exits if the command fails."""
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(_null, 1)
        os.dup2(_null, 2)
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    ms = (time.perf_counter() - t0) * 1000
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit("bench: %s failed (exit %d)" % (" ".join(argv), code))
    return ms, usage.ru_maxrss


def yardstick(exe):
    """The machine's yardstick (bench/yardstick.c) once: milliseconds of HarfBuzz shaping."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    argv = [exe, os.path.join(root, "content/globalmit/02-mit-hindi.md"),
            os.path.join(root, "fonts/NotoSerifDevanagari-Regular.ttf")]
    out = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
    line = out.stdout
    if out.returncode != 0 or not line.endswith("glyphs\n"):
        sys.exit("bench: %s failed" % " ".join(argv))
    return float(line.split()[0])
