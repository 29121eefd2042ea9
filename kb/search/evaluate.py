"""``policykb eval``: search quality on a judged query file.

Two row formats, UTF-8 TSV, ``#`` lines are comments (the header)::

    # query<TAB>relevant articles of 扬府发〔2024〕118号 (article_no:grade; …)
    耕地保护<TAB>1:2,5:1

    # query<TAB>relevant units<TAB>category
    生态补偿<TAB>yangzhou-2024-118:21:2,central-2023-beautiful-china:24:1<TAB>paraphrase
    网约车管理<TAB>NONE<TAB>none

Grades: 2 = the primary answer, 1 = also relevant. ``article_no:grade`` judges the
one document whose 文号 appears in a header line (``--doc`` overrides), and its
queries are searched in that document. ``DOCID:UNIT:GRADE`` names the document
itself; a file of only such rows is searched across all documents (``--doc``
narrows it). UNIT is an article number, or for text outside numbered articles the
container: ``part1`` (a part's own clauses), ``preamble``, ``closing``, ``task1`` (an
outline's main task). ``NONE``: no document answers the query; the best answer is
no hits (partial matches, shown apart, are allowed). The optional third column is
a category; figures are reported for each.

Each query's hits — the full matches, then the labelled partial matches, as a
reader sees them — become a ranking of *units* (document, article or container),
each counted once at its best hit.

* Recall@5: share of the relevant units among the first five.
* MRR: 1 / rank of the first relevant unit (0 if none is found).
* nDCG@10: graded, gain 2^grade − 1, discount log2(rank + 1).
* zero-hit rate (``NONE`` queries): share that get no full match.

Averages are over the answerable queries; a query is a *miss* when Recall@5 < 1, or
when it has no answer and got full matches.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import InputError, NotFoundError

SEARCH_DEPTH = 100  # hits fetched per query to rank units
NONE = "NONE"
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕",
                           "（": "〔", "）": "〕", "﹝": "〔", "﹞": "〕"})
_OLD_RE = re.compile(r"^\s*(?P<unit>\d+)\s*:\s*(?P<grade>\d+)\s*$")
_NEW_RE = re.compile(r"^\s*(?P<doc>[^:\s]+)\s*:\s*(?P<unit>[0-9a-z_]+)\s*:\s*(?P<grade>\d+)\s*$")

Key = tuple  # (doc_id or None for "the judged document", unit)


@dataclass
class Judged:
    query: str
    relevant: dict[Key, int]  # (doc_id, unit) → grade; empty for a NONE query
    line: int
    category: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.relevant)


@dataclass
class JudgedFile:
    path: Path
    header: str  # the comment lines, where the 文号 is looked for
    queries: list[Judged] = field(default_factory=list)

    @property
    def needs_doc(self) -> bool:
        """Whether some row says only ``article_no:grade`` (the document is the header's)."""
        return any(doc is None for j in self.queries for doc, _ in j.relevant)


def _relevant(cell: str, path: Path, n: int) -> dict[Key, int]:
    if cell.strip().upper() == NONE:
        return {}
    out: dict[Key, int] = {}
    for item in cell.split(","):
        if not item.strip():
            continue
        if m := _OLD_RE.match(item):
            out[(None, m.group("unit"))] = int(m.group("grade"))
        elif m := _NEW_RE.match(item):
            out[(m.group("doc"), m.group("unit"))] = int(m.group("grade"))
        else:
            raise InputError(f"{path} line {n}: {item.strip()!r} is not 'article_no:grade' (e.g. 5:2) "
                             "nor 'DOCID:UNIT:GRADE' (e.g. yangzhou-2024-118:5:2); write NONE for no answer")
    if not out:
        raise InputError(f"{path} line {n}: no relevant articles given; list them or write NONE")
    return out


def read_judged(path: Path) -> JudgedFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; give the path of a judged query file (TSV)") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8; save the query file as UTF-8") from None
    comments, queries = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            comments.append(line)
            continue
        cols = line.split("\t")
        if len(cols) < 2 or not cols[0].strip():
            raise InputError(f"{path} line {n}: expected 'query<TAB>article:grade,…'; separate the columns with a tab")
        category = cols[2].strip() if len(cols) > 2 else ""
        queries.append(Judged(cols[0].strip(), _relevant(cols[1], path, n), n, category))
    if not queries:
        raise InputError(f"{path}: no queries; each line is 'query<TAB>article:grade,…'")
    return JudgedFile(path, "\n".join(comments), queries)


def judged_document(kb, judged: JudgedFile, doc: str | None) -> str:
    """The document id the file judges: ``doc`` if given, else the one whose 文号 the header names."""
    if doc:
        kb.document(doc)
        return doc
    header = judged.header.translate(_BRACKETS)
    found = [d.id for d in kb.documents() if d.doc_number and d.doc_number.translate(_BRACKETS) in header]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"{judged.path}: its header names no 文号 of a document in the KB; "
                            "pass the document with --doc ID (ids: `policykb docs`)")
    raise NotFoundError(f"{judged.path}: its header matches several documents ({', '.join(found)}); "
                        "choose one with --doc ID")


def unit_of(hit_id: str, article_no: int | None) -> str:
    """The judged unit of a hit: its article number, else its top container (part1, preamble, task2 …)."""
    if article_no is not None:
        return str(article_no)
    path = hit_id.split("#", 1)[-1]
    return path.split("__", 1)[0].replace("_", "")


def unit_ranking(hits) -> list[Key]:
    """(document, unit) in rank order, each once at its best hit."""
    out, seen = [], set()
    for h in hits:
        key = (h.doc_id, unit_of(h.id, h.article_no))
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def recall_at(ranking: list, relevant: dict, k: int) -> float:
    return len(set(ranking[:k]) & set(relevant)) / len(relevant)


def reciprocal_rank(ranking: list, relevant: dict) -> float:
    for i, key in enumerate(ranking, 1):
        if key in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at(ranking: list, relevant: dict, k: int) -> float:
    def gain(g: int) -> float:
        return 2.0 ** g - 1

    dcg = sum(gain(relevant.get(key, 0)) / math.log2(i + 1) for i, key in enumerate(ranking[:k], 1))
    ideal = sum(gain(g) / math.log2(i + 1) for i, g in enumerate(sorted(relevant.values(), reverse=True)[:k], 1))
    return dcg / ideal if ideal else 0.0


def _mean(xs: list[float]) -> float | None:
    return round(sum(xs) / len(xs), 4) if xs else None


def summarise(rows: list[dict]) -> dict:
    """Averages of per-query rows: R@5, MRR, nDCG@10 over answerable queries, zero-hit over the rest."""
    ans = [r for r in rows if r["answerable"]]
    none = [r for r in rows if not r["answerable"]]
    return {"queries": len(rows), "answerable": len(ans), "no_answer": len(none),
            "recall_at_5": _mean([r["recall_at_5"] for r in ans]),
            "mrr": _mean([r["rr"] for r in ans]),
            "ndcg_at_10": _mean([r["ndcg_at_10"] for r in ans]),
            "zero_hit_rate": _mean([1.0 if r["full_hits"] == 0 else 0.0 for r in none])}


def evaluate(kb, path: Path, doc: str | None = None) -> dict:
    judged = read_judged(path)
    doc_id = judged_document(kb, judged, doc) if judged.needs_doc or doc else None
    rows = []
    for j in judged.queries:
        relevant = {(d or doc_id, u): g for (d, u), g in j.relevant.items()}
        res = kb.search(j.query, doc=doc_id, limit=SEARCH_DEPTH)
        partial = getattr(res, "partial", None) or []
        ranking = unit_ranking(list(res.hits) + list(partial))
        row = {"query": j.query, "category": j.category, "answerable": j.answerable,
               "relevant": {_show(k, doc_id): g for k, g in relevant.items()},
               "full_hits": len(res.hits), "partial_hits": len(partial),
               "ranking": [_show(k, doc_id) for k in ranking[:10]], "notices": res.notices}
        if j.answerable:
            row.update(recall_at_5=recall_at(ranking, relevant, 5), rr=reciprocal_rank(ranking, relevant),
                       ndcg_at_10=ndcg_at(ranking, relevant, 10))
        for key in ("suggestion", "corrected"):
            if getattr(res, key, None):
                row[key] = getattr(res, key)
        rows.append(row)
    by_category: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_category[r["category"] or "-"].append(r)
    out = summarise(rows)
    return {
        "queries": out.pop("queries"),
        "recall_at_5": out.pop("recall_at_5"),
        "mrr": out.pop("mrr"),
        "ndcg_at_10": out.pop("ndcg_at_10"),
        "misses": [r["query"] for r in rows if (r["recall_at_5"] < 1 if r["answerable"] else r["full_hits"])],
        **out,
        "doc_id": doc_id,
        "file": str(path),
        "categories": {c: summarise(rs) for c, rs in by_category.items()},
        "per_query": [{**r, **{k: round(r[k], 4) for k in ("recall_at_5", "rr", "ndcg_at_10") if k in r}}
                      for r in rows],
    }


def _show(key: Key, doc_id: str | None) -> str:
    """A unit as shown: ``5`` inside the judged document, ``doc:5`` across documents."""
    d, unit = key
    return unit if doc_id and d == doc_id else f"{d}:{unit}"
