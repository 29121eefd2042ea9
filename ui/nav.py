"""The pages of the app: one row each, used by ``app.py`` and by links between pages.

Page scripts live in ``ui/pages/``; paths are relative to ``app.py``'s folder,
which is what ``st.Page``, ``st.page_link`` and ``st.switch_page`` expect.
``param`` is the query parameter that opens the page by deep link
(``/?q=…``, ``/?doc=…``, ``/?clause=…``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class PageSpec:
    key: str
    script: str
    title: str
    icon: str
    url_path: str
    param: str | None = None


SEARCH = PageSpec("search", "ui/pages/search.py", "检索", ":material/search:", "search", "q")
DOCUMENT = PageSpec("document", "ui/pages/document.py", "文件", ":material/description:", "document", "doc")
CLAUSE = PageSpec("clause", "ui/pages/clause.py", "条款", ":material/segment:", "clause", "clause")
TASKS = PageSpec("tasks", "ui/pages/tasks.py", "任务", ":material/checklist:", "tasks")
COVERAGE = PageSpec("coverage", "ui/pages/coverage.py", "对标", ":material/compare_arrows:", "coverage")
GRAPH = PageSpec("graph", "ui/pages/graph.py", "图谱", ":material/account_tree:", "graph")

PAGES = (SEARCH, DOCUMENT, CLAUSE, TASKS, COVERAGE, GRAPH)

# Deep links on the default page, in priority order: a search wins over a clause over a document.
DEEP_LINKS = (SEARCH, CLAUSE, DOCUMENT)


def target(href: str | None) -> tuple[PageSpec, dict[str, str]] | None:
    """The page and query parameters an in-app link names, or None for anything else.

    ``clause?clause=d%23part_3`` → (CLAUSE, {"clause": "d#part_3"}); ``/document?doc=d`` →
    (DOCUMENT, {"doc": "d"}); on the start page a deep link names its view (``?doc=d`` →
    DOCUMENT, as ``app.py`` does for a typed URL). Links to other sites, to unknown pages
    and empty ones give None. The href comes from the browser: nothing here trusts it
    beyond picking one of :data:`PAGES`.
    """
    if not href or not isinstance(href, str):
        return None
    parts = urlsplit(href.strip())
    if parts.scheme or parts.netloc:
        return None
    params: dict[str, str] = {}
    for k, v in parse_qsl(parts.query):
        params.setdefault(k, v)  # the first of repeated parameters, as st.query_params.get does
    steps = [x for x in parts.path.split("/") if x not in ("", ".", "..")]
    name = steps[-1] if steps else ""  # the page is the last step of the path; none: the start page
    if not name:
        spec = next((s for s in DEEP_LINKS if params.get(s.param)), SEARCH)
    else:
        spec = next((s for s in PAGES if s.url_path == name), None)
    return (spec, params) if spec is not None else None
