"""``KB.search``: filters checked, query understood, planned, engine asked, hits shaped.

Everything here is engine-independent; the engine (``kb.search.engine``) only
evaluates the plan. One opened index per KB object, shared by threads.

A query passes through: ``understand.normalize`` (traditional → simplified, width,
number words) → ``query.parse`` → ``spelling`` (an unknown word → the nearest KB word,
searched instead and said so) → ``plan`` (question words out, pieces, synonyms, time
expressions; generic words from the index's statistics) → the engine, twice: the
*full matches* (every content word, or a whole form), then the *partial matches*
(some specific content words, not already a full match), returned apart.
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
from kb.search import understand
from kb.search.engine import Filters, build_engine, get_engine, index_dir
from kb.search.highlight import find_spans_in, mark, only_across_words
from kb.search.plan import Unit, partial_plan, plan, positive_units
from kb.search.ranking import SYNONYM_WEIGHT
from kb.search.result import SearchResult
from kb.search.spelling import Speller
from kb.search.stats import Stats
from kb.search.vocab import synonyms

MAX_LIMIT = 1000
YEAR_MIN, YEAR_MAX = 1900, 2100  # a year filter outside these is a typo
LEVEL_NAMES = {"中央": "central", "国家": "central", "省级": "provincial", "省": "provincial",
               "市级": "municipal", "市": "municipal", "县级": "county", "县": "county"}
NOTICE_PARTIAL = "没有同时包含全部内容词的条款；“部分匹配”中列出只包含其中一部分的条款"
NOTICE_NO_PARTY = "没有名为或包含“{party}”的责任单位（用 `policykb tasks` 查看单位名称），因此没有结果"
NOTICE_CORRECTED = "您要找的是不是：{terms}（知识库中没有“{wrong}”，已按“{query}”检索）"
MAX_PARTIES = 10  # responsible parties listed for a "who" question
PARTIAL_POOL = 50  # partial matches fetched to order by coverage (then cut to the limit)

_lock = threading.Lock()
_indexes: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class OpenIndex:
    """An engine's opened index with its word statistics and speller (built on first use)."""

    def __init__(self, index):
        self.index = index
        self.stats = Stats(index)
        self.speller = Speller(self.stats)

    def search(self, tree, filters, limit):
        return self.index.search(tree, filters, limit)


def open_index(kb) -> OpenIndex:
    """The search index of this KB's build, opened once per KB object."""
    name = build_engine(kb.build_dir)
    with _lock:
        cached = _indexes.get(kb)
        if cached is None or cached[0] != name:
            cached = (name, OpenIndex(get_engine(name).open(index_dir(kb.build_dir, name))))
            _indexes[kb] = cached
        return cached[1]


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------

def check_limit(limit) -> int:
    try:
        n = int(limit)
    except (TypeError, ValueError):
        raise QueryError(f"--limit {limit!r} is not a number; give a whole number from 1 to {MAX_LIMIT}",
                         "limit") from None
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

def correct(tree, speller: Speller) -> tuple[object, list]:
    """The tree with unknown words of its plain words replaced by the nearest KB words."""
    found: list = []

    def walk(node):
        if isinstance(node, q.Word):
            text, fixes = speller.correct(node.text)
            found.extend(fixes)
            return q.Word(text) if fixes else node
        if isinstance(node, q.Not):
            return q.Not(walk(node.item))
        if isinstance(node, q.And):
            return q.And(tuple(walk(x) for x in node.items), node.implicit)
        if isinstance(node, q.Or):
            return q.Or(tuple(walk(x) for x in node.items))
        return node  # a quoted phrase is meant exactly

    return (walk(tree) if tree is not None else None), found


def search(kb, query: str, *, doc: str | None = None, level: str | None = None, year=None,
           party: str | None = None, limit: int = 20) -> SearchResult:
    t0 = time.perf_counter()
    limit = check_limit(limit)
    if doc:
        kb.document(doc)  # NotFoundError names the id and how to list ids
    notices: list[str] = []
    filters = Filters(doc=doc or None, level=check_level(level), year=check_year(year),
                      parties=resolve_party(kb, party, notices))
    typed = (query or "")[:q.MAX_CHARS + 1]  # parse cuts the rest (and says so): convert no more
    normal = understand.normalize(typed)
    notices.extend(understand.notices(normal))
    parsed = q.parse(normal.text)
    notices.extend(parsed.notices)
    engine = build_engine(kb.build_dir)
    if parsed.tree is None:
        if q.NOTICE_ONLY_NOT not in notices:
            notices.append(q.NOTICE_EMPTY)
        return SearchResult(query, 0, [], notices, "", engine, _ms(t0))

    index = open_index(kb)
    tree, fixes = correct(parsed.tree, index.speller)
    searched = _outer(q.to_string(tree)) if fixes else None
    if fixes:
        notices.append(NOTICE_CORRECTED.format(terms="、".join(dict.fromkeys(f.right for f in fixes)),
                                               wrong="、".join(dict.fromkeys(f.wrong for f in fixes)),
                                               query=searched))
    tree = plan(tree, notices, index.stats.is_generic)
    if tree is None:
        if q.NOTICE_ONLY_NOT not in notices:
            notices.append(q.NOTICE_EMPTY)
        return SearchResult(query, 0, [], notices, "", engine, _ms(t0))

    result = index.search(tree, filters, limit)
    units = positive_units(tree)
    # The engines match bigrams; a hit whose only match runs across word boundaries is dropped
    # (and not counted: the totals are the engine's less those seen dropped).
    kept_main = [h for h in result.hits if not across(h.record, units)]
    total = result.total - (len(result.hits) - len(kept_main))
    hits = [make_hit(h.record, h.score, units) for h in kept_main]
    partial, partial_total = [], 0
    loose = partial_plan(tree)
    if loose is not None and len(hits) < limit:
        # All full matches are known here (fewer than the limit): fetch as many more and leave
        # them out, rather than have the engine evaluate the query again under a NOT.
        main_ids = {h.id for h in result.hits}
        second = index.search(loose, filters, max(limit, PARTIAL_POOL) + len(main_ids))
        seen_main = sum(h.id in main_ids for h in second.hits)
        kept = [h for h in second.hits if h.id not in main_ids and not across(h.record, units)]
        partial_total = second.total - seen_main - (len(second.hits) - seen_main - len(kept))
        partial = [make_hit(h.record, h.score, units) for h in by_coverage(kept, units, index.stats)[:limit]]
        if not total and partial_total:
            notices.append(NOTICE_PARTIAL)
    asks = list(dict.fromkeys(k for u in units for k in u.asks))
    return SearchResult(query, total, hits, notices, _interpreted(tree), engine, _ms(t0),
                        _expansions(units), partial=partial,
                        partial_total=partial_total,
                        corrected=[{"from": f.wrong, "to": f.right, "how": f.how} for f in fixes],
                        suggestion=searched,
                        normalized=normal.text if normal.text != typed else None,
                        asks=asks, parties=_parties(kept_main) if "who" in asks else [])


def coverage(record: dict, units, stats) -> float:
    """How much of the query's specific content a clause (text and headings) has: per specific
    piece (or whole unit without pieces) its rarity (``Stats.idf``), times ``SYNONYM_WEIGHT``
    if only a synonym stands there."""
    folded = fold("\n".join(x for x in (record.get("text"), record.get("headings") or record.get("heading")) if x))

    def found(forms) -> float:
        for f in forms:
            if f.pattern().search(folded):
                return stats.idf(forms[0].text) * (1.0 if not f.synonym else SYNONYM_WEIGHT)
        return 0.0

    return sum(sum(found(p.forms) for p in u.specific) if u.pieces else found(u.forms) for u in units)


def by_coverage(hits, units, stats) -> list:
    """Partial matches, those with more (and rarer) of the query's specific content first, then
    by score."""
    return sorted(hits, key=lambda h: (-round(coverage(h.record, units, stats), 5), -round(h.score, 5),
                                       h.record.get("seq", 0)))


def _parties(hits) -> list[dict]:
    """Responsible parties of the hits' tasks (as the task extraction found them), by first hit."""
    out: dict[str, dict] = {}
    for h in hits:
        for name in h.record.get("parties") or ():
            if name not in out and len(out) < MAX_PARTIES:
                out[name] = {"name": name, "clause": h.id}
    return list(out.values())


def across(r: dict, units) -> bool:
    """A hit the engine found only where the query's characters run across word boundaries."""
    return only_across_words(units, r.get("text"), r.get("headings"))


def make_hit(r: dict, score: float, units) -> Hit:
    spans, heading_spans = find_spans_in(r["text"], r.get("heading"), units=units)
    label = r.get("label_chars") or 0
    spans = tuple(s for s in spans if s[0] >= label)  # a label (目标〔未核实〕：) is not content
    return Hit(id=r["id"], doc_id=r["doc_id"], level=r["level"], kind=r["kind"], part_no=r["part_no"],
               article_no=r["article_no"], heading=r.get("heading"), text=r["text"],
               highlight=mark(r["text"], spans), score=round(score, 4), spans=spans,
               label=r.get("label", ""), status=r.get("status", "full"),
               heading_spans=heading_spans, heading_highlight=mark(r.get("heading"), heading_spans))


def _interpreted(tree) -> str:
    """The planned query as text: what was searched, after fallbacks, corrections and question words."""
    if isinstance(tree, Unit):
        if tree.exact:
            return f'"{tree.typed}"'
        return tree.typed if not tree.asks else " ".join(p.text for p in tree.pieces) or tree.forms[0].text
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


def _outer(text: str) -> str:
    """A query string without the parentheses ``query.to_string`` puts around the whole."""
    return text[1:-1] if text.startswith("(") and text.endswith(")") and q.parse(text[1:-1]).tree == q.parse(text).tree \
        else text


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
