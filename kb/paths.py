"""Where the KB lives: one data directory.

``$POLICYKB_HOME`` if set, else ``./.policykb`` (git-ignored). Inside it,
``current`` is a symlink to the complete build that readers use; a build writes
``build-<stamp>/`` beside it and swaps the link atomically (``os.replace``), so
a reader, or a build killed midway, always sees a complete KB.

A reader *holds* the build it opened (``hold``: a shared ``flock`` on the build
folder, released when the reader is closed or collected, or its process ends);
a build removes an older build only when nobody holds it (``remove_unheld``), so
a long-lived reader — a request in flight in ``policykb serve``, the app —
keeps reading the build it started on while new readers open the new one. A
build still held is removed by a later build, once its readers are gone.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kb.errors import BuildGoneError

try:
    import fcntl
except ImportError:  # not POSIX: builds are not held, and old builds are removed at once
    fcntl = None

DB_NAME = "kb.sqlite"
CURRENT = "current"


def home(path: str | os.PathLike | None = None) -> Path:
    """The data directory; a ``ConfigError`` if it exists and is not a folder."""
    env = os.environ.get("POLICYKB_HOME")
    out = Path(path) if path is not None else Path(env) if env else Path.cwd() / ".policykb"
    if out.exists() and not out.is_dir():
        from kb.errors import ConfigError

        what = "POLICYKB_HOME" if path is None and env else "the data directory"
        raise ConfigError(f"{what} {out} is a file, not a folder; point it at a folder (a new one is "
                          "created by `policykb build`)")
    return out


def current_build(path: str | os.PathLike | None = None) -> Path:
    """The directory of the build readers should open (resolved once)."""
    return (home(path) / CURRENT).resolve()


def default_corpus() -> Path:
    return Path.cwd() / "corpus"


def hold(build_dir: Path) -> int | None:
    """Hold ``build_dir`` against removal; returns the descriptor to ``release`` (None without flock).

    Raises ``BuildGoneError`` if the folder is gone, or goes while we wait for a
    build that is removing it: open ``current`` again then."""
    if fcntl is None:
        return None
    try:
        fd = os.open(build_dir, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        raise BuildGoneError(f"{build_dir} is gone") from None
    fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a build removes this folder
    if not (Path(build_dir) / DB_NAME).exists():
        os.close(fd)
        raise BuildGoneError(f"{build_dir} was removed")
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def remove_unheld(build_dir: Path) -> bool:
    """Remove a build folder unless a reader holds it; True if it was removed."""
    if fcntl is None:
        shutil.rmtree(build_dir, ignore_errors=True)
        return True
    try:
        fd = os.open(build_dir, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        shutil.rmtree(build_dir, ignore_errors=True)  # readers that opened the folder wait, then see it gone
        return True
    finally:
        os.close(fd)
