"""Warm-up at server start: what the first search of a fresh server needs, loaded before the
server takes its first request.

``lifespan`` is the ``st.App`` start hook of ``app.py``. Uvicorn binds the port but accepts no
request until the hook has yielded, so the first user of a freshly started server meets a
search that is ready: the analyzer's dictionary (jieba's, about a second to load), the KB and its
index opened, the search and page modules imported, and what the search page lists (documents,
years, parties, issuers) read once into the app's caches. The start is reported on stderr with
its duration (``policykb app: warm-up done in …``).

The warm-up waits at most ``POLICYKB_WARM_MAX_S`` seconds (default 30): a KB that takes longer
to open (a very large corpus on a slow disk) finishes warming in the background while the server
already answers, and the log says so. ``POLICYKB_WARM_ON_START=0`` turns the warm-up off (the
baseline of ``policykb/bench/app_cold_start.py``). Best effort: a failure is logged and the first
real query reports its own error.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import logging
import os
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

PAGES_DIR = Path(__file__).parent / "pages"


def _log(message: str) -> None:
    print(f"policykb app: {message}", file=sys.stderr, flush=True)


@asynccontextmanager
async def lifespan(_app):
    if os.environ.get("POLICYKB_WARM_ON_START", "1") != "0":
        limit = float(os.environ.get("POLICYKB_WARM_MAX_S", "30"))
        warming = asyncio.ensure_future(asyncio.to_thread(warm_search))
        try:
            await asyncio.wait_for(asyncio.shield(warming), timeout=limit)
        except asyncio.TimeoutError:
            _log(f"warm-up still running after {limit:.0f} s; serving now, it finishes in the background")
    yield


def page_imports() -> list[str]:
    """The modules the page scripts import (read with ``ast``: a page script cannot be imported
    outside a session, it renders when run)."""
    modules: set[str] = set()
    for script in sorted(PAGES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.update(f"{node.module}.{a.name}" if node.module in ("kb", "policykb.ui") else node.module
                               for a in node.names)
    return sorted(m for m in modules if m != "__future__")


# Streamlit warns once per cache call made outside a session ("missing ScriptRunContext"); the
# warm-up is such a call by design.
_CTX_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


def warm_search() -> None:
    """Load and open everything the first search needs, in this thread."""
    t0 = time.perf_counter()
    ctx_logger = logging.getLogger(_CTX_LOGGER)
    level = ctx_logger.level
    ctx_logger.setLevel(logging.ERROR)
    try:
        from kb.analysis import JIEBA

        JIEBA.get()
        for module in page_imports():  # page scripts run per session; what they import loads once
            importlib.import_module(module)
        from kb import paths

        if (paths.current_build() / paths.DB_NAME).exists():
            from kb import views
            from policykb.ui import common

            kb = common.get_kb()
            kb.search("规划", limit=1)  # the index's readers and the query-understanding data
            docs = common.documents(kb)
            common.year_options(kb, str(kb.build_dir))
            common.party_options(kb, str(kb.build_dir))
            views.issuers(docs)
    except Exception as e:  # noqa: BLE001 — best effort
        _log(f"warm-up at start failed: {type(e).__name__}: {e}")
        return
    finally:
        ctx_logger.setLevel(level)
    _log(f"dictionary loaded and KB opened; warm-up done in {time.perf_counter() - t0:.1f} s")
