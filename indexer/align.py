"""Alignment: each provision of a lower-level document → the upstream articles it implements.

Which documents are upstream of which is decided in ``indexer.link`` (citations,
else the jurisdiction chain, date and topic). For a pair of documents, each
article, item and clause of the downstream one:

1. **Candidates**: the upstream articles with the best BM25 for the provision's
   content words (``Upstream.scores``, an inverted index; a word's idf is taken
   over the articles of *both* documents, so words found all over both weigh
   little), topped up with those whose headings share words with it.
2. **Re-ranking** on signals a drafter can check, each a number in ``features``:
   ``bm25`` and ``bm25_rel`` (term overlap weighted by rarity), ``heading``
   (character-bigram Dice of the two headings), ``keywords`` (share of the upstream
   article's salient terms found in the provision), ``phrase`` (longest shared run
   of characters, as a fraction of the shorter heading), ``part`` (similarity of the
   two parts' titles: documents restate their parent's chapter structure),
   ``position`` (closeness of relative position in the two documents),
   ``indicator`` (a shared target indicator such as 细颗粒物; 水质 inside 水质优良比例
   counts). Boilerplate carries no weight: guiding-ideology and party-building
   phrases and outline labels are stop words (``data/align_stopwords.txt``), and
   headings every plan has (主要目标, 总体要求 …, ``data/align_headings.txt``) give no
   heading signal.
3. **Score**: a logistic model over those features whose weights are fitted on
   our labelled pairs, with negatives across documents (``policykb eval-align
   --calibrate``, ``indexer.align_evaluate``). The shipped model is
   ``indexer/data/align_model.json``; a refitted one is written to the data directory, never
   into the installed package, and used by builds when ``POLICYKB_ALIGN_MODEL`` names it.
   The score is therefore a probability: among our labelled candidates, links scored
   0.7 were right about 70 % of the time; links are labelled 强 (≥ 0.6), 中 (≥ 0.3) or 弱.
   A candidate resting on one generic shared word is no link (``enough_evidence``).

``evidence`` lists what the two provisions share: heading overlap, shared
terms (rarest first) and shared indicators.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kb.models import Provision, ancestors

MODEL_PATH = Path(__file__).parent / "data" / "align_model.json"
FEATURES = ("bm25", "bm25_rel", "heading", "keywords", "phrase", "part", "position", "indicator")
MIN_SCORE = 0.02  # candidates below this are not links at all (nothing shared)

# Words too common in policy text to be evidence of alignment (generic verbs and
# fillers); everything else is weighted by its rarity among the upstream articles.
_STOP_PATH = Path(__file__).parent / "data" / "align_stopwords.txt"


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    words = _STOP_PATH.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if not w.startswith("#"))


_CJK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9.]+")


@lru_cache(maxsize=1 << 17)
def terms(text: str) -> tuple[str, ...]:
    """Content words of a text (our search analyzer's segmentation, minus stop words)."""
    from kb.analysis import word_tokens

    stop = stopwords()
    return tuple(t.text for t in word_tokens(text) if len(t.text) > 1 and t.text not in stop
            and not t.text.isdigit() and _CJK.fullmatch(t.text))


def clause_terms(provisions: list[Provision]) -> dict[str, tuple[str, ...]]:
    """``terms`` of every clause (``ParsedDocument.terms``)."""
    return {p.id: terms(p.text) for p in provisions if p.kind == "clause"}


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
    words: tuple[str, ...] = ()  # terms(text), from the terms of its heading and of each clause


@dataclass
class Upstream:
    """The upstream articles of one document, with term statistics for BM25.

    ``postings`` (word → [(unit index, term frequency)]) lets ``scores`` rank every
    upstream article for a query in time proportional to the postings it touches.
    """

    doc_id: str
    units: list[Unit]
    term_lists: list[list[str]]
    idf: dict[str, float]
    avg_len: float
    df: Counter = field(default_factory=Counter)
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _salient: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, doc_id: str, units: list[Unit]) -> "Upstream":
        lists = [list(u.words) for u in units]
        n = max(len(units), 1)
        df = Counter(w for ts in lists for w in set(ts))
        idf = {w: _idf(n, c) for w, c in df.items()}
        avg = sum(map(len, lists)) / n if lists else 1.0
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, ts in enumerate(lists):
            for w, k in Counter(ts).items():
                postings.setdefault(w, []).append((i, k))
        return cls(doc_id, units, lists, idf, avg or 1.0, df, postings)

    def pair_idf(self, down: "DownStats | None") -> dict[str, float]:
        """idf of the upstream words over the articles of both documents: a word found in most
        articles of the downstream document too (污染, 生态 in an environmental plan) weighs little."""
        if down is None:
            return self.idf
        n = len(self.units) + down.n
        return {w: _idf(n, c + down.df.get(w, 0)) for w, c in self.df.items()}

    def scores(self, query, idf: dict[str, float] | None = None, k1: float = 1.2,
               b: float = 0.75) -> dict[int, float]:
        """BM25 of every upstream unit sharing a word with ``query`` (unit index → score)."""
        idf = idf or self.idf
        out: dict[int, float] = {}
        for w in set(query):
            for i, tf in self.postings.get(w, ()):
                norm = tf + k1 * (1 - b + b * len(self.term_lists[i]) / self.avg_len)
                out[i] = out.get(i, 0.0) + idf[w] * tf * (k1 + 1) / norm
        return out

    def salient(self, i: int, k: int = 12) -> list[str]:
        if i not in self._salient:
            tf = Counter(self.term_lists[i])
            self._salient[i] = [w for w, _ in sorted(tf.items(), key=lambda x: (-x[1] * self.idf.get(x[0], 0), x[0]))[:k]]
        return self._salient[i]


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


@dataclass
class DownStats:
    """Document frequency of words over the articles of a downstream document."""

    n: int
    df: Counter

    @classmethod
    def of(cls, units: list[Unit]) -> "DownStats":
        return cls(len(units), Counter(w for u in units for w in set(u.words)))


def units_of(provisions: list[Provision], indicators: dict[str, set[str]] | None = None,
             kinds: tuple[str, ...] = ("article",), known: dict[str, tuple[str, ...]] | None = None) -> list[Unit]:
    """Alignable units of one document.

    With the default ``kinds`` these are its articles or, in a document without
    articles (the Jiangsu outline's main tasks), its parts and items that hold
    no other units. Otherwise every provision of the given kinds. ``known``: the
    clauses' terms where already computed (``ParsedDocument.terms``).
    """
    indicators = indicators or {}
    known = known or {}
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

    children: dict[str, list[Provision]] = {}
    for q in provisions:
        if q.parent:
            children.setdefault(q.parent, []).append(q)

    def inside(p: Provision) -> list[Provision]:
        out, stack = [], [p]
        while stack:
            q = stack.pop()
            out.append(q)
            stack.extend(reversed(children.get(q.id, ())))
        return sorted(out, key=lambda q: q.seq)

    out = []
    for p in wanted:
        within = inside(p)
        clauses = [p] if p.kind == "clause" else [q for q in within if q.kind == "clause"]
        body = " ".join(q.text for q in clauses)
        heading = p.heading or ""
        words = terms(heading) + tuple(w for q in clauses for w in known.get(q.id) or terms(q.text))
        inds = frozenset(i for q in within for i in indicators.get(q.id, ()))
        out.append(Unit(p, heading, f"{heading} {body}".strip(), part_heading(p), position(p), inds, words))
    return out


_HEADINGS_PATH = Path(__file__).parent / "data" / "align_headings.txt"


@lru_cache(maxsize=1)
def boilerplate_headings() -> frozenset[str]:
    lines = _HEADINGS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(_squash(x) for x in lines if x.strip() and not x.startswith("#"))


def _squash(text: str) -> str:
    return "".join(_CJK.findall(text))


def topical_heading(heading: str) -> str:
    """The heading as a signal: empty for a heading every plan has (主要目标, 总体要求 …)."""
    return "" if _squash(heading) in boilerplate_headings() else heading


@lru_cache(maxsize=65536)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset(bigrams(text))


def indicators_match(a: frozenset[str], b: frozenset[str]) -> set[str]:
    """Shared indicator keys; one key inside the other counts (水质 and 水质优良比例)."""
    out = set(a & b)
    for x in a:
        for y in b:
            if x != y and (x in y or y in x):
                out.add(min(x, y, key=len))
    return out


def _run(a: str, b: str) -> int:
    """Longest common run of two headings when it is three characters or more (what the
    ``phrase`` signal counts), else 0; the quadratic scan only for headings sharing a trigram."""
    grams = {a[i:i + 3] for i in range(len(a) - 2)}
    if not any(b[i:i + 3] in grams for i in range(len(b) - 2)):
        return 0
    return longest_common_run(a, b)


def features(down: Unit, up: Upstream, i: int, bm25_max: float | None = None,
             stats: "DownStats | None" = None, raw: float | None = None) -> dict[str, float]:
    """The signals for one (downstream unit, upstream unit) pair.

    ``bm25_max`` is the best BM25 of ``down`` over all upstream units (computed
    here when not given), so ``bm25_rel`` compares candidates of one provision;
    ``stats`` (the downstream document's word frequencies) makes BM25 weigh words by
    their rarity in both documents.
    """
    u = up.units[i]
    q = down.words
    if bm25_max is None or raw is None:
        all_scores = up.scores(q, up.pair_idf(stats))
        bm25_max = max(all_scores.values(), default=0.0)
        raw = all_scores.get(i, 0.0)
    salient = up.salient(i)
    present = [w for w in salient if w in down.text]
    dh, uh = topical_heading(down.heading), topical_heading(u.heading)
    heads = (dh, uh) if down.heading else (down.text[:40], uh)
    run = _run(*heads)
    shorter = min(len(heads[0]), len(heads[1])) or 1
    return {
        "bm25": math.log1p(raw),
        "bm25_rel": raw / bm25_max if bm25_max > 0 else 0.0,
        "heading": dice(_bigrams(dh), _bigrams(uh)) if dh else 0.0,
        # share of the upstream article's salient terms found, relative to what a
        # provision this long could hold (a clause has fewer words than an article)
        "keywords": len(present) / max(1, min(len(salient), len(set(q)))) if salient else 0.0,
        "phrase": min(run / shorter, 1.0) if run >= 3 else 0.0,
        "part": dice(_bigrams(down.part_heading), _bigrams(u.part_heading)),
        "position": 1.0 - abs(down.position - u.position),
        "indicator": 1.0 if indicators_match(down.indicators, u.indicators) else 0.0,
    }


@lru_cache(maxsize=1 << 16)
def _inner_words(words: tuple[str, ...]) -> frozenset[str]:
    """Every run of two characters or more inside one of ``words`` (节水 inside 节水型, 资源 inside
    资源化): an upstream term written inside a longer downstream word is shared too. Runs never
    cross from one word into the next (河长 is not inside 大运河 + 长江)."""
    return frozenset(w[a:b] for w in set(words) for a in range(len(w) - 1) for b in range(a + 2, len(w) + 1))


def shared_terms(down: Unit, up: Upstream, i: int, idf: dict[str, float] | None = None) -> list[str]:
    """Content words the two provisions share, rarest (in both documents) first: the upstream
    article's words found in the provision as words or inside its words."""
    idf = idf or up.idf
    inner = _inner_words(down.words)
    return sorted({w for w in up.term_lists[i] if w in inner}, key=lambda w: (-idf.get(w, 0), w))


@lru_cache(maxsize=1)
def topic_terms() -> frozenset[str]:
    """The subject keywords of ``topics.yaml`` (噪声, 河湖, 碳达峰 …): specific whatever their length."""
    from kb.datafiles import data_path, read_yaml

    data = read_yaml(data_path("indexer", "topics.yaml"), "indexer/data/topics.yaml")
    return frozenset(str(k) for t in data.get("topics") or [] for k in t.get("keywords") or [])


def specific(word: str) -> bool:
    """A word that names a subject by itself: three characters or more (碳市场, 无废城市), or a
    subject keyword; a two-character word (改善, 生活, 降低) is generic."""
    return len(word) >= 3 or word in topic_terms()


def enough_evidence(down: Unit, up: Upstream, i: int, f: dict[str, float], shared: list[str]) -> bool:
    """A link rests on more than one generic word: two or more shared content words, or one
    specific word (``specific``), or a shared indicator, or a shared heading phrase (three
    characters or more, not a boilerplate heading)."""
    return (len(shared) >= 2 or any(map(specific, shared)) or f["indicator"] > 0 or f["phrase"] > 0)


def evidence(down: Unit, up: Upstream, i: int, idf: dict[str, float] | None = None,
             shared: list[str] | None = None) -> tuple[str, ...]:
    u = up.units[i]
    out = []
    dh, uh = topical_heading(down.heading), topical_heading(u.heading)
    if dh and uh:
        run = _common_run_text(dh, uh)
        if len(run) >= 2:
            out.append(f"标题共有“{run}”")
    shared = shared if shared is not None else shared_terms(down, up, i, idf)
    if shared:
        out.append("共有词：" + "、".join(shared[:8]))
    inds = indicators_match(down.indicators, u.indicators)
    if inds:
        out.append("共同指标：" + "、".join(sorted(inds)))
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


MODEL_ENV = "POLICYKB_ALIGN_MODEL"  # a model fitted by `eval-align --calibrate`, used instead of the shipped one


def model_path() -> Path:
    """The model file builds use: ``$POLICYKB_ALIGN_MODEL`` if set, else the one shipped."""
    import os

    env = os.environ.get(MODEL_ENV, "").strip()
    return Path(env) if env else MODEL_PATH


def model() -> dict:
    return _load_model(str(model_path()))


@lru_cache(maxsize=4)
def _load_model(path: str) -> dict:
    from kb.errors import ConfigError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data.get("weights"), dict) or "bias" not in data:
            raise ValueError("no weights/bias")
        return data
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: not a readable alignment model ({e}); fit one with `policykb eval-align "
                          f"LABELS.tsv --calibrate`, or unset {MODEL_ENV}") from None


def probability(f: dict[str, float], weights: dict | None = None) -> float:
    m = weights or model()
    z = m["bias"] + sum(m["weights"][k] * f[k] for k in FEATURES)
    return 1.0 / (1.0 + math.exp(-z))


def strength(score: float) -> str:
    return "强" if score >= 0.6 else "中" if score >= 0.3 else "弱"


def rank(down: Unit, up: Upstream, candidates: list[int] | None = None,
         weights: dict | None = None, stats: "DownStats | None" = None,
         scores: dict[int, float] | None = None) -> list[tuple[float, int, dict]]:
    """(score, upstream unit index, features) for the candidates, best first."""
    idx = candidates if candidates is not None else range(len(up.units))
    if scores is None:
        scores = up.scores(down.words, up.pair_idf(stats))
    bm25_max = max(scores.values(), default=0.0)
    scored = []
    for i in idx:
        f = features(down, up, i, bm25_max, stats, scores.get(i, 0.0))
        scored.append((probability(f, weights), i, f))
    return sorted(scored, key=lambda x: (-x[0], up.units[x[1]].provision.seq))
