"""What every page shares: the cached KB, error display, query-parameter binding, links.

- :func:`get_kb` opens the KB once per build (``st.cache_resource`` keyed by
  the build folder the ``current`` link points at, so a rebuild is picked up
  on the next rerun without restarting the app).
- :func:`run_page` runs a page body and turns any error into one Chinese
  ``st.error`` line that says what to do; never a traceback page (set
  ``POLICYKB_DEBUG=1`` to see tracebacks while developing).
- :func:`bind` keeps a widget and a query parameter in step, so every view
  has a shareable URL and a URL opens the view it names.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from kb import labels, paths
from kb.api import KB, open_kb
from kb.errors import KBNotBuiltError, NotFoundError, PolicyKBError, QueryError
from policykb.ui import nav, render

# ---------------------------------------------------------------------------
# The KB
# ---------------------------------------------------------------------------


@st.cache_resource(show_spinner="正在打开知识库…", max_entries=4)
def _open_kb(home: str, build_dir: str) -> KB:
    del build_dir  # only the cache key: a new build opens a new KB
    kb = open_kb(home)
    threading.Thread(target=_warm, args=(kb,), name="policykb-warm", daemon=True).start()
    return kb


def _warm(kb: KB) -> None:
    """Load the search analyzer's dictionary and the index once, in the background, so the
    first search of a freshly started app does not pay for it when it comes from another page."""
    try:
        if api(kb, "search"):
            kb.search("规划", limit=1)
    except Exception as e:  # warming is best effort; the real query reports its own error
        print(f"policykb app: warm-up failed: {type(e).__name__}: {e}", file=sys.stderr)


def get_kb() -> KB:
    """The KB of ``$POLICYKB_HOME`` (or ``./.policykb``), opened once per build."""
    home = paths.home()
    build = paths.current_build(home)
    if not (build / paths.DB_NAME).exists():
        raise KBNotBuiltError(f"no KB in {home}; build it first with `policykb build` "
                              "(or set POLICYKB_HOME to the data directory)")
    return _open_kb(str(home), str(build))


def api(kb: KB, name: str) -> Callable | None:
    """A KB method if this version of the KB has it (features land one by one), else None."""
    fn = getattr(kb, name, None)
    return fn if callable(fn) else None


@st.cache_resource(max_entries=4, show_spinner=False)
def _documents(_kb: KB, build_dir: str) -> tuple:
    return tuple(_kb.documents())


def documents(kb: KB) -> tuple:
    """All documents of the KB (read once per build: they carry their full text)."""
    return _documents(kb, str(kb.build_dir))


@st.cache_data(max_entries=8, show_spinner=False)
def year_options(_kb: KB, build_dir: str) -> list[int]:
    """Years to filter by: target and deadline years when extracted, and document years."""
    years: set[int] = set()
    if api(_kb, "targets"):
        years |= {t.year for t in _kb.targets() if t.year}
    if api(_kb, "tasks"):
        years |= {t.deadline.year for t in _kb.tasks() if t.deadline and t.deadline.year}
    years |= {int(d.date[:4]) for d in documents(_kb) if d.date and d.date[:4].isdigit()}
    return sorted(years)


@st.cache_data(max_entries=8, show_spinner=False)
def party_options(_kb: KB, build_dir: str) -> list[str] | None:
    """Party names to filter by, or None while the KB has no party extraction."""
    return list(_kb.parties()) if api(_kb, "parties") else None


def not_built_notice(feature: str, what: str) -> None:
    """An honest notice for a view whose KB feature has not been built yet."""
    st.info(f"{feature}功能尚未完成：知识库还没有提供{what}。该页面将在相应功能合入后自动启用。")


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def error_message(e: BaseException) -> str:
    """One Chinese line: what went wrong and what to do."""
    if isinstance(e, KBNotBuiltError):
        return (f"尚未找到知识库（数据目录 {paths.home()}）：请先运行 policykb build 构建知识库，"
                "或把环境变量 POLICYKB_HOME 设为已构建的数据目录。")
    if isinstance(e, NotFoundError):
        return "找不到链接中的文件或条款编号：请从列表中重新选择，或运行 policykb docs 查看可用编号。"
    if isinstance(e, QueryError):
        return "检索式无法使用：请去掉特殊符号或筛选条件后重试。"
    if isinstance(e, PolicyKBError):
        return "操作失败：请检查输入后重试；如仍失败，请在命令行运行同一操作查看原因。"
    return "页面出错：请刷新页面重试；如仍出错，请设置 POLICYKB_DEBUG=1 重新启动并报告问题。"


def run_page(body: Callable[[], None]) -> None:
    """Run a page body; errors become ``st.error`` (details go to the server log)."""
    try:
        body()
    except Exception as e:  # Streamlit's rerun/stop are BaseException and pass through
        if os.environ.get("POLICYKB_DEBUG"):
            raise
        print(f"policykb app: {type(e).__name__}: {e}", file=sys.stderr)
        if not isinstance(e, PolicyKBError):
            traceback.print_exc(file=sys.stderr)
        st.error(error_message(e), icon=":material/error:")


# ---------------------------------------------------------------------------
# Query parameters ↔ widgets
# ---------------------------------------------------------------------------


def bind(key: str, param: str, default: Any, parse: Callable[[str], Any] = str) -> bool:
    """Seed widget state ``key`` from query parameter ``param``.

    The URL wins when it is new (first visit, a shared link, a ``page_link``
    with other parameters); otherwise the widget keeps what the user chose.
    Call before creating the widget; call :func:`publish` after it. Returns
    True when the URL set the value this run.
    """
    url = st.query_params.get(param)
    seen = f"_url_{key}"
    from_url = False
    if key not in st.session_state or (url is not None and st.session_state.get(seen) != url):
        try:
            st.session_state[key] = parse(url) if url is not None else default
            from_url = url is not None
        except (TypeError, ValueError):
            st.session_state[key] = default
    st.session_state[seen] = url
    return from_url


def publish(key: str, param: str, value: Any, empty: tuple = (None, "", labels.ALL)) -> None:
    """Write a widget's value to the URL (removing the parameter when it is empty)."""
    if value in empty:
        if param in st.query_params:
            del st.query_params[param]
        st.session_state[f"_url_{key}"] = None
        return
    text = str(value)
    if st.query_params.get(param) != text:
        st.query_params[param] = text
    st.session_state[f"_url_{key}"] = text


def keep_only(*params: str) -> None:
    """Drop query parameters that belong to other views (a URL names one view)."""
    for k in list(st.query_params.keys()):
        if k not in params:
            del st.query_params[k]


def choose(key: str, options: list, value: Any) -> None:
    """Make sure a selectbox's state is one of its options (a bad URL falls back to the first)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0] if value not in options else value


# ---------------------------------------------------------------------------
# Rendering helpers
# ---------------------------------------------------------------------------


def css() -> None:
    st.html(render.CSS)


def html(markup: str) -> None:
    """Render trusted markup built by ``ui.render`` (whose text is already escaped)."""
    st.html(markup)


# Markup with in-app links (ui/links.js): a click changes view inside the session.
_LINKS_JS = (Path(__file__).resolve().parent / "links.js").read_text(encoding="utf-8")
_linked = st.components.v2.component("policykb_links", js=_LINKS_JS, isolate_styles=False)


def linked_html(markup: str, key: str) -> None:
    """Render trusted markup built by ``ui.render`` whose links to app pages keep the session.

    A plain ``<a href="clause?clause=…">`` would load the page again (a new session). Here each
    link stays a real URL (open in a new tab, copy, share: a deep link), but a plain click goes
    to its view the way Streamlit's own page links and the browser's Back/Forward do: the URL
    is added to the history and Streamlit reruns the page it names with its query parameters,
    in the same session. Only links to ``nav.PAGES`` are handled; other links are left alone.
    """
    _linked(key=key, data={"html": markup, "pages": [p.url_path for p in nav.PAGES]})


def link(spec: nav.PageSpec, label: str, icon: str | None = None, **params: str) -> None:
    """A link to another view that stays in the session and carries its query parameters."""
    st.page_link(spec.script, label=label, icon=icon, query_params=params or None)


def copy_citation(kb: KB, ident: str) -> str:
    """Show the official-style citation with a copy-to-clipboard button; returns it."""
    cite = kb.citation(ident)
    st.code(cite, language=None, wrap_lines=True)
    return cite


def doc_titles(kb: KB) -> dict[str, str]:
    return {d.id: d.title for d in documents(kb)}


def doc_label(kb: KB) -> Callable[[str], str]:
    """A selectbox format function: document id → 《title》 (with level and outline marks)."""
    docs = {d.id: d for d in documents(kb)}

    def fmt(doc_id: str) -> str:
        d = docs.get(doc_id)
        if d is None:
            return doc_id
        mark = "（提纲）" if d.status == "outline" else ""
        return f"[{labels.level(d.level)}] {d.title}{mark}"

    return fmt
