"""The pages of the app: one row each, used by ``app.py`` and by links between pages.

Page scripts live in ``policykb/ui/pages/``; each ``script`` is written relative to the
``policykb`` package folder and made absolute, so ``st.Page``, ``st.page_link`` and
``st.switch_page`` find it whichever main script runs the app (``app.py`` of a checkout or
the installed ``policykb/ui/app.py``).
``param`` is the query parameter that opens the page by deep link
(``/?q=…``, ``/?doc=…``, ``/?clause=…``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageSpec:
    key: str
    script: str
    title: str
    icon: str
    url_path: str
    param: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "script", str(PACKAGE_DIR / self.script))


SEARCH = PageSpec("search", "ui/pages/search.py", "检索", ":material/search:", "search", "q")
DOCUMENT = PageSpec("document", "ui/pages/document.py", "文件", ":material/description:", "document", "doc")
CLAUSE = PageSpec("clause", "ui/pages/clause.py", "条款", ":material/segment:", "clause", "clause")
TASKS = PageSpec("tasks", "ui/pages/tasks.py", "任务", ":material/checklist:", "tasks")
COVERAGE = PageSpec("coverage", "ui/pages/coverage.py", "对标", ":material/compare_arrows:", "coverage")
GRAPH = PageSpec("graph", "ui/pages/graph.py", "图谱", ":material/account_tree:", "graph")

PAGES = (SEARCH, DOCUMENT, CLAUSE, TASKS, COVERAGE, GRAPH)

# Deep links on the default page, in priority order: a search wins over a clause over a document.
DEEP_LINKS = (SEARCH, CLAUSE, DOCUMENT)
