"""This process's memory, read from the kernel (Linux ``/proc``; ``None`` elsewhere).

``peak_rss_mb`` is ``VmHWM``, not ``getrusage().ru_maxrss``: Linux carries a forked child's
pre-``exec`` peak (its parent's memory) into ``ru_maxrss``, while ``VmHWM`` starts again at
``exec``, so a helper or benchmark process reports only its own memory.
"""

from __future__ import annotations

import os


def peak_rss_mb() -> float | None:
    """Peak resident set size of this process (MB), ``VmHWM``."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float | None:
    """Current resident set size of this process (MB)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return None
