"""Worker processes of a build: how many, and a pool that dies with the build.

``POLICYKB_JOBS`` sets the number of processes (default: the number of CPUs; 1 = none).
Parsing and linking use them when a corpus has many documents.
"""

from __future__ import annotations

import os

from kb.errors import ConfigError


def jobs() -> int:
    env = os.environ.get("POLICYKB_JOBS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ConfigError(f"POLICYKB_JOBS={env!r} is not a number; give how many processes "
                                "parse and link documents (1 = no parallel work)") from None
    return os.cpu_count() or 1


def die_with_parent() -> None:
    """In a worker: end when the build process ends, even by SIGKILL (an orphaned
    worker would wait forever on a queue whose other end it holds itself)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError, TypeError):  # not Linux
        pass
    if os.getppid() == 1:  # the parent ended before prctl
        os._exit(1)


def can_fork() -> bool:
    """fork is fast and shares the parent's data; a process with other threads (the app) must not fork."""
    import multiprocessing
    import threading

    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def pool(n: int, fork: bool = True):
    """A process pool of ``n`` workers that end with this process (fork when ``fork`` and possible)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if fork and can_fork() else "spawn")
    return ProcessPoolExecutor(n, mp_context=ctx, initializer=die_with_parent)
