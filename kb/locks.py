"""File locks that work on Linux, macOS and Windows, and reader leases on builds.

**Locks.** :func:`try_lock` takes an exclusive, non-blocking lock on an open file:
``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows. Both are released by the
operating system when the holder closes the file or dies (even by SIGKILL), so a
crashed process never leaves a lock behind. Only exclusive locks are used: Windows has
no shared ``msvcrt`` lock.

**Leases.** A reader (``kb.open_kb``) holds a *lease* on the build it reads: a file of
its own under ``<build>/.leases/``, locked for as long as the ``KB`` object lives. A
build replaces ``current`` at once but removes an older build only when no lease on it
is held (:func:`remove_if_unused`); the last reader to let go of an older build removes
it itself. So a ``KB`` opened before a rebuild keeps answering from its build, from any
thread, for as long as it is used: one ``KB`` is one consistent snapshot (its search
hits, provisions and links agree), and ``KB.stale`` tells a long-lived holder that a
newer build is available (the app and the HTTP service reopen then).

Removal is race-free with two locks and no lock shared for long: a remover locks the
build's ``.removing`` file, then looks for leases; a reader takes its lease, then looks at
``.removing``. Whichever comes second sees the other (the remover leaves the build alone,
the reader starts again from ``current``).
"""

from __future__ import annotations

import os
import shutil
import uuid
import weakref
from pathlib import Path

LEASES = ".leases"
REMOVING = ".removing"

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


class Lease:
    """A held lease on one build folder (see the module doc); :meth:`release` or garbage
    collection lets go of it."""

    def __init__(self, build_dir: Path, path: Path, handle):
        self.build_dir = build_dir
        self.path = path
        self._finalizer = weakref.finalize(self, _let_go, handle, path, build_dir, os.getpid())

    def release(self) -> None:
        self._finalizer()


def take_lease(build_dir: Path) -> Lease | None:
    """A lease on ``build_dir``, or None if the folder cannot hold one (a read-only data
    directory: no build can remove anything there either). Raises FileNotFoundError when the
    build is gone or being removed: the caller opens ``current`` again."""
    leases = build_dir / LEASES
    try:
        leases.mkdir(exist_ok=True)  # never parents: a removed build stays removed
        path = leases / f"{os.getpid()}-{uuid.uuid4().hex}"
        handle = open(path, "a+b")
    except FileNotFoundError:
        raise
    except OSError:
        return None
    if not try_lock(handle):  # a fresh file of our own: fails only where locks do not work
        handle.close()
        return None
    lease = Lease(build_dir, path, handle)
    try:
        with open(build_dir / REMOVING, "rb+") as f:
            removing = not try_lock(f)
    except FileNotFoundError:
        removing = False  # no removal ever started (a remover creates the file before looking)
    except OSError:
        removing = False
    if removing or not build_dir.is_dir():
        lease.release()
        raise FileNotFoundError(str(build_dir))
    return lease


def _let_go(handle, path: Path, build_dir: Path, owner: int) -> None:
    if os.getpid() != owner:  # a forked child (a parsing worker): the lease is its parent's
        return
    try:
        handle.close()
        path.unlink(missing_ok=True)
    except OSError:
        pass
    current = build_dir.parent / "current"
    try:
        is_current = current.resolve() == build_dir.resolve()
    except OSError:
        is_current = False
    if not is_current:
        remove_if_unused(build_dir)


def in_use(build_dir: Path) -> bool:
    """Whether a live reader holds a lease on ``build_dir`` (leases of dead readers are removed)."""
    leases = build_dir / LEASES
    try:
        names = list(leases.iterdir())
    except OSError:
        return False
    held = False
    for lease in names:
        try:
            with open(lease, "a+b") as f:
                if try_lock(f):
                    lease.unlink(missing_ok=True)  # its holder is gone
                else:
                    held = True
        except OSError:
            continue
    return held


def remove_if_unused(build_dir: Path) -> bool:
    """Remove an old build folder unless a reader holds a lease on it; True if removed."""
    try:
        lock = open(build_dir / REMOVING, "a+b")
    except OSError:
        return False  # gone already, or not ours to remove
    try:
        if not try_lock(lock) or in_use(build_dir):
            return False
        shutil.rmtree(build_dir, ignore_errors=True)
        return True
    finally:
        lock.close()
