"""政策知识库 policykb — the Streamlit app.

    streamlit run app.py                                      # from a checkout
    streamlit run "$(python -c 'import policykb.ui.app as a; print(a.__file__)')"   # installed

KB in $POLICYKB_HOME or ./.policykb (build it with `policykb build`).

Run this way (installed or not, and by ``policykb app``) the file is also the server: ``app`` is
an ``st.App`` whose start warms what the first search needs (``policykb.ui.warm``).

The app only renders: every page script in ``policykb/ui/pages/`` calls the ``kb``
query API. Deep links open a view directly and can be shared:
``/?q=高邮湖`` (检索), ``/?doc=<文件编号>`` (文件), ``/?clause=<条款编号>`` (条款).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `streamlit run policykb/ui/app.py` from a checkout, installed or not
    sys.path.insert(0, str(ROOT))



def run() -> None:
    """One run of the app (Streamlit re-runs the main script on every interaction)."""
    # Imported here, not above: the server imports this file before Streamlit's runtime exists,
    # and the pages' caches must be created with it.
    from policykb.ui import common, nav
    # The icon is served by the app itself: a :material/…: page icon is fetched from a font CDN.
    st.set_page_config(page_title="政策知识库", page_icon=str(Path(__file__).parent / "favicon.png"), layout="wide")

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


if __name__ == "__main__":  # a Streamlit script run
    run()
elif __name__ == "app":  # imported by `streamlit run <this file>` (uvicorn's "app:app"): the server
    from policykb.ui.warm import lifespan

    app = st.App(__file__, lifespan=lifespan)
