"""Where the KB lives: one data directory.

``$POLICYKB_HOME`` if set, else ``./.policykb`` (git-ignored). Inside it,
``current`` is a symlink to the complete build that readers use; a build writes
``build-<stamp>/`` beside it and swaps the link atomically (``os.replace``), so
a reader, or a build killed midway, always sees a complete KB.
"""

from __future__ import annotations

import os
from pathlib import Path

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
