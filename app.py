"""政策知识库 policykb — the Streamlit app.

    streamlit run app.py            # KB in $POLICYKB_HOME or ./.policykb (build it with `policykb build`)

The app only renders: every page script in ``ui/pages/`` calls the ``kb`` query API. Deep links
open a view directly and can be shared: ``/?q=高邮湖`` (检索), ``/?doc=<文件编号>`` (文件),
``/?clause=<条款编号>`` (条款).

This file is both the Streamlit script (run once per rerun of each session, as ``__main__``) and,
imported as a module, the server (``app``, an ``st.App``: ``streamlit run app.py`` finds it and
serves this script through it). The server's start warms what the first query needs (the search
analyzer's dictionary, the search modules) in the background, so the first search after a cold
start does not pay for it.
"""

from __future__ import annotations

import sys
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `streamlit run app.py` from anywhere, installed or not
    sys.path.insert(0, str(ROOT))


def main() -> None:
    from ui import common, nav

    st.set_page_config(page_title="政策知识库", page_icon=":material/gavel:", layout="wide")
    pages = {spec.key: st.Page(spec.script, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                               default=spec is nav.SEARCH) for spec in nav.PAGES}
    page = st.navigation(list(pages.values()))

    # A deep link on the start page (`/?doc=…`, `/?clause=…`) opens the view it names.
    if page is pages[nav.SEARCH.key] and not st.query_params.get(nav.SEARCH.param):
        for spec in nav.DEEP_LINKS:
            if spec is not nav.SEARCH and st.query_params.get(spec.param):
                st.switch_page(pages[spec.key], query_params={spec.param: st.query_params[spec.param]})

    with st.sidebar:
        st.caption("政策知识库 · 条款检索、任务分解与上下级对标")
        common.chrome()  # Streamlit's own interface strings in Chinese
    page.run()


@asynccontextmanager
async def warm_on_start(_app):
    """Start loading what the first search needs as soon as the server starts (in a thread, so the
    server answers at once); a session that searches before it is done waits for the same load."""
    import os
    import threading

    from ui.warm import warm_search

    if os.environ.get("POLICYKB_WARM_ON_START", "1") != "0":  # 0: the baseline of bench/app_cold_start.py
        threading.Thread(target=warm_search, name="policykb-warm-start", daemon=True).start()
    yield


if __name__ == "__main__":  # a Streamlit script run
    main()
else:  # imported by `streamlit run app.py` (or `uvicorn app:app`): the server
    app = st.App(__file__, lifespan=warm_on_start)
