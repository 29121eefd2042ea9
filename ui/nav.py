"""The pages of the app: one row each, used by ``app.py`` and by links between pages.

Page scripts live in ``ui/pages/``; paths are relative to ``app.py``'s folder,
which is what ``st.Page``, ``st.page_link`` and ``st.switch_page`` expect.
``param`` is the query parameter that opens the page by deep link
(``/?q=…``, ``/?doc=…``, ``/?clause=…``).
"""

from __future__ import annotations

from dataclasses import dataclass


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
