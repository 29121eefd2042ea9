"""An exclusive file lock that works on Linux, macOS and Windows.

:func:`try_lock` takes an exclusive, non-blocking lock on an open file: ``fcntl.flock``
on POSIX, ``msvcrt.locking`` on Windows. Both are released by the operating system when
the holder closes the file or dies (even by SIGKILL), so a crashed build never leaves
its lock behind (``indexer.build``). Readers hold their build with ``kb.paths.hold``.
"""

from __future__ import annotations

import os

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def try_lock(f) -> bool:
        """Lock the open file ``f`` exclusively; False if another holder has it."""
        try:
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
else:
    import fcntl

    def try_lock(f) -> bool:
        """Lock the open file ``f`` exclusively; False if another holder has it."""
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False
