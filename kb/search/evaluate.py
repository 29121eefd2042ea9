"""``policykb eval``: article-level search quality on a judged query file.

The file (format of ``eval/dev_queries.tsv``) is UTF-8 TSV::

    # query<TAB>relevant articles of 扬府发〔2024〕118号 (article_no:grade; …)
    耕地保护<TAB>1:2,5:1

Grades: 2 = the primary answer, 1 = also relevant. The judged document is the
one whose 文号 appears in a ``#`` comment line (``--doc`` overrides).

Each query is searched in that document; hits become a ranking of *articles*
in rank order, each article counted once at its best hit. A hit outside any
article (a clause of 一、总体要求, the preamble) takes a rank of its own,
named by its container, so it pushes articles down as it would for a reader.

* Recall@5: share of the relevant articles among the first five.
* MRR: 1 / rank of the first relevant article (0 if none is found).
* nDCG@10: graded, gain 2^grade − 1, discount log2(rank + 1).

A query is a *miss* when Recall@5 < 1.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from kb.errors import InputError, NotFoundError

SEARCH_DEPTH = 100  # hits fetched per query to rank articles
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕",
                           "（": "〔", "）": "〕", "﹝": "〔", "﹞": "〕"})
_ROW_RE = re.compile(r"^\s*(?P<article>\d+)\s*:\s*(?P<grade>\d+)\s*$")


@dataclass
class Judged:
    query: str
    relevant: dict[int, int]  # article_no → grade
    line: int


@dataclass
class JudgedFile:
    path: Path
    header: str  # the comment lines, where the 文号 is looked for
    queries: list[Judged]


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
        relevant = {}
        for item in cols[1].split(","):
            if not item.strip():
                continue
            m = _ROW_RE.match(item)
            if not m:
                raise InputError(f"{path} line {n}: {item.strip()!r} is not 'article_no:grade' (e.g. 5:2)")
            relevant[int(m.group("article"))] = int(m.group("grade"))
        if not relevant:
            raise InputError(f"{path} line {n}: no relevant articles given for {cols[0].strip()!r}")
        queries.append(Judged(cols[0].strip(), relevant, n))
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


def article_ranking(hits) -> list:
    """Articles in rank order, each once; a hit outside articles counts as its container."""
    out, seen = [], set()
    for h in hits:
        key = h.article_no if h.article_no is not None else h.id.rsplit("__", 1)[0]
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def recall_at(ranking: list, relevant: dict[int, int], k: int) -> float:
    return len(set(ranking[:k]) & set(relevant)) / len(relevant)


def reciprocal_rank(ranking: list, relevant: dict[int, int]) -> float:
    for i, key in enumerate(ranking, 1):
        if key in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at(ranking: list, relevant: dict[int, int], k: int) -> float:
    def gain(g: int) -> float:
        return 2.0 ** g - 1

    dcg = sum(gain(relevant.get(key, 0)) / math.log2(i + 1) for i, key in enumerate(ranking[:k], 1)
              if isinstance(key, int))
    ideal = sum(gain(g) / math.log2(i + 1) for i, g in enumerate(sorted(relevant.values(), reverse=True)[:k], 1))
    return dcg / ideal if ideal else 0.0


def evaluate(kb, path: Path, doc: str | None = None) -> dict:
    judged = read_judged(path)
    doc_id = judged_document(kb, judged, doc)
    rows = []
    for j in judged.queries:
        res = kb.search(j.query, doc=doc_id, limit=SEARCH_DEPTH)
        ranking = article_ranking(res.hits)
        rows.append({"query": j.query, "relevant": j.relevant,
                     "recall_at_5": recall_at(ranking, j.relevant, 5),
                     "rr": reciprocal_rank(ranking, j.relevant),
                     "ndcg_at_10": ndcg_at(ranking, j.relevant, 10),
                     "ranking": [k if isinstance(k, int) else str(k).split("#", 1)[-1] for k in ranking[:10]],
                     "notices": res.notices})
    n = len(rows)
    return {
        "queries": n,
        "recall_at_5": round(sum(r["recall_at_5"] for r in rows) / n, 4),
        "mrr": round(sum(r["rr"] for r in rows) / n, 4),
        "ndcg_at_10": round(sum(r["ndcg_at_10"] for r in rows) / n, 4),
        "misses": [r["query"] for r in rows if r["recall_at_5"] < 1],
        "doc_id": doc_id,
        "file": str(path),
        "per_query": [{**r, "recall_at_5": round(r["recall_at_5"], 4), "rr": round(r["rr"], 4),
                       "ndcg_at_10": round(r["ndcg_at_10"], 4)} for r in rows],
    }
