"""Warm-up at server start: what the first search of a fresh server needs, loaded in advance.

``lifespan`` is the ``st.App`` start hook of ``app.py``: it starts ``warm_search`` in a thread
(the server answers at once; a session that searches before it is done waits for the same load).
``POLICYKB_WARM_ON_START=0`` turns it off (the baseline of ``policykb/bench/app_cold_start.py``).

The search analyzer's dictionary (jieba's, about a second to load) and the search modules are
process-wide, so loading them once here serves every session. Best effort: a failure is logged
and the first real query reports its own error.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import asynccontextmanager


@asynccontextmanager
async def lifespan(_app):
    if os.environ.get("POLICYKB_WARM_ON_START", "1") != "0":
        threading.Thread(target=warm_search, name="policykb-warm-start", daemon=True).start()
    yield


def warm_search() -> None:
    """Load the analyzer's dictionary, then open the KB through the app's own cache
    (``common.get_kb``, which runs a first search on it in its own thread), so the first session
    finds the dictionary loaded and the index open."""
    t0 = time.perf_counter()
    try:
        from kb.analysis import JIEBA

        JIEBA.get()
        from kb import paths

        if (paths.current_build() / paths.DB_NAME).exists():
            from policykb.ui import common

            common.get_kb()
    except Exception as e:  # noqa: BLE001 — best effort
        print(f"policykb app: warm-up at start failed: {type(e).__name__}: {e}", file=sys.stderr)
        return
    print(f"policykb app: dictionary loaded and KB opened in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
