"""The search-index writer: parsed documents → ``IndexRecord``s → the chosen engine's index.

Called by ``indexer.build``; writes ``<build>/index/<engine>/``
(engine from ``$POLICYKB_ENGINE``, else Whoosh for small corpora and tantivy for large
ones, see ``kb.search.engine.build_choice``); ``indexer.build.update`` adds one
document's records to a copy of a built index (``document_records``).

Every leaf provision is a record (clauses, and containers without children).
Its ranking fields come from the tree: the headings above it inside its part,
and as context the part heading and the document's title, 文号 and issuer. Its
filter fields: ``years`` — deadlines and target years of the clause's tasks
and targets (``ParsedDocument.tasks/targets``) plus year expressions in its
text (``indexer.extract.times.stated_years``); ``parties`` — the parties of its tasks.
An outline clause's label (摘要：, 目标〔未核实〕：, ``indexer.outline.CLAUSE_LABELS``) is not
indexed as content (``label_chars``): 目标 in a label says nothing about the clause.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Iterable, Iterator

from kb.models import Link, ancestors, task_years
from kb.search.engine import IndexRecord, build_choice, get_engine, index_dir
from indexer.extract.times import stated_years
from indexer.outline import clause_label_length
from indexer.parsed import ParsedDocument

# Containers whose headings say what the provisions below them are about.
SECTION_KINDS = ("article", "item")


def text_years(text: str) -> set[int]:
    """Target years and deadlines written in ``text`` (到2027年, 2025年底前 …), read with the
    extractor's time grammar (``indexer.extract.times.stated_years``)."""
    return stated_years(text)


def document_records(pd: ParsedDocument, seq0: int = 0) -> list[IndexRecord]:
    d = pd.document
    by_id = {p.id: p for p in pd.provisions}
    parents = {p.parent for p in pd.provisions if p.parent}
    years: dict[str, set[int]] = defaultdict(set)
    parties: dict[str, list[str]] = defaultdict(list)
    for t in pd.targets:
        if t.year:
            years[t.clause_id].add(t.year)
    for t in pd.tasks:
        years[t.clause_id].update(task_years(t))
        # As written and canonical (县水务局, 县水利局): a --party filter by either finds the clause.
        parties[t.clause_id].extend(n for party in t.parties for n in (party.name, party.key))
    doc_context = [x for x in (d.title, d.doc_number, d.issuer) if x]

    out = []
    for p in pd.provisions:
        if p.id in parents or not p.text.strip():
            continue
        chain = ancestors(p, by_id.get)
        own = [p] if p.heading and p.kind in SECTION_KINDS else []
        sections = [c for c in own + chain if c.kind in SECTION_KINDS and c.heading]
        part = next((c for c in chain if c.kind == "part"), None)
        if sections:
            headings = [c.heading for c in sections]
            context = ([part.heading] if part and part.heading else []) + doc_context
        else:  # a clause right under a part (一、总体要求): the part heading is its heading
            headings = [part.heading] if part and part.heading else []
            context = doc_context
        nearest = next((c.heading for c in own + chain if c.heading), None)
        out.append(IndexRecord(
            id=p.id, doc_id=p.doc_id, seq=seq0 + len(out), level=d.level, status=d.status,
            kind=p.kind, part_no=p.part_no, article_no=p.article_no, item_no=p.item_no,
            label=p.label, heading=nearest, text=p.text,
            headings="\n".join(headings), context="\n".join(context),
            years=tuple(sorted(years[p.id] | text_years(p.text))),
            parties=tuple(dict.fromkeys(parties[p.id])),
            label_chars=clause_label_length(p.text) if d.status == "outline" else 0,
        ))
    return out


def records(docs: Iterable[ParsedDocument]) -> Iterator[IndexRecord]:
    seq = 0
    for pd in docs:
        recs = document_records(pd, seq)
        seq += len(recs)
        yield from recs


def write(build_dir: Path, docs: list[ParsedDocument], links: list[Link]) -> None:
    """Index every document with the configured engine (by default the one for the corpus
    size, ``kb.search.engine.build_choice``)."""
    engine = get_engine(build_choice(sum(pd.document.clauses for pd in docs)))
    engine.build(index_dir(build_dir, engine.name), records(docs))
