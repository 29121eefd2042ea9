"""The Whoosh engine: IndexRecords → a Whoosh index; a planned query → ranked records.

Schema: each place (``text``, ``headings``, ``context``, see
``kb.search.ranking``) is indexed twice, as jieba words (``kb.analysis.
WordTokenizer``, word positions) and as bigrams (``<place>_bi``,
``kb.analysis.BigramTokenizer``); a unit's form is a ``Phrase`` (or a
``Term``) in both. Filters are ID/KEYWORD fields. The whole record is stored,
so a hit needs no second lookup. Records are added in ``seq`` order, so
Whoosh's document numbers follow reading order and break score ties.

A Whoosh index may be shared by threads; a searcher may not, so each thread
keeps its own (``threading.local``). The build folder never changes once
written, so a searcher never needs refreshing.
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, NamedTuple

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query.compound import DefaultOr
from whoosh.reading import TermNotFound

from kb.analysis import BigramTokenizer, WordTokenizer
from kb.errors import KBNotBuiltError
from kb.search import query as q
from kb.search.engine import EngineHit, EngineResult, Filters, IndexRecord
from kb.search.plan import Form, PartialUnit, Unit
from kb.search.ranking import BIGRAM_WEIGHT, BM25_B, BM25_K1, PLACE_WEIGHTS, STATUS_WEIGHTS, WORD_WEIGHT
from kb.search.ranking import unit_query as ranked_unit_query

PLACES = ("text", "headings", "context")


def schema() -> Schema:
    fields = dict(
        id=ID(unique=True),
        doc_id=ID,
        level=ID,
        status=ID,
        kind=ID,
        years=KEYWORD(commas=True),
        parties=KEYWORD(commas=True),
        record=STORED,
    )
    for place in PLACES:
        fields[place] = TEXT(analyzer=WordTokenizer(), phrase=True)
        fields[place + "_bi"] = TEXT(analyzer=BigramTokenizer(), phrase=True)
    return Schema(**fields)


def weighting() -> scoring.BM25F:
    per_field = {}
    for place, b in BM25_B.items():
        per_field[f"{place}_B"] = b
        per_field[f"{place}_bi_B"] = b
    return scoring.BM25F(B=BM25_B["text"], K1=BM25_K1, **per_field)


class WhooshEngine:
    name = "whoosh"

    def build(self, index_dir: Path, records: Iterable[IndexRecord]) -> None:
        index_dir = Path(index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = whoosh_index.create_in(str(index_dir), schema())
        with ix.writer() as w:
            _add(w, records)

    def add(self, index_dir: Path, records: Iterable[IndexRecord]) -> None:
        """Add records to a built index (in place: an ingest works on a copy of the build)."""
        with whoosh_index.open_dir(str(index_dir)).writer() as w:
            _add(w, records)

    def records(self, index_dir: Path) -> int:
        return whoosh_index.open_dir(str(index_dir)).doc_count_all()

    def open(self, index_dir: Path) -> "WhooshIndex":
        if not whoosh_index.exists_in(str(index_dir)):
            raise KBNotBuiltError(f"{index_dir}: no Whoosh search index in this build; rebuild with "
                                  "`policykb build` (with POLICYKB_ENGINE=whoosh or unset)")
        return WhooshIndex(whoosh_index.open_dir(str(index_dir)))


def _add(w, records: Iterable[IndexRecord]) -> None:
    for r in records:
        doc = dict(id=r.id, doc_id=r.doc_id, level=r.level, status=r.status, kind=r.kind,
                   record=asdict(r), _boost=STATUS_WEIGHTS.get(r.status, 1.0),
                   years=",".join(str(y) for y in r.years),
                   parties=",".join(p.replace(",", " ") for p in r.parties))
        for place in PLACES:
            value = (r.content if place == "text" else getattr(r, place)) or ""
            doc[place] = doc[place + "_bi"] = value
        w.add_document(**doc)


class WhooshIndex:
    def __init__(self, ix):
        self.ix = ix
        self._local = threading.local()

    # Statistics of the word and bigram fields (kb.search.stats): the same numbers as tantivy's.
    def num_docs(self) -> int:
        return self.searcher.doc_count()

    def doc_freq(self, field: str, term: str) -> int:
        return self.searcher.doc_frequency(field, term)

    def terms(self, field: str) -> list[tuple[str, int]]:
        reader = self.searcher.reader()
        return [(t.decode("utf-8") if isinstance(t, bytes) else t, info.doc_frequency())
                for t, info in reader.iter_field(field)]

    @property
    def searcher(self):
        s = getattr(self._local, "searcher", None)
        if s is None:
            s = self._local.searcher = self.ix.searcher(weighting=weighting())
            remember_terms(s.reader())
        return s

    def search(self, plan, filters: Filters, limit: int) -> EngineResult:
        query = to_whoosh(plan)
        flt = filter_query(filters)
        if query is None or flt is wq.NullQuery:
            return EngineResult(0)
        # One pass that scores every match: the total is exact (with a limit,
        # Whoosh's len() ignores the filter and a count needs a second pass),
        # and ties keep document order (UnlimitedCollector sorts by docnum).
        results = self.searcher.search(query, limit=None, filter=flt)
        hits = [EngineHit(h["record"]["id"], float(h.score), h["record"]) for h in results[:limit]]
        return EngineResult(results.scored_length(), hits)


TERMS_CACHE_MAX = 200_000  # remembered term look-ups per segment (cleared when full)


class _Missing(NamedTuple):
    kind: type
    args: tuple


class _RememberedTerms:
    """A segment's term dictionary that remembers its answers. A planned query names the
    same terms in many sub-queries and Whoosh looks each up several times per search (size
    estimates to order a union or intersection, ``in`` before a matcher, the term's postings
    address); a build's index never changes, so the answers hold for the searcher's life."""

    def __init__(self, terms):
        self._inner = terms
        self._seen: dict = {}

    def _get(self, key, fn):
        try:
            value = self._seen[key]
        except KeyError:
            if len(self._seen) >= TERMS_CACHE_MAX:
                self._seen.clear()
            try:
                value = fn()
            except (KeyError, TermNotFound) as e:  # a term not in the index: remembered too
                value = _Missing(type(e), e.args)
            self._seen[key] = value
        if isinstance(value, _Missing):
            raise value.kind(*value.args)
        return value

    def __contains__(self, term):
        return self._get(("in", *term), lambda: term in self._inner)

    def doc_frequency(self, fieldname, tbytes):
        return self._get(("df", fieldname, tbytes), lambda: self._inner.doc_frequency(fieldname, tbytes))

    def term_info(self, fieldname, tbytes):
        return self._get(("ti", fieldname, tbytes), lambda: self._inner.term_info(fieldname, tbytes))

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        terminfo = self.term_info(fieldname, tbytes)
        return self._inner._codec.postings_reader(self._inner._postfile, terminfo, format_,
                                                  term=(fieldname, tbytes), scorer=scorer)

    def __getattr__(self, name):
        return getattr(self._inner, name)


def remember_terms(reader) -> None:
    """Have each segment reader of ``reader`` remember its term look-ups (``_RememberedTerms``).
    A reader without Whoosh 2.7's term dictionary (another codec) is left as it is: the same
    answers, only without this saving."""
    for r in getattr(reader, "readers", None) or [reader]:
        terms = getattr(r, "_terms", None)
        if terms is not None and not isinstance(terms, _RememberedTerms) and hasattr(terms, "_codec"):
            r._terms = _RememberedTerms(terms)


# ---------------------------------------------------------------------------
# Plan → Whoosh query
# ---------------------------------------------------------------------------

def _sequence(field: str, tokens: tuple[str, ...], boost: float):
    if not tokens:
        return None
    if len(tokens) == 1:
        return wq.Term(field, tokens[0], boost=boost)
    # A phrase scores the sum of its tokens: divide to score their mean.
    return wq.Phrase(field, list(tokens), boost=boost / len(tokens))


def _form(form: Form, place: str, weight: float) -> list:
    w = weight * form.weight * PLACE_WEIGHTS[place]
    qs = [_sequence(place, form.words, w * WORD_WEIGHT),
          _sequence(place + "_bi", form.bigrams, w * BIGRAM_WEIGHT)]
    return [x for x in qs if x is not None]


def _any(queries: list):
    # Whoosh's automatic Or on a small index preloads every sub-query into an array of 2048
    # scores, cleared in Python per Or node: a planned query has dozens of nested Ors, and
    # that was most of a search's time. A binary tree of unions reads only the postings.
    return queries[0] if len(queries) == 1 else DefaultOr(queries)


def _all(queries: list):
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _maybe(required, optional: list):
    return wq.AndMaybe(required, _any(optional))


def unit_query(unit: Unit, partial: bool = False):
    match, context = ranked_unit_query(unit, _form, _any, _all, _maybe, partial)
    return wq.AndMaybe(match, _any(context)) if context else match


def to_whoosh(node):
    if node is None:
        return None
    if isinstance(node, Unit):
        return unit_query(node)
    if isinstance(node, PartialUnit):
        return unit_query(node.unit, partial=True)
    if isinstance(node, q.Not):
        return wq.Not(to_whoosh(node.item))
    items = [to_whoosh(x) for x in node.items]
    return wq.And(items) if isinstance(node, q.And) else _any(items)


def filter_query(f: Filters):
    terms = []
    if f.doc:
        terms.append(wq.Term("doc_id", f.doc))
    if f.level:
        terms.append(wq.Term("level", f.level))
    if f.year is not None:
        terms.append(wq.Term("years", str(f.year)))
    if f.parties is not None:
        if not f.parties:
            return wq.NullQuery
        terms.append(wq.Or([wq.Term("parties", p.replace(",", " ")) for p in f.parties]))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)
