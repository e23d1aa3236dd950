"""Whole-process timing for the benchmarks: one run of a command, timed from just before the
fork to just after wait4 returns, its output discarded."""
import os
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
