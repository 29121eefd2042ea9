"""The link stage of ``policykb build``: citation links and computed alignment links.

Runs after the SQLite file and the search index of the new build are written,
on a ``KB`` opened on that (not yet published) build, so candidate upstream
provisions come from the search index itself (see ``indexer.align`` for the
signals and the score).

* ``citation`` links: a clause that cites a document of the KB (a resolved
  《title》 or 文号) → that document, score 1.0, the citation as evidence.
* ``aligned`` links: every article, item and clause of a lower-level document
  → the upstream articles it most likely implements (at most ``PER_UNIT``,
  score ≥ ``align.MIN_SCORE``); where the upstream document is a full text, also
  → the clause of that article that shares most with it.

Upstream documents of D are the documents D cites that are of a higher level;
where D cites none in the KB, the ``FALLBACK_UPSTREAMS`` documents of a higher level
most like D (``similar_docs``: shared title and heading words, weighted by rarity) —
every one of them made the stage quadratic in the corpus (``docs/performance.md``).
"""

from __future__ import annotations

import math
from functools import cached_property

from kb.models import Link, Provision
from indexer import align
from indexer.parsed import ParsedDocument

PER_UNIT = 3
CANDIDATES = 8  # salient terms searched per downstream article or item
CLAUSE_EXTRA = 6  # a clause's candidates: its article's, plus its own best BM25 matches
DOWN_KINDS = ("article", "item", "clause")


# A document that cites none of the KB is aligned with at most this many higher-level
# documents. Aligning a pair costs about 0.4 s (2 cores, a 100-clause document); with every
# higher-level document, 78 synthetic documents (10^4 clauses) took 713 s and made 1.4 M links,
# and a province's library (10^3 documents) would take a day.
FALLBACK_UPSTREAMS = 3


def upstream_docs(pd: ParsedDocument, docs: dict[str, ParsedDocument],
                  profiles: "DocProfiles | None" = None) -> list[str]:
    rank = align.LEVEL_RANK
    mine = rank.get(pd.document.level, 9)
    cited = [c.resolved_id for c in pd.citations if c.resolved_id and c.resolved_id in docs]
    higher = [d for d in dict.fromkeys(cited) if rank.get(docs[d].document.level, 9) < mine]
    if cited:
        return higher
    candidates = [d for d, other in docs.items() if rank.get(other.document.level, 9) < mine]
    if len(candidates) <= FALLBACK_UPSTREAMS:
        return candidates
    profiles = profiles or DocProfiles(docs)
    return profiles.similar(pd.document.id, candidates)[:FALLBACK_UPSTREAMS]


class DocProfiles:
    """What each document is about: the content words of its title and of its part, article
    and item headings, each counted once. Similarity of two documents: the summed idf
    (over the corpus) of the words they share."""

    def __init__(self, docs: dict[str, ParsedDocument]):
        self.docs = docs  # profiled on first use: only a document that cites none of the KB needs them

    @cached_property
    def words(self) -> dict[str, frozenset[str]]:
        words = {}
        for d, pd in self.docs.items():
            texts = [pd.document.title] + [p.heading for p in pd.provisions
                                           if p.heading and p.kind in ("part", "article", "item")]
            words[d] = frozenset(w for t in texts for w in align.terms(t))
        return words

    @cached_property
    def idf(self) -> dict[str, float]:
        df: dict[str, int] = {}
        for ws in self.words.values():
            for w in ws:
                df[w] = df.get(w, 0) + 1
        n = len(self.docs)
        return {w: math.log(1 + n / k) for w, k in df.items()}

    def similarity(self, a: str, b: str) -> float:
        return sum(self.idf[w] for w in self.words[a] & self.words[b])

    def similar(self, doc_id: str, candidates: list[str]) -> list[str]:
        """``candidates`` most similar first (ties in corpus order)."""
        order = {d: i for i, d in enumerate(candidates)}
        return sorted(candidates, key=lambda d: (-self.similarity(doc_id, d), order[d]))


def citation_links(pd: ParsedDocument, docs: dict[str, ParsedDocument]) -> list[Link]:
    out = []
    for c in pd.citations:
        if c.resolved_id and c.resolved_id != pd.document.id and c.provision_id:
            out.append(Link(c.provision_id, c.resolved_id, "citation", 1.0, (f"明示引用{c.text}",)))
    return out


def _search_candidates(kb, unit: align.Unit, up: align.Upstream, article_of: dict[str, int]) -> list[int]:
    """Upstream unit indexes found by searching the index with the provision's salient terms."""
    words = sorted(set(align.terms(unit.text)), key=lambda w: (-up.idf.get(w, 0.0), w))[:CANDIDATES]
    found: list[int] = []
    if words:
        result = kb.search(" OR ".join(words), doc=up.doc_id, limit=CANDIDATES * 3)
        for h in result.hits:
            i = article_of.get(h.id)
            if i is None:
                i = next((article_of[k] for k in _ancestors(h.id) if k in article_of), None)
            if i is not None and i not in found:
                found.append(i)
    # A short outline article may share a heading with the provision and little text:
    # keep every upstream article whose heading overlaps, whatever the search returned.
    for i, u in enumerate(up.units):
        if i not in found and unit.heading and align.dice(align.bigrams(unit.heading), align.bigrams(u.heading)) > 0.2:
            found.append(i)
    return found


def _ancestors(pid: str) -> list[str]:
    doc, _, path = pid.partition("#")
    parts = path.split("__")
    return [f"{doc}#{'__'.join(parts[:k])}" for k in range(len(parts) - 1, 0, -1)]


def _best_clause(unit: align.Unit, article: Provision, provisions: list[Provision]) -> Provision | None:
    clauses = [p for p in provisions if p.kind == "clause" and p.id.startswith(article.id + "__")]
    if len(clauses) < 2:
        return None
    mine = set(align.terms(unit.text))
    scored = [(len(mine & set(align.terms(c.text))), -c.seq, c) for c in clauses]
    best = max(scored, key=lambda x: (x[0], x[1]))
    return best[2] if best[0] >= 2 else None


def link_stage(kb, docs: list[ParsedDocument]) -> list[Link]:
    """All citation and alignment links of the corpus (called by ``indexer.build``)."""
    by_id = {pd.document.id: pd for pd in docs}
    upstreams: dict[str, tuple[align.Upstream, dict[str, int]]] = {}
    links: list[Link] = []
    profiles = DocProfiles(by_id)
    for pd in docs:
        links.extend(citation_links(pd, by_id))
        ups = upstream_docs(pd, by_id, profiles)
        if not ups:
            continue
        down_units = align.units_of(pd.provisions, align.indicator_map(pd.targets), kinds=DOWN_KINDS)
        for up_id in ups:
            if up_id not in upstreams:
                up_pd = by_id[up_id]
                up = align.Upstream.build(up_id, align.units_of(up_pd.provisions, align.indicator_map(up_pd.targets)))
                article_of = {}
                for i, u in enumerate(up.units):
                    article_of[u.provision.id] = i
                    for p in up_pd.provisions:
                        if p.id.startswith(u.provision.id + "__"):
                            article_of[p.id] = i
                upstreams[up_id] = (up, article_of)
            up, article_of = upstreams[up_id]
            full = by_id[up_id].document.status == "full"
            found: dict[str, list[int]] = {}  # searched candidates of articles and items
            for unit in down_units:
                p = unit.provision
                if p.kind != "clause":
                    cands = found[p.id] = _search_candidates(kb, unit, up, article_of)
                else:
                    # A clause is searched through its container (one query per article
                    # keeps the build fast) and topped up with its own best matches.
                    cands = list(found.get(p.parent, []))
                    q = align.terms(unit.text)
                    own = sorted(range(len(up.units)), key=lambda i: -up.bm25(q, i))[:CLAUSE_EXTRA]
                    cands += [i for i in own if i not in cands]
                for score, i, _f in align.rank(unit, up, cands)[:PER_UNIT]:
                    if score < align.MIN_SCORE:
                        break
                    target = up.units[i].provision
                    ev = align.evidence(unit, up, i)
                    links.append(Link(unit.provision.id, target.id, "aligned", round(score, 4), ev))
                    clause = _best_clause(unit, target, by_id[up_id].provisions) if full else None
                    if clause is not None:
                        links.append(Link(unit.provision.id, clause.id, "aligned", round(score, 4),
                                          ev + (f"最相近的一句：{clause.id.split('#', 1)[1]}",)))
    return links
