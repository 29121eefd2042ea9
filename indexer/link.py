"""The link stage of ``policykb build``: citation links and computed alignment links.

* ``citation`` links: a clause that cites a document of the KB (a resolved
  《title》 or 文号) → that document, score 1.0, the citation as evidence.
* ``aligned`` links: every article, item and clause of a document → the articles
  of its *candidate upstream documents* it most likely implements (at most
  ``PER_UNIT`` per upstream document and ``MAX_LINKS`` in all, each resting on
  more than one shared word, see ``align.enough_evidence``); where the upstream
  document is a full text, also → the clause of that article sharing most with it.

Candidate upstream documents of D (``upstream_candidates``), each with the reason
shown in the evidence of its links:

1. the documents D cites, directly or through the citation chain (D cites C, C
   cites B …), that are of a higher level — 引用 / 经引用链;
2. where D cites none of them: documents that *can* be upstream — a higher level
   of D's own jurisdiction chain, issued no later than D (``indexer.jurisdiction``)
   — and related in topic (``DocProfiles``: their titles and headings share
   enough rare words); at most ``FALLBACK_UPSTREAMS``, most related first.

Anything else gets no aligned link. Every pair is aligned from the parsed documents
alone (no search index), so the stage costs about the same per document whatever
the size of the corpus, and an ingest can relink one document (``links_for``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kb.models import Link, Provision
from indexer import align
from indexer.jurisdiction import LEVEL_RANK, Place, place_of, relation
from indexer.parsed import ParsedDocument

PER_UNIT = 3  # aligned links of one provision into one upstream document
MAX_LINKS = 6  # aligned links of one provision in all (the best by score)
CANDIDATES = 8  # upstream articles scored for a downstream article or item
CLAUSE_EXTRA = 4  # a clause's candidates: its container's best, plus its own best BM25 matches
DOWN_KINDS = ("article", "item", "clause")
# A document that cites none of the KB is aligned with at most this many documents that can be
# its upstream (same jurisdiction chain, earlier, related in topic), most related first.
FALLBACK_UPSTREAMS = 3
# Topic relatedness (``DocProfiles.related``: the share of the downstream document's weighted
# words that the upstream document also uses) below which a document of the jurisdiction chain
# is not a candidate upstream. Chosen on our labelled corpus (eval/align_multi_pairs.tsv): its
# upstream pairs score 0.20–0.71, its same-chain pairs of other subjects 0.04–0.12.
MIN_RELATED = 0.16


def reference_idf(word: str) -> float:
    """Rarity of a word in general Chinese text (jieba's dictionary frequencies): 农村生活污水
    weighs more than 治理. A fixed reference, so a document's profile does not change when
    others are added (an ingest relinks only the documents it concerns)."""
    from kb.analysis import JIEBA

    tk = JIEBA.get()
    return math.log(tk.total / (tk.FREQ.get(word, 0) + 1))


class DocProfiles:
    """What each document is about: the content words of its title, headings and text
    (boilerplate excluded, ``align.terms``; the issuer's own name too), each weighted by
    (1 + log tf) × ``reference_idf``; the title counts three times, headings twice.
    ``related(down, up)`` is the share of the downstream document's (squared, normalised)
    weight on words the upstream document also uses: a county plan restating three articles
    of a broad central opinion is related to it although their cosine is small."""

    def __init__(self, docs: dict[str, ParsedDocument]):
        self.docs = docs  # profiled on first use
        self._places: dict[str, Place] = {}
        self._vectors: dict[str, dict[str, float]] = {}

    def place(self, doc_id: str) -> Place:
        if doc_id not in self._places:
            self._places[doc_id] = place_of(self.docs[doc_id].document)
        return self._places[doc_id]

    def vector(self, doc_id: str) -> dict[str, float]:
        if doc_id not in self._vectors:
            vec = {w: (1 + math.log(k)) * reference_idf(w) for w, k in profile_counts(self.docs[doc_id]).items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            self._vectors[doc_id] = {w: v / norm for w, v in vec.items()}
        return self._vectors[doc_id]

    def related(self, down: str, up: str) -> float:
        vu = self.vector(up)
        return sum(v * v for w, v in self.vector(down).items() if w in vu)

    def shared(self, a: str, b: str, k: int = 5) -> list[str]:
        va, vb = self.vector(a), self.vector(b)
        return sorted((w for w in va if w in vb), key=lambda w: (-va[w] * vb[w], w))[:k]


def profile_counts(pd: ParsedDocument) -> dict[str, int]:
    """Weighted word counts of a document (see ``DocProfiles``)."""
    own = set(align.terms(pd.document.issuer or ""))
    counts: dict[str, int] = {}

    def add_words(words, weight: int) -> None:
        for w in words:
            if w not in own:
                counts[w] = counts.get(w, 0) + weight

    add_words(align.terms(pd.document.title), 3)
    for p in pd.provisions:
        if p.kind == "clause":
            add_words(pd.terms.get(p.id) or align.terms(p.text), 1)
        elif p.heading:
            add_words(align.terms(align.topical_heading(p.heading)), 2)
    return counts


@dataclass
class Candidate:
    doc_id: str
    reason: str  # why it can be upstream (shown in the links' evidence)


def _title(pd: ParsedDocument) -> str:
    d = pd.document
    return f"《{d.title}》" + (f"（{d.doc_number}）" if d.doc_number else "")


def cited_upstreams(pd: ParsedDocument, docs: dict[str, ParsedDocument]) -> list[Candidate]:
    """Higher-level documents ``pd`` cites, directly first, then through the citation chain."""
    mine = LEVEL_RANK.get(pd.document.level, 9)
    out: dict[str, Candidate] = {}
    frontier = [(pd, "")]
    seen = {pd.document.id}
    while frontier:
        nxt = []
        for cur, path in frontier:
            for c in cur.citations:
                d = c.resolved_id
                if not d or d not in docs or d in seen:
                    continue
                seen.add(d)
                other = docs[d]
                via = f"{path} → {_title(other)}" if path else _title(other)
                if LEVEL_RANK.get(other.document.level, 9) < mine:
                    out[d] = Candidate(d, f"引用{via}" if not path else f"经引用链：{via}")
                nxt.append((other, via))
        frontier = nxt
    return list(out.values())


def upstream_candidates(pd: ParsedDocument, docs: dict[str, ParsedDocument],
                        profiles: DocProfiles | None = None) -> list[Candidate]:
    """The documents ``pd`` can implement, with the reason (see the module doc)."""
    cited = cited_upstreams(pd, docs)
    if cited:
        return cited
    profiles = profiles or DocProfiles(docs)
    me = pd.document.id
    mine = LEVEL_RANK.get(pd.document.level, 9)
    found = []
    for d, other in docs.items():
        if d == me or LEVEL_RANK.get(other.document.level, 9) >= mine:
            continue
        ok, why = relation(other.document, pd.document, profiles.place(d), profiles.place(me))
        if not ok:
            continue
        rel = profiles.related(me, d)
        if rel >= MIN_RELATED:
            words = "、".join(profiles.shared(me, d))
            unknown = profiles.place(me).note
            found.append((rel, d, f"{why}；主题相关 {rel:.2f}（共有：{words}）"
                          + (f"；本文件{unknown}，只对标能确定为其上级的文件" if unknown else "")))
    found.sort(key=lambda x: (-x[0], x[1]))
    return [Candidate(d, why) for _, d, why in found[:FALLBACK_UPSTREAMS]]


def citation_links(pd: ParsedDocument, docs: dict[str, ParsedDocument]) -> list[Link]:
    out = []
    for c in pd.citations:
        if c.resolved_id and c.resolved_id != pd.document.id and c.provision_id:
            out.append(Link(c.provision_id, c.resolved_id, "citation", 1.0, (f"明示引用{c.text}",)))
    return out


@dataclass
class UpstreamDoc:
    """One upstream document, prepared once for every document aligned with it."""

    up: align.Upstream
    full: bool
    clauses: dict[int, list[tuple[Provision, frozenset[str]]]] = field(default_factory=dict)

    @classmethod
    def of(cls, pd: ParsedDocument) -> "UpstreamDoc":
        up = align.Upstream.build(pd.document.id, align.units_of(pd.provisions, align.indicator_map(pd.targets),
                                                                 known=pd.terms))
        full = pd.document.status == "full"
        clauses: dict[int, list] = {}
        if full:
            index = {u.provision.id: i for i, u in enumerate(up.units)}
            for p in pd.provisions:
                if p.kind != "clause":
                    continue
                i = next((index[a] for a in _ancestors(p.id) if a in index), None)
                if i is not None:
                    clauses.setdefault(i, []).append((p, frozenset(pd.terms.get(p.id) or align.terms(p.text))))
        return cls(up, full, clauses)

    def best_clause(self, unit: align.Unit, i: int) -> Provision | None:
        clauses = self.clauses.get(i, [])
        if len(clauses) < 2:
            return None
        mine = set(unit.words)
        best = max(clauses, key=lambda c: (len(mine & c[1]), -c[0].seq))
        return best[0] if len(mine & best[1]) >= 2 else None


def _ancestors(pid: str) -> list[str]:
    doc, _, path = pid.partition("#")
    parts = path.split("__")
    return [f"{doc}#{'__'.join(parts[:k])}" for k in range(len(parts) - 1, 0, -1)]


class Linker:
    """Links of documents of one corpus; upstream documents are prepared once and shared."""

    def __init__(self, docs: list[ParsedDocument]):
        self.by_id = {pd.document.id: pd for pd in docs}
        self.profiles = DocProfiles(self.by_id)
        self._ups: dict[str, UpstreamDoc] = {}

    def upstream(self, doc_id: str) -> UpstreamDoc:
        if doc_id not in self._ups:
            self._ups[doc_id] = UpstreamDoc.of(self.by_id[doc_id])
        return self._ups[doc_id]

    def links_for(self, pd: ParsedDocument) -> list[Link]:
        """Citation links and aligned links of one document (its provisions → its upstreams)."""
        links = citation_links(pd, self.by_id)
        cands = upstream_candidates(pd, self.by_id, self.profiles)
        if not cands:
            return links
        inds = align.indicator_map(pd.targets)
        down_units = align.units_of(pd.provisions, inds, kinds=DOWN_KINDS, known=pd.terms)
        stats = align.DownStats.of(align.units_of(pd.provisions, inds, known=pd.terms))
        aligned: dict[str, list[Link]] = {}
        for cand in cands:
            for lk in self._align_pair(down_units, stats, cand):
                aligned.setdefault(lk.source_id, []).append(lk)
        for source_links in aligned.values():
            source_links.sort(key=lambda lk: -lk.score)
            links.extend(source_links[:MAX_LINKS])
        return links

    def _align_pair(self, down_units: list[align.Unit], stats: align.DownStats, cand: Candidate) -> list[Link]:
        ud = self.upstream(cand.doc_id)
        up = ud.up
        idf = up.pair_idf(stats)
        found: dict[str, list[int]] = {}  # best candidates of articles and items, for their clauses
        out = []
        for unit in down_units:
            p = unit.provision
            scores = up.scores(unit.words, idf)
            best = sorted(scores, key=lambda i: (-scores[i], i))
            if p.kind != "clause":
                cands = best[:CANDIDATES]
                # A short outline article may share a heading with the provision and little text.
                mine = align._bigrams(align.topical_heading(unit.heading))
                if mine:
                    cands += [i for i, u in enumerate(up.units) if i not in cands
                              and align.dice(mine, align._bigrams(align.topical_heading(u.heading))) > 0.2]
            else:
                cands = list(found.get(p.parent, []))[:CLAUSE_EXTRA]
                cands += [i for i in best[:CLAUSE_EXTRA] if i not in cands]
            ranked = align.rank(unit, up, cands, stats=stats, scores=scores)
            if p.kind != "clause":
                found[p.id] = [i for _, i, _ in ranked]
            kept = 0
            for score, i, f in ranked:
                if kept == PER_UNIT or score < align.MIN_SCORE:
                    break
                shared = align.shared_terms(unit, up, i, idf)
                if not align.enough_evidence(unit, up, i, f, shared):
                    continue
                kept += 1
                target = up.units[i].provision
                ev = align.evidence(unit, up, i, idf, shared) + (f"候选依据：{cand.reason}",)
                out.append(Link(p.id, target.id, "aligned", round(score, 4), ev))
                clause = ud.best_clause(unit, i) if ud.full else None
                if clause is not None:
                    out.append(Link(p.id, clause.id, "aligned", round(score, 4),
                                    ev + (f"最相近的一句：{clause.id.split('#', 1)[1]}",)))
        return out


PARALLEL_MIN_DOCS = 24  # fewer documents link faster in one process than a pool starts
_WORKER: Linker | None = None  # the linker a forked worker inherits


def _links_of(i: int) -> list[Link]:
    pds = list(_WORKER.by_id.values())
    return _WORKER.links_for(pds[i])


def link_stage(docs: list[ParsedDocument]) -> list[Link]:
    """All citation and alignment links of the corpus (a corpus stage of ``indexer.build``):
    on ``POLICYKB_JOBS`` forked processes when the corpus has many documents, each linking
    whole documents (the result is the same, in the same order)."""
    global _WORKER
    from indexer import workers

    linker = Linker(docs)
    jobs = min(workers.jobs(), len(docs))
    if jobs < 2 or len(docs) < PARALLEL_MIN_DOCS or not workers.can_fork():
        return [lk for pd in docs for lk in linker.links_for(pd)]
    _WORKER = linker
    try:
        with workers.pool(jobs) as pool:
            return [lk for links in pool.map(_links_of, range(len(docs)), chunksize=4) for lk in links]
    finally:
        _WORKER = None
