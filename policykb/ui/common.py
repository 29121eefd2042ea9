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

from kb import labels, paths, views
from kb.api import KB, open_kb
from kb.errors import KBNotBuiltError, NotFoundError, PolicyKBError, QueryError
from kb.models import task_years
from policykb.ui import nav, render

# ---------------------------------------------------------------------------
# The KB
# ---------------------------------------------------------------------------


@st.cache_resource(show_spinner="正在打开知识库…", max_entries=4)
def _open_kb(home: str, build_dir: str) -> KB:
    del build_dir  # only the cache key: a new build opens a new KB
    kb = open_kb(home)
    threading.Thread(target=warm, args=(kb,), name="policykb-warm", daemon=True).start()
    return kb


def warm(kb: KB) -> None:
    """Load the search analyzer's dictionary and the index once, in the background, so the
    first search of a freshly started app does not pay for it when it comes from another page."""
    try:
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


@st.cache_resource(max_entries=4, show_spinner=False)
def _documents(_kb: KB, build_dir: str) -> tuple:
    return tuple(_kb.documents())


def documents(kb: KB) -> tuple:
    """All documents of the KB (read once per build: they carry their full text)."""
    return _documents(kb, str(kb.build_dir))


@st.cache_data(max_entries=8, show_spinner=False)
def year_options(_kb: KB, build_dir: str) -> list[int]:
    """Years to filter by: target and deadline years when extracted, and document years."""
    years = {t.year for t in _kb.targets() if t.year}
    years |= {y for t in _kb.tasks() for y in task_years(t)}
    years |= {int(d.date[:4]) for d in documents(_kb) if d.date and d.date[:4].isdigit()}
    return sorted(years)


@st.cache_data(max_entries=8, show_spinner=False)
def party_options(_kb: KB, build_dir: str) -> list[str]:
    """Party names to filter by (as the documents write them)."""
    return list(_kb.parties())


@st.cache_data(max_entries=4, show_spinner=False)
def _generic_names(_kb: KB, build_dir: str) -> dict[str, list[str]]:
    return _kb.generic_names()


def party_label(kb: KB) -> Callable[[str], str]:
    """A selectbox format function for party names: a generic name says which body it was taken
    to be (生态环境部门（泛称，推断为市生态环境局）); choosing that body finds it too."""
    generic = _generic_names(kb, str(kb.build_dir))
    meant_by: dict[str, list[str]] = {}
    for name, bodies in generic.items():
        for b in bodies:
            meant_by.setdefault(b, []).append(name)

    def fmt(name: str) -> str:
        if name in generic:
            return f"{name}（泛称，推断为{'、'.join(generic[name])}）"
        if name in meant_by:
            return name + "（含推断：" + "、".join(f"泛称“{g}”" for g in meant_by[name]) + "）"
        return name

    return fmt


def default_doc(kb: KB) -> str | None:
    """The document every page opens on: the full text with the most content (``kb.views``)."""
    return views.default_document(documents(kb))


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def error_message(e: BaseException) -> str:
    """One Chinese line: what went wrong and what to do."""
    if isinstance(e, KBNotBuiltError):
        return (f"尚未找到知识库（数据目录 {render.md(paths.home())}）：请先运行 policykb build 构建知识库，"
                "或把环境变量 POLICYKB_HOME 设为已构建的数据目录。")
    if isinstance(e, NotFoundError):
        return "找不到链接中的文件或条款：请从列表中重新选择。"
    if isinstance(e, QueryError):
        return "检索式无法使用：请去掉特殊符号或筛选条件后重试。"
    if isinstance(e, PolicyKBError):
        return "操作失败：请检查输入后重试；如仍失败，请在命令行运行同一操作查看原因。"
    return "页面出错：请刷新页面重试；如仍出错，请联系系统管理员。"


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

    The URL wins whenever it differs from what this widget last wrote there (first visit, a
    shared link, a page link, the browser's Back/Forward — a parameter that is gone resets the
    widget to ``default``); otherwise the widget keeps what the user chose. Call before creating
    the widget; call :func:`publish` after it. Returns True when the URL set the value this run.
    A value that cannot be parsed says so (:func:`bad_param`) and falls back to ``default``.
    """
    url = st.query_params.get(param)
    seen = f"_url_{key}"
    from_url = False
    if key not in st.session_state or st.session_state.get(seen) != url:
        try:
            st.session_state[key] = parse(url) if url is not None else default
            from_url = url is not None
        except (TypeError, ValueError):
            bad_param(param, url, default)
            st.session_state[key] = default
    st.session_state[seen] = url
    return from_url


def bad_param(param: str, value: Any, fallback: Any, shown: str | None = None) -> None:
    """Say in one Chinese line (plain text) that a URL parameter was not usable and what is shown instead."""
    name = labels.URL_PARAM.get(param, param)
    instead = shown if shown is not None else ("全部" if fallback in (None, labels.ALL) else str(fallback))
    st.warning(render.md(f"网址中的{name}“{value}”无效，已改为显示：{instead}。请从下拉列表中选择。"),
               icon=":material/link_off:")


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


def choose(key: str, options: list, value: Any, param: str | None = None, fmt: Callable = str) -> None:
    """Make sure a selectbox's state is one of its options; otherwise ``value`` (or the first
    option). A value that came from the URL parameter ``param`` says so (:func:`bad_param`)."""
    current = st.session_state.get(key)
    if current in options:
        return
    fallback = value if value in options else options[0]
    if param is not None and current is not None and st.query_params.get(param) is not None:
        bad_param(param, st.query_params.get(param), fallback, fmt(fallback))
    st.session_state[key] = fallback


def select(col, label: str, key: str, param: str, options: list, fmt: Callable = str, parse: Callable = str,
           default: Any = None, omit_default: bool = False) -> Any:
    """A selectbox bound to the URL parameter ``param`` (a value the options do not have says so and
    falls back to ``default``, else the first option); returns the value, None for 全部.
    ``omit_default`` leaves the parameter out of the URL while the default is chosen."""
    default = default if default in options else options[0]
    bind(key, param, default, parse=parse)
    choose(key, options, default, param=param, fmt=fmt)
    value = col.selectbox(label, options, key=key, format_func=fmt, placeholder="请选择")
    publish(key, param, value, empty=(None, "", labels.ALL, default) if omit_default else (None, "", labels.ALL))
    return None if value == labels.ALL else value


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


def copy_buttons(kb: KB, ident: str, cite: str | None = None) -> list[str]:
    """The copy buttons of a provision: 复制条文, 复制条文及出处, 复制出处. An outline's provision is
    our summary, not official text: it offers 复制提纲要点及出处（非原文） (its citation says
    〔提纲，非官方全文〕) and 复制出处, never a bare 复制条文."""
    cite = cite or kb.citation(ident)
    if kb.document(ident.split("#", 1)[0]).status == "outline":
        return [render.copy_button("复制提纲要点及出处（非原文）", kb.quote(ident)), render.copy_button("复制出处", cite)]
    return [render.copy_button("复制条文", kb.text(ident)), render.copy_button("复制条文及出处", kb.quote(ident)),
            render.copy_button("复制出处", cite)]


def citation_block(kb: KB, ident: str, key: str, text: bool = True) -> str:
    """The official-style citation and its copy buttons (:func:`copy_buttons`; only 复制出处 without
    ``text`` or for a document); returns the citation."""
    cite = kb.citation(ident)
    buttons = copy_buttons(kb, ident, cite) if text and "#" in ident else [render.copy_button("复制出处", cite)]
    linked_html(f'<div class="pkb-cite">{render.esc(cite)}</div>' + render.actions_html(*buttons), key=key)
    return cite


# Streamlit's own English strings (see policykb/ui/chrome.js) and what the app shows instead.
STREAMLIT_STRINGS = [
    ("Page not found", "找不到页面"), ("Running...", "正在运行…"), ("Running…", "正在运行…"), ("Stop", "停止"),
    ("No results", "没有匹配的选项"), ("Choose an option", "请选择"), ("Choose options", "请选择"),
    ("Copy to clipboard", "复制到剪贴板"), ("Close", "关闭"), ("Rerun", "重新运行"), ("Connecting", "正在连接"),
    ("Connection error", "连接出错"), ("Clear all", "全部清除"), ("Clear", "清除"), ("Collapse sidebar", "收起侧栏"),
    ("Expand sidebar", "展开侧栏"), ("Open sidebar", "展开侧栏"), ("Close sidebar", "收起侧栏"),
    ("View fullscreen", "全屏查看"), ("Exit fullscreen", "退出全屏"), ("Show more", "显示更多"),
    ("Show less", "收起"), ("Dismiss", "关闭"), ("Open", "展开选项"),
    ("Skip to main content", "跳到正文"), ("Settings", "设置"), ("Print", "打印"), ("About", "关于"),
    ("Press Enter to apply", "按回车键确认"),
    ("App pages", "应用页面"), ("Sidebar", "侧栏"), ("Main menu", "主菜单"), ("Deploy", "部署"),
    ("Please wait...", "请稍候…"), ("Search", "搜索"), ("Fullscreen", "全屏"), ("Copied", "已复制"),
    ("Link to heading", "链接到此标题"),
]
STREAMLIT_PATTERNS = [
    (r"^Press (⌘|Ctrl)\+Enter to apply$", "按 $1+回车键确认"),
    (r"^(\d+) options? available\.$", "共 $1 个选项。"),  # the select box's screen-reader count
    (r"^Help for (.+)$", "“$1”的说明"),  # the help icon of a metric or widget
    (r"^You have requested page /(.*), but no corresponding file was found in the app's pages/ directory\."
     r" Running the app's main page\.$", "网址中的页面“/$1”不存在，已打开首页（检索）。"),
    (r"^The page that you have requested does not seem to exist\. Running the app's main page\.$",
     "网址中的页面不存在，已打开首页（检索）。"),
]
_CHROME_JS = (Path(__file__).resolve().parent / "chrome.js").read_text(encoding="utf-8")
_chrome = st.components.v2.component("policykb_chrome", js=_CHROME_JS, isolate_styles=False)


def chrome() -> None:
    """Install the translation of Streamlit's own interface strings (once per page load)."""
    _chrome(key="pkb_chrome", data={"strings": STREAMLIT_STRINGS, "patterns": STREAMLIT_PATTERNS})


def doc_titles(kb: KB) -> dict[str, str]:
    return {d.id: d.title for d in documents(kb)}


def doc_label(kb: KB) -> Callable[[str], str]:
    """A selectbox format function: document id → 《title》 (with level and outline marks)."""
    docs = {d.id: d for d in documents(kb)}

    def fmt(doc_id: str) -> str:
        d = docs.get(doc_id)
        if d is None:
            return labels.ALL if doc_id == labels.ALL else "（未知文件）"
        mark = "（提纲）" if d.status == "outline" else ""
        return f"[{labels.level(d.level)}] {d.title}{mark}"

    return fmt
