"""``KB.search``: filters checked, query parsed and planned, engine asked, hits shaped.

Everything here is engine-independent; the engine (``kb.search.engine``) only
evaluates the plan. One opened index per KB object, shared by threads.
"""

from __future__ import annotations

import threading
import time
import weakref

from kb.analysis import fold
from kb.errors import QueryError
from kb.models import LEVELS, Hit
from kb.names import canonical_name
from kb.search import query as q
from kb.search.engine import Filters, build_engine, get_engine, index_dir
from kb.search.highlight import find_spans_in, mark
from kb.search.plan import Unit, plan, positive_units
from kb.search.result import SearchResult
from kb.search.vocab import synonyms

MAX_LIMIT = 1000
YEAR_MIN, YEAR_MAX = 1900, 2100  # a year filter outside these is a typo
LEVEL_NAMES = {"中央": "central", "国家": "central", "省级": "provincial", "省": "provincial",
               "市级": "municipal", "市": "municipal", "县级": "county", "县": "county"}
NOTICE_RELAXED = "没有同时包含全部检索词的条款，下面是包含部分检索词的结果"
NOTICE_NO_PARTY = "没有名为或包含“{party}”的责任单位（用 `policykb tasks` 查看单位名称），因此没有结果"

_lock = threading.Lock()
_indexes: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def open_index(kb):
    """The search index of this KB's build, opened once per KB object."""
    name = build_engine(kb.build_dir)
    with _lock:
        cached = _indexes.get(kb)
        if cached is None or cached[0] != name:
            cached = (name, get_engine(name).open(index_dir(kb.build_dir, name)))
            _indexes[kb] = cached
        return cached[1]


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------

def check_limit(limit) -> int:
    try:
        n = int(limit)
    except (TypeError, ValueError):
        raise QueryError(f"--limit {limit!r} is not a number; give a whole number from 1 to {MAX_LIMIT}", "limit") from None
    if not 1 <= n <= MAX_LIMIT:
        raise QueryError(f"--limit {n} is out of range; give a whole number from 1 to {MAX_LIMIT}", "limit")
    return n


def check_level(level: str | None) -> str | None:
    if level is None or level == "":
        return None
    value = LEVEL_NAMES.get(level.strip(), level.strip().lower())
    if value not in LEVELS:
        raise QueryError(f"--level {level!r} is not a level; use one of {', '.join(LEVELS)}", "level")
    return value


def check_year(year) -> int | None:
    if year is None or year == "":
        return None
    try:
        y = int(str(year).strip().rstrip("年"))
    except ValueError:
        raise QueryError(f"--year {year!r} is not a year; give four digits such as 2027", "year") from None
    if not YEAR_MIN <= y <= YEAR_MAX:
        raise QueryError(f"--year {y} is out of range; give a year such as 2027", "year")
    return y


def party_names(kb) -> list[str]:
    """Names of the parties of all tasks in the KB, as written and canonical (县水务局, 县水利局)."""
    return [name for (name,) in kb.reader.query(
        "SELECT name FROM task_parties WHERE name IS NOT NULL UNION "
        "SELECT canonical FROM task_parties WHERE canonical IS NOT NULL ORDER BY 1")]


def resolve_party(kb, party: str | None, notices: list[str]) -> tuple[str, ...] | None:
    """Party names the filter means: names containing what was typed or one of its synonyms."""
    if party is None or not party.strip():
        return None
    wanted = [fold(party.strip()), fold(canonical_name(party))] + [fold(s) for s in synonyms()(party.strip())]
    names = tuple(n for n in party_names(kb) if any(w in fold(n) for w in wanted))
    if not names:
        notices.append(NOTICE_NO_PARTY.format(party=party.strip()))
    return names


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------

def search(kb, query: str, *, doc: str | None = None, level: str | None = None, year=None,
           party: str | None = None, limit: int = 20) -> SearchResult:
    t0 = time.perf_counter()
    limit = check_limit(limit)
    if doc:
        kb.document(doc)  # NotFoundError names the id and how to list ids
    notices: list[str] = []
    filters = Filters(doc=doc or None, level=check_level(level), year=check_year(year),
                      parties=resolve_party(kb, party, notices))
    parsed = q.parse(query)
    notices.extend(parsed.notices)
    tree = plan(parsed.tree, notices)
    if tree is None:
        if q.NOTICE_ONLY_NOT not in notices:
            notices.append(q.NOTICE_EMPTY)
        return SearchResult(query, 0, [], notices, "", build_engine(kb.build_dir), _ms(t0))

    index = open_index(kb)
    result = index.search(tree, filters, limit)
    if result.total == 0 and q.has_implicit_and(tree):
        relaxed = q.relax(tree)
        second = index.search(relaxed, filters, limit)
        if second.total:
            notices.append(NOTICE_RELAXED)
            tree, result = relaxed, second

    units = positive_units(tree)
    hits = [make_hit(h.record, h.score, units) for h in result.hits]
    return SearchResult(query, result.total, hits, notices, _interpreted(tree), build_engine(kb.build_dir), _ms(t0),
                        _expansions(units))


def make_hit(r: dict, score: float, units) -> Hit:
    spans, heading_spans = find_spans_in(r["text"], r.get("heading"), units=units)
    return Hit(id=r["id"], doc_id=r["doc_id"], level=r["level"], kind=r["kind"], part_no=r["part_no"],
               article_no=r["article_no"], heading=r.get("heading"), text=r["text"],
               highlight=mark(r["text"], spans), score=round(score, 4), spans=spans,
               label=r.get("label", ""), status=r.get("status", "full"),
               heading_spans=heading_spans, heading_highlight=mark(r.get("heading"), heading_spans))


def _interpreted(tree) -> str:
    """The planned query as text: what was searched, after fallbacks and relaxing."""
    if isinstance(tree, Unit):
        return f'"{tree.typed}"' if tree.exact else tree.typed
    if isinstance(tree, q.Not):
        return f"NOT {_interpreted(tree.item)}"
    if isinstance(tree, q.And):
        sep = " " if tree.implicit else " AND "
    else:
        sep = " OR "
    inner = sep.join(_interpreted(x) for x in tree.items)
    return f"({inner})"


def _expansions(units) -> dict[str, list[str]]:
    return {u.typed: [f.text for f in u.forms + u.partial if f.synonym] for u in units
            if any(f.synonym for f in u.forms + u.partial)}


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
