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
from indexer import citations, docfacts, notice, structure
from indexer.normalize import normalize
from indexer.parsed import ParsedDocument


Stage = Callable[[ParsedDocument], ParsedDocument]


def slug(name: str) -> str:
    """A file stem as a document id: ASCII letters, digits and '-' kept; anything else dropped."""
    s = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")
    return s or "doc"


def stage_citations(pd: ParsedDocument) -> ParsedDocument:
    """Citations in the body — never the document's own 文号 (a notice repeats it, a page prints
    it above the text): a document does not cite itself."""
    d = pd.document
    found = citations.find_citations(d.id, d.text, d.body_start, d.body_end, pd.provisions)
    own = re.sub(r"\s+", "", d.doc_number or "")
    pd.citations = [c for c in found if not (own and re.sub(r"\s+", "", c.doc_number or "") == own)]
    return pd


def stage_tasks(pd: ParsedDocument) -> ParsedDocument:
    """Tasks (parties, deadlines) and targets: ``indexer.extract``."""
    from indexer.extract import extract_document

    if pd.document.status == "outline":
        return pd  # an outline's records come from indexer.outline, not from its summary text
    span = pd.parse.header.recipients_span if pd.parse else None
    pd.tasks, pd.targets = extract_document(pd.document, pd.provisions, span)
    unread = list(dict.fromkeys(w for t in pd.tasks for w in t.warnings))
    if unread:
        # Never silently dropped: the task shows it, and so do the ingest/build summary and docs --json.
        pd.warnings.append(f"{pd.document.source}: {len(unread)} responsibility annotation(s) named no unit the extractor could read "
                           f"(first: {unread[0]}); their tasks show no explicit party — check them by hand")
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


def parse_text(raw: str, meta: dict, name: str = "<text>", doc_id: str | None = None,
               page: dict | None = None) -> ParsedDocument:
    """Text plus metadata → all records of one document. ``meta`` is the sidecar (authoritative);
    ``page`` what the source itself carries (a page's metadata table and title, a PDF's title),
    weighed against the text by ``indexer.docfacts``."""
    page = page or {}
    text, chrome = docfacts.prepare(normalize(raw))  # chrome lines out, broken lines and titles joined
    text = notice.prepare(text)  # a no-op unless the text is a notice issuing a plan
    doc_id = str(meta.get("id") or doc_id or slug(Path(name).stem))
    result = structure.parse(text, doc_id)
    warnings = [f"{name}: {w}" for w in result.warnings]
    h, sig = result.header, result.signature
    _check(meta, "doc_number", h.doc_number, warnings, name)
    _check(meta, "recipients", h.recipients, warnings, name)
    _check(meta, "date", sig.date, warnings, name)
    _check(meta, "issuer", sig.issuer, warnings, name)
    note = notice.detect(text)  # a notice issuing a plan: its signature (mid-text) dates the document
    facts = docfacts.resolve(result, text, sidecar=meta, page=page, chrome=chrome, notice=note, name=name)
    warnings += facts.warnings
    provisions = result.provisions
    known = {"id", "title", "doc_number", "issuer", "date", "level", "status", "source", "recipients", "fields",
             "original"}
    extra = {**chrome, **page, **meta}
    extra = {k: v for k, v in extra.items() if k not in known}
    extra.update(fields=facts.fields, guessed=facts.guessed)
    if facts.unit:
        extra["admin_unit"] = facts.unit
    document = Document(
        id=doc_id,
        title=facts.title,
        doc_number=facts.doc_number,
        issuer=facts.issuer,
        date=facts.date,
        level=facts.level,
        status=meta.get("status") or "full",
        source=str(meta.get("source") or page.get("source") or Path(name).name),
        recipients=tuple(meta.get("recipients") or h.recipients),
        text=text,
        body_start=result.body_start,
        body_end=result.body_end,
        parts=sum(p.kind == "part" for p in provisions),
        articles=sum(p.kind == "article" for p in provisions),
        clauses=sum(p.kind == "clause" for p in provisions),
        meta=extra,
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
    sidecar = {**(meta or {})}
    sidecar.setdefault("source", path.name)
    pd = parse_text(src.text, sidecar, name=str(path), page=src.meta)
    if src.warnings:  # from reading (a page whose declared charset is wrong …)
        pd.warnings[:0] = src.warnings
        pd.document = replace(pd.document, warnings=tuple(pd.warnings))
    return pd
