"""The per-document pipeline: a list of small stages, each ``ParsedDocument → ParsedDocument``.

``parse_text`` is pure (text and metadata in, records out); ``parse_file`` adds
the I/O edge. Corpus-wide stages (citation resolution, alignment links) run in
``indexer.build`` after every document has been parsed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

from kb.models import Document
from indexer import citations, notice, structure
from indexer.corpus import guess_level
from indexer.normalize import normalize
from indexer.parsed import ParsedDocument


Stage = Callable[[ParsedDocument], ParsedDocument]


def slug(name: str) -> str:
    """A file stem as a document id: ASCII letters, digits and '-' kept; anything else dropped."""
    s = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")
    return s or "doc"


def stage_citations(pd: ParsedDocument) -> ParsedDocument:
    d = pd.document
    pd.citations = citations.find_citations(d.id, d.text, d.body_start, d.body_end, pd.provisions)
    return pd


def stage_tasks(pd: ParsedDocument) -> ParsedDocument:
    """Tasks (parties, deadlines) and targets: ``indexer.extract``."""
    from indexer.extract import extract_document

    if pd.document.status == "outline":
        return pd  # an outline's records come from indexer.outline, not from its summary text
    span = pd.parse.header.recipients_span if pd.parse else None
    pd.tasks, pd.targets = extract_document(pd.document, pd.provisions, span)
    return pd


# Stages after structure, in order.
STAGES: list[Stage] = [notice.stage_notice, stage_citations, stage_tasks]


def _check(meta: dict, key: str, parsed, warnings: list[str], name: str) -> None:
    given = meta.get(key)
    if given is None or parsed in (None, (), ""):
        return
    if isinstance(given, list):
        given = tuple(given)
    if given != parsed:
        warnings.append(f"{name}: {key} in the sidecar ({given}) differs from the text ({parsed}); "
                        "the sidecar value is used")


def parse_text(raw: str, meta: dict, name: str = "<text>", doc_id: str | None = None) -> ParsedDocument:
    """Text plus (sidecar) metadata → all records of one document."""
    text = notice.prepare(structure.join_title_lines(normalize(raw)))  # notice.prepare: a no-op unless
    # the text is a notice issuing a plan; join_title_lines: a no-op unless the title is broken over lines
    doc_id = str(meta.get("id") or doc_id or slug(Path(name).stem))
    result = structure.parse(text, doc_id)
    warnings = [f"{name}: {w}" for w in result.warnings]
    h, sig = result.header, result.signature
    _check(meta, "doc_number", h.doc_number, warnings, name)
    _check(meta, "recipients", h.recipients, warnings, name)
    _check(meta, "date", sig.date, warnings, name)
    _check(meta, "issuer", sig.issuer, warnings, name)
    note = notice.detect(text)  # a notice issuing a plan: its signature (mid-text) dates the document
    issuer = meta.get("issuer") or sig.issuer or (note.issuer if note else None) or ""
    if isinstance(issuer, list):
        issuer = " ".join(issuer)
    title = meta.get("title") or h.title or meta.get("page_title") or Path(name).stem  # page_title: from the source
    provisions = result.provisions
    known = {"id", "title", "doc_number", "issuer", "date", "level", "status", "source", "recipients"}
    document = Document(
        id=doc_id,
        title=title,
        doc_number=meta.get("doc_number") or h.doc_number,
        issuer=issuer,
        date=meta.get("date") or sig.date or (note.date if note else None),
        level=meta.get("level") or guess_level(issuer),
        status=meta.get("status") or "full",
        source=str(meta.get("source") or Path(name).name),
        recipients=tuple(meta.get("recipients") or h.recipients),
        text=text,
        body_start=result.body_start,
        body_end=result.body_end,
        parts=sum(p.kind == "part" for p in provisions),
        articles=sum(p.kind == "article" for p in provisions),
        clauses=sum(p.kind == "clause" for p in provisions),
        meta={k: v for k, v in meta.items() if k not in known},
        warnings=tuple(warnings),
    )
    pd = ParsedDocument(document, provisions, parse=result, warnings=warnings)
    for stage in STAGES:
        pd = stage(pd)
    pd.document = replace(pd.document, warnings=tuple(pd.warnings))
    return pd


def parse_file(path: Path, meta: dict | None = None) -> ParsedDocument:
    """Read a source file (any kind ``indexer.sources`` reads, or an outline) and parse it."""
    from indexer.sources import read_outline, read_source

    if Path(path).name.endswith(".outline.yaml"):
        from indexer.outline import build_outline

        return build_outline(read_outline(Path(path)), str(path), {**(meta or {}), "source": Path(path).name})
    src = read_source(path, http_charset=(meta or {}).get("charset"))  # charset: kept by ingest from HTTP
    merged = {**src.meta, **(meta or {})}
    merged.setdefault("source", path.name)
    pd = parse_text(src.text, merged, name=str(path))
    if src.warnings:  # from reading (a page whose declared charset is wrong …)
        pd.warnings[:0] = src.warnings
        pd.document = replace(pd.document, warnings=tuple(pd.warnings))
    return pd
