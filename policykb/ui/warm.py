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
    t0 = time.perf_counter()
    try:
        from kb.analysis import JIEBA
        from kb.search import service  # noqa: F401  (imports whoosh and the query parser)

        JIEBA.get()
        from kb import paths
        from kb.api import open_kb

        if (paths.current_build() / paths.DB_NAME).exists():
            kb = open_kb()
            kb.search("规划", limit=1)  # the index's own lazily loaded parts
            kb.close()
    except Exception as e:  # noqa: BLE001 — best effort
        print(f"policykb app: warm-up at start failed: {type(e).__name__}: {e}", file=sys.stderr)
        return
    print(f"policykb app: search warmed up in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
