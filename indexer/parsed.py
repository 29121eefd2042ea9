"""``ParsedDocument``: one document's records as the pipeline stages pass them along
(``indexer.pipeline`` for text, ``indexer.outline`` for outline facts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.models import Citation, Document, Provision, Target, Task
from indexer import structure


@dataclass
class ParsedDocument:
    document: Document
    provisions: list[Provision]
    citations: list[Citation] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    parse: structure.ParseResult | None = None
    warnings: list[str] = field(default_factory=list)
    # Content words of each clause (provision id → ``indexer.align.terms`` of its text), computed
    # where documents are parsed (in parallel, and kept in the parse cache) for the link stage.
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
