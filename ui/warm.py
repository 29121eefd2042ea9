"""Warm-up at server start: what the first search of a fresh server needs, loaded in advance.

The search analyzer's dictionary (jieba's, about a second to load) and the search modules are
process-wide, so loading them once here serves every session. Best effort: a failure is logged
and the first real query reports its own error.
"""

from __future__ import annotations

import sys
import time


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
