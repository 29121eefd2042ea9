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
    if path is not None:
        return Path(path)
    env = os.environ.get("POLICYKB_HOME")
    return Path(env) if env else Path.cwd() / ".policykb"


def current_build(path: str | os.PathLike | None = None) -> Path:
    """The directory of the build readers should open (resolved once)."""
    return (home(path) / CURRENT).resolve()


def default_corpus() -> Path:
    return Path.cwd() / "corpus"
