"""Reading links: ``trace`` (upstream and downstream of a provision), ``coverage`` (对标) and
target comparison across levels. Called through ``kb.api.KB``.

Scores are the alignment model's probabilities (``indexer.align``); citation
links score 1.0. Bands used everywhere: 强 ≥ 0.6, 中 ≥ 0.3, 弱 below.
Coverage calls an upstream article *covered* when an article or item of the
document (a whole provision, not a passing sentence) links to it with a score
≥ ``COVERED`` (0.5), or at least two of its clauses do; *partial* when its best
link is ≥ ``PARTIAL`` (0.3: a single sentence, or a weaker article-level
match); *uncovered* otherwise. A coverage row's 强/中/弱 is its status (已覆盖 强, 部分覆盖
中, 未覆盖 弱: ``COVERAGE_STRENGTH``), so the two never disagree; its ``score`` is the best
single link and ``basis`` says what decided (a whole article, two or more sentences, one
sentence, nothing).
"""

from __future__ import annotations

import json
from collections import defaultdict

from kb import indicators
from kb.errors import NotFoundError
from kb.models import Provision

COVERED = 0.5
PARTIAL = 0.3
# A coverage row's strength is its status (one rule for both): the score shown beside it is the
# best single link, which can be high for one passing sentence (部分覆盖) or moderate for a whole
# article (已覆盖); ``basis`` says which: article / sentences (two or more) / sentence / none.
COVERAGE_STRENGTH = {"covered": "强", "partial": "中", "uncovered": "弱"}


def strength(score: float) -> str:
    return "强" if score >= 0.6 else "中" if score >= 0.3 else "弱"


def _rows(kb, column: str, ids: list[str]) -> list[tuple]:
    out = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out += kb.reader.query(
            f"SELECT source_id, target_id, kind, score, data FROM links WHERE {column} IN "
            f"({','.join('?' * len(chunk))})", chunk)
    return out


def _entry(kb, other_id: str, kind: str, score: float, evidence: list[str], via: list[str]) -> dict:
    if "#" in other_id:
        p = kb.provision(other_id)
        d = kb.document(p.doc_id)
        return {"id": other_id, "doc_id": p.doc_id, "level": d.level, "status": d.status,
                "part_no": p.part_no, "article_no": p.article_no, "item_no": p.item_no,
                "provision_kind": p.kind, "heading": p.heading, "label": p.label,
                "text": p.text if p.kind == "clause" else (p.heading or p.text[:80]),
                "kind": kind, "score": round(score, 4), "strength": strength(score),
                "evidence": evidence, "via": via, "citation": kb.citation(other_id)}
    d = kb.document(other_id)
    return {"id": other_id, "doc_id": other_id, "level": d.level, "status": d.status, "part_no": None,
            "article_no": None, "item_no": None, "provision_kind": "document", "heading": d.title,
            "label": d.title, "text": d.title, "kind": kind, "score": round(score, 4),
            "strength": strength(score), "evidence": evidence, "via": via, "citation": kb.citation(other_id)}


def _aggregate(kb, rows, other_col: int, self_col: int) -> list[dict]:
    """Group links by the provision at the other end: best score, evidence of the best, all sources."""
    best: dict[str, tuple] = {}
    via: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        other, own = row[other_col], row[self_col]
        via[other].append(own)
        score, kind = row[3], row[2]
        key = (score, kind == "citation")
        if other not in best or key > best[other][0]:
            best[other] = (key, kind, score, json.loads(row[4]).get("evidence", []))
    out = []
    for other, (_, kind, score, evidence) in best.items():
        sources = sorted(set(via[other]))
        ev = list(evidence)
        if len(sources) > 1:
            ev.append(f"{len(sources)} 处条款对应")
        out.append(_entry(kb, other, kind, score, ev, sources))
    out.sort(key=lambda e: (-e["score"], e["kind"] != "citation", e["id"]))
    return out


def trace(kb, provision_id: str) -> dict:
    """Upstream and downstream links of a provision; an article (or part, item) aggregates
    the links of everything inside it."""
    if "#" not in provision_id:
        raise NotFoundError(f"'{provision_id}' is a document id; trace takes a provision id such as "
                            f"'{provision_id}#part_2__art_1' (see `policykb show {provision_id}`)")
    p = kb.provision(provision_id)
    ids = [x.id for x in kb.descendants(p)]
    up = _aggregate(kb, _rows(kb, "source_id", ids), other_col=1, self_col=0)
    down_ids = ids + ([p.doc_id] if p.kind in ("preamble",) else [])
    down = _aggregate(kb, _rows(kb, "target_id", down_ids), other_col=0, self_col=1)
    doc = kb.document(p.doc_id)
    return {"provision": {**_provision_brief(p), "level": doc.level, "status": doc.status,
                          "citation": kb.citation(p.id)},
            "upstream": up, "downstream": down}


def _provision_brief(p: Provision) -> dict:
    return {"id": p.id, "doc_id": p.doc_id, "kind": p.kind, "part_no": p.part_no,
            "article_no": p.article_no, "item_no": p.item_no, "heading": p.heading,
            "label": p.label, "text": p.text}


def upstream_units(kb, doc_id: str) -> list[Provision]:
    """The units coverage is counted in: articles, or the main units of an article-less document."""
    provs = kb.provisions(doc_id)
    articles = [p for p in provs if p.kind == "article"]
    if articles:
        return articles
    return [p for p in provs if p.kind in ("part", "item")
            and not any(q.parent == p.id and q.kind != "clause" for q in provs)]


def coverage(kb, doc_id: str, against: str) -> dict:
    kb.document(doc_id)
    kb.document(against)
    mine = {p.id for p in kb.provisions(doc_id)}
    rows = []
    for unit in upstream_units(kb, against):
        targets = [x.id for x in kb.descendants(unit)]
        links = [r for r in _rows(kb, "target_id", targets) if r[0] in mine and r[2] != "citation"]
        best: dict[str, float] = {}
        for source, _t, _k, score, _d in links:
            best[source] = max(best.get(source, 0.0), score)
        top = max(best.values(), default=0.0)
        whole = [sc for src, sc in best.items() if "__cl_" not in src.rsplit("#", 1)[-1].rsplit("__", 1)[-1]
                 and not src.rsplit("__", 1)[-1].startswith("cl_")]
        sentences = [sc for src, sc in best.items() if src.rsplit("__", 1)[-1].startswith("cl_")]
        if max(whole, default=0.0) >= COVERED or sum(sc >= COVERED for sc in sentences) >= 2:
            status = "covered"
        elif top >= PARTIAL:
            status = "partial"
        else:
            status = "uncovered"
        covered_by = [s for s, sc in sorted(best.items(), key=lambda x: (-x[1], x[0])) if sc >= PARTIAL]
        if status == "uncovered":
            basis = "none"
        elif status == "covered":
            basis = "article" if max(whole, default=0.0) >= COVERED else "sentences"
        else:
            basis = "article" if max(whole, default=0.0) >= top else "sentence"
        rows.append({"article_no": unit.article_no if unit.article_no is not None else _own_number(unit),
                     "id": unit.id, "heading": unit.heading, "label": unit.label, "status": status,
                     "covered_by": covered_by[:12], "score": round(top, 4), "strength": COVERAGE_STRENGTH[status],
                     "basis": basis})
    counts = {s: sum(r["status"] == s for r in rows) for s in ("covered", "partial", "uncovered")}
    return {"doc_id": doc_id, "against": against, "rows": rows, "summary": counts,
            "thresholds": {"covered": COVERED, "partial": PARTIAL}}


def _own_number(p: Provision) -> int | None:
    tail = p.id.rsplit("__", 1)[-1].rsplit("#", 1)[-1].rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else None


# ---------------------------------------------------------------------------
# Target comparison across levels
# ---------------------------------------------------------------------------

MATCH = 0.55  # bigram Dice of two indicator names, at least, to compare them
# (0.55 keeps 细颗粒物平均浓度 ~ 全国细颗粒物平均浓度 at 0.88 and refuses 国省考断面水质优良比例
# ~ 近岸海域水质优良比例 at 0.53: a shared tail like 水质优良比例 is not the same indicator)


def _bigrams(s: str) -> set[str]:
    s = "".join(ch for ch in s if ch.isalnum())
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _dice(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _target_row(kb, t) -> dict:
    d = kb.document(t.doc_id)
    return {"doc_id": t.doc_id, "level": d.level, "status": d.status, "clause_id": t.clause_id,
            "article_no": t.article_no, "year": t.year, "indicator": t.indicator, "value": t.value,
            "unit": t.unit, "qualifier": t.qualifier, "text": t.text, "verified": t.verified,
            "year_source": t.year_source}


def compare_targets(kb, doc: str | None = None, indicator: str | None = None) -> list[dict]:
    """Each target of a lower-level document next to the same indicator upstream.

    The upstream match is the upstream target whose indicator name is most alike
    (character-bigram Dice ≥ ``MATCH``), preferring one in an article the
    downstream clause is linked to and one for the same year. ``match`` says how
    alike the names are; ``difference`` is downstream − upstream when both are
    numbers in the same unit, ``difference_text`` says it with the unit, and
    ``verdict`` / ``verdict_text`` (严于上级 / 宽于上级 / 持平上级) follow the
    indicator's direction from ``kb/data/indicators.tsv`` (``kb.indicators``):
    none when the direction is unknown.
    """
    from kb.models import LEVELS

    rank = {lv: i for i, lv in enumerate(LEVELS)}
    docs = {d.id: d for d in kb.documents()}
    targets = kb.targets()
    rows = []
    for t in targets:
        if doc and t.doc_id != doc:
            continue
        mine = rank.get(docs[t.doc_id].level, 9)
        ups = [u for u in targets if rank.get(docs[u.doc_id].level, 9) < mine]
        if not ups:
            continue
        linked = {r[1] for r in _rows(kb, "source_id", [t.clause_id])}
        linked_articles = {x.rsplit("__cl_", 1)[0] for x in linked}
        best, best_key = None, (0.0,)
        for u in ups:
            name = _dice(_bigrams(t.indicator), _bigrams(u.indicator))
            if name < MATCH:
                continue
            key = (name + (0.3 if u.clause_id.rsplit("__cl_", 1)[0] in linked_articles else 0.0)
                   + (0.1 if u.year == t.year else 0.0), name)
            if key > best_key:
                best, best_key = u, key
        if best is None:
            continue
        down, up = _target_row(kb, t), _target_row(kb, best)
        series = sorted((u for u in ups if u.indicator == best.indicator and u.doc_id == best.doc_id),
                        key=lambda u: u.year or 0)
        rows.append({"indicator": best.indicator, "downstream": down,
                     "upstream": up, "upstream_all_years": [_target_row(kb, u) for u in series],
                     "match": round(best_key[1], 3), "same_year": t.year == best.year,
                     **indicators.compare(down, up)})
    if indicator:
        key = _bigrams(indicator)
        rows = [r for r in rows if indicator in r["indicator"] or indicator in r["downstream"]["indicator"]
                or _dice(key, _bigrams(r["indicator"])) >= MATCH]
    rows.sort(key=lambda r: (r["indicator"], r["downstream"]["doc_id"], r["downstream"]["year"] or 0))
    return rows
