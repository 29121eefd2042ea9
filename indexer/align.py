"""Alignment: each provision of a lower-level document → the upstream articles it implements.

For a downstream document D, the upstream documents are those D cites (resolved
citations), or, where D cites none in the KB, every document of a higher level.
For each article and clause of D:

1. **Candidates** come from the search index (the provision's salient terms as
   an OR query, restricted to the upstream document), topped up with the
   upstream articles whose headings share words with it, so an outline's short
   articles are not missed.
2. **Re-ranking** on signals a drafter can check, each a number in ``features``:
   ``bm25`` (term overlap weighted by rarity, from our own statistics over the
   upstream articles), ``heading`` (character-bigram Dice of the two headings),
   ``keywords`` (share of the upstream article's salient terms found in the
   provision), ``phrase`` (longest shared run of characters, as a fraction of
   the shorter heading/term), ``part`` (similarity of the two parts' titles:
   documents restate their parent's chapter structure), ``position`` (closeness
   of relative position in the two documents), ``indicator`` (a shared target
   indicator such as 细颗粒物).
3. **Score**: a logistic model over those features whose weights are fitted on
   our labelled pairs (``eval/align_gold.tsv``, via ``policykb eval-align
   --calibrate``) and stored in ``indexer/data/align_model.json``. The score is
   therefore a probability: among our labelled candidates, links scored 0.7
   were right about 70 % of the time. Links below 0.15 are not stored; those
   kept are labelled 强 (≥ 0.6), 中 (≥ 0.3) or 弱.

``evidence`` lists what the two provisions share: heading overlap, shared
terms (rarest first) and shared indicators.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.models import Link, Provision, ancestors

MODEL_PATH = Path(__file__).parent / "data" / "align_model.json"
FEATURES = ("bm25", "bm25_rel", "heading", "keywords", "phrase", "part", "position", "indicator")
MIN_SCORE = 0.02  # candidates below this are not links at all (nothing shared)
LEVEL_RANK = {"central": 0, "provincial": 1, "municipal": 2, "county": 3}

# Words too common in policy text to be evidence of alignment (generic verbs and
# fillers); everything else is weighted by its rarity among the upstream articles.
_STOP_PATH = Path(__file__).parent / "data" / "align_stopwords.txt"


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    words = _STOP_PATH.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if not w.startswith("#"))


_CJK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9.]+")


@lru_cache(maxsize=65536)
def terms(text: str) -> tuple[str, ...]:
    """Content words of a text (our search analyzer's segmentation, minus stop words)."""
    from kb.analysis import word_tokens

    stop = stopwords()
    return tuple(t.text for t in word_tokens(text) if len(t.text) > 1 and t.text not in stop
            and not t.text.isdigit() and _CJK.fullmatch(t.text))


def indicator_keys(indicator: str) -> set[str]:
    """An indicator's comparable keys: its content words (细颗粒物平均浓度 → 细颗粒物, 浓度 …)."""
    return {w for w in terms(indicator) if len(w) >= 2}


def indicator_map(targets) -> dict[str, set[str]]:
    """Clause id → the indicator keys of its targets."""
    out: dict[str, set[str]] = {}
    for t in targets:
        if t.indicator:
            out.setdefault(t.clause_id, set()).update(indicator_keys(t.indicator))
    return out


def bigrams(text: str) -> set[str]:
    s = "".join(_CJK.findall(text))
    return {s[i:i + 2] for i in range(len(s) - 1)}


def dice(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def longest_common_run(a: str, b: str) -> int:
    """Length of the longest common substring (small strings: headings, terms)."""
    best, prev = 0, [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


@dataclass
class Unit:
    """An alignable provision with the text and context the features need."""

    provision: Provision
    heading: str
    text: str  # heading + all text inside
    part_heading: str
    position: float  # relative position of its article in the document, 0..1
    indicators: frozenset[str] = frozenset()


@dataclass
class Upstream:
    """The upstream articles of one document, with term statistics for BM25."""

    doc_id: str
    units: list[Unit]
    term_lists: list[list[str]]
    idf: dict[str, float]
    avg_len: float

    @classmethod
    def build(cls, doc_id: str, units: list[Unit]) -> "Upstream":
        lists = [list(terms(u.text)) for u in units]
        n = max(len(units), 1)
        df = Counter(w for ts in lists for w in set(ts))
        idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}
        avg = sum(map(len, lists)) / n if lists else 1.0
        return cls(doc_id, units, lists, idf, avg or 1.0)

    def bm25(self, query: list[str], i: int, k1: float = 1.2, b: float = 0.75) -> float:
        tf = Counter(self.term_lists[i])
        length = len(self.term_lists[i])
        score = 0.0
        for w in set(query):
            if w in tf:
                score += self.idf[w] * tf[w] * (k1 + 1) / (tf[w] + k1 * (1 - b + b * length / self.avg_len))
        return score

    def salient(self, i: int, k: int = 12) -> list[str]:
        tf = Counter(self.term_lists[i])
        return [w for w, _ in sorted(tf.items(), key=lambda x: (-x[1] * self.idf.get(x[0], 0), x[0]))[:k]]


def units_of(provisions: list[Provision], indicators: dict[str, set[str]] | None = None,
             kinds: tuple[str, ...] = ("article",)) -> list[Unit]:
    """Alignable units of one document.

    With the default ``kinds`` these are its articles or, in a document without
    articles (the Jiangsu outline's main tasks), its parts and items that hold
    no other units. Otherwise every provision of the given kinds.
    """
    indicators = indicators or {}
    by_id = {p.id: p for p in provisions}
    articles = [p for p in provisions if p.kind == "article"] or [
        p for p in provisions if p.kind in ("part", "item")
        and not any(q.parent == p.id and q.kind != "clause" for q in provisions)]
    order = {a.id: i for i, a in enumerate(articles)}
    wanted = articles if kinds == ("article",) else [p for p in provisions if p.kind in kinds]

    def position(p: Provision) -> float:
        q = next((q for q in (p, *ancestors(p, by_id.get)) if q.id in order), None)
        if q is not None:
            return (order[q.id] + 0.5) / len(articles)
        return (p.seq + 0.5) / max(len(provisions), 1)

    def part_heading(p: Provision) -> str:
        q = next((q for q in (p, *ancestors(p, by_id.get)) if q.kind == "part"), None)
        return (q.heading or "") if q else ""

    out = []
    for p in wanted:
        inside = [q for q in provisions if q.id == p.id or q.id.startswith(p.id + "__")]
        body = p.text if p.kind == "clause" else " ".join(q.text for q in inside if q.kind == "clause")
        heading = p.heading or ""
        inds = frozenset(i for q in inside for i in indicators.get(q.id, ()))
        out.append(Unit(p, heading, f"{heading} {body}".strip(), part_heading(p), position(p), inds))
    return out


def features(down: Unit, up: Upstream, i: int, bm25_max: float | None = None) -> dict[str, float]:
    """The signals for one (downstream unit, upstream unit) pair.

    ``bm25_max`` is the best BM25 of ``down`` over all upstream units (computed
    here when not given), so ``bm25_rel`` compares candidates of one provision.
    """
    u = up.units[i]
    q = terms(down.text)
    if bm25_max is None:
        bm25_max = max((up.bm25(q, j) for j in range(len(up.units))), default=0.0)
    raw = up.bm25(q, i)
    salient = up.salient(i)
    present = [w for w in salient if w in down.text]
    heads = (down.heading, u.heading) if down.heading else (down.text[:40], u.heading)
    run = longest_common_run(*heads) if heads[0] and heads[1] else 0
    shorter = min(len(heads[0]), len(heads[1])) or 1
    return {
        "bm25": math.log1p(raw),
        "bm25_rel": raw / bm25_max if bm25_max > 0 else 0.0,
        "heading": dice(bigrams(down.heading), bigrams(u.heading)) if down.heading else 0.0,
        # share of the upstream article's salient terms found, relative to what a
        # provision this long could hold (a clause has fewer words than an article)
        "keywords": len(present) / max(1, min(len(salient), len(set(q)))) if salient else 0.0,
        "phrase": min(run / shorter, 1.0) if run >= 3 else 0.0,
        "part": dice(bigrams(down.part_heading), bigrams(u.part_heading)),
        "position": 1.0 - abs(down.position - u.position),
        "indicator": 1.0 if down.indicators & u.indicators else 0.0,
    }


def evidence(down: Unit, up: Upstream, i: int) -> tuple[str, ...]:
    u = up.units[i]
    out = []
    if down.heading and u.heading:
        run = _common_run_text(down.heading, u.heading)
        if len(run) >= 2:
            out.append(f"标题共有“{run}”")
    shared = sorted({w for w in terms(down.text) if w in set(up.term_lists[i])},
                    key=lambda w: (-up.idf.get(w, 0), w))
    if shared:
        out.append("共有词：" + "、".join(shared[:8]))
    if down.indicators & u.indicators:
        out.append("共同指标：" + "、".join(sorted(down.indicators & u.indicators)))
    return tuple(out)


def _common_run_text(a: str, b: str) -> str:
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best


@lru_cache(maxsize=1)
def model() -> dict:
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


def probability(f: dict[str, float], weights: dict | None = None) -> float:
    m = weights or model()
    z = m["bias"] + sum(m["weights"][k] * f[k] for k in FEATURES)
    return 1.0 / (1.0 + math.exp(-z))


def strength(score: float) -> str:
    return "强" if score >= 0.6 else "中" if score >= 0.3 else "弱"


def rank(down: Unit, up: Upstream, candidates: list[int] | None = None,
         weights: dict | None = None) -> list[tuple[float, int, dict]]:
    """(score, upstream unit index, features) for the candidates, best first."""
    idx = candidates if candidates is not None else range(len(up.units))
    q = terms(down.text)
    bm25_max = max((up.bm25(q, j) for j in range(len(up.units))), default=0.0)
    scored = []
    for i in idx:
        f = features(down, up, i, bm25_max)
        scored.append((probability(f, weights), i, f))
    return sorted(scored, key=lambda x: (-x[0], up.units[x[1]].provision.seq))


def link_document(down_units: list[Unit], up: Upstream, per_unit: int = 5,
                  candidates=None) -> list[Link]:
    links = []
    for d in down_units:
        cands = candidates(d, up) if candidates else None
        for score, i, _ in rank(d, up, cands)[:per_unit]:
            if score < MIN_SCORE:
                break
            links.append(Link(d.provision.id, up.units[i].provision.id, "aligned", round(score, 4),
                              evidence(d, up, i)))
    return links
