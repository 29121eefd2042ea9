"""The benchmark's fixed query mix and its translation into each baseline's syntax.

The mix (``policykb/bench/data/queries.tsv``) is written in the syntax a user types into
``policykb search``: words separated by spaces must all match, ``"…"`` is a phrase, ``OR`` and
``NOT`` join words. Our engines get the text as it is; Whoosh-as-shipped gets it through its
stock ``QueryParser`` (the same syntax); SQLite FTS5 gets it rewritten into an FTS5 ``MATCH``
expression over jieba-segmented words (``fts5_match``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources

DATA = resources.files("policykb.bench") / "data"
QUERY_FILE = "queries.tsv"
KINDS = ("term", "and", "phrase", "or", "not", "filter", "subword", "long")
FILTER_KEYS = ("level", "year", "doc")

# A quoted phrase, an operator, or a bare word.
TOKEN_RE = re.compile(r'"(?P<phrase>[^"]*)"|(?P<op>\bOR\b|\bNOT\b|\bAND\b)|(?P<word>[^\s"]+)')


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    text: str
    filters: dict = field(default_factory=dict)

    def label(self) -> str:
        f = ",".join(f"{k}={v}" for k, v in self.filters.items())
        return f"{self.kind}: {self.text}" + (f" [{f}]" if f else "")


def parse_filters(s: str) -> dict:
    out: dict = {}
    for part in filter(None, (p.strip() for p in s.split(","))):
        key, _, value = part.partition("=")
        if key not in FILTER_KEYS or not value:
            raise ValueError(f"{QUERY_FILE}: bad filter '{part}'; use {', '.join(k + '=…' for k in FILTER_KEYS)}")
        out[key] = int(value) if key == "year" else value
    return out


def load_queries(text: str | None = None) -> list[BenchQuery]:
    text = text if text is not None else (DATA / QUERY_FILE).read_text(encoding="utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or cols[0] not in KINDS:
            raise ValueError(f"{QUERY_FILE}:{n}: expected kind<TAB>query<TAB>filters with kind in {KINDS}")
        out.append(BenchQuery(cols[0], cols[1].strip(), parse_filters(cols[2] if len(cols) > 2 else "")))
    return out


def resolve_docs(queries: list[BenchQuery], doc_ids: list[str]) -> list[BenchQuery]:
    """``doc=@k`` filters → the k-th document id (1-based, wrapping around a small corpus)."""
    out = []
    for q in queries:
        ref = q.filters.get("doc")
        if isinstance(ref, str) and ref.startswith("@") and doc_ids:
            k = int(ref[1:]) - 1
            q = BenchQuery(q.kind, q.text, {**q.filters, "doc": doc_ids[k % len(doc_ids)]})
        out.append(q)
    return out


def fts5_match(text: str, segment) -> str:
    """Our query syntax → an FTS5 MATCH expression over text indexed as space-separated words.

    ``segment(str) → list[str]`` is the segmenter used at index time. A word that segments into
    several words becomes an FTS5 phrase of them; bare words are joined by AND.
    """
    parts: list[str] = []
    pending_op = None
    for m in TOKEN_RE.finditer(text):
        if m.group("op"):
            pending_op = m.group("op")
            continue
        source = m.group("phrase") if m.group("phrase") is not None else m.group("word")
        words = [w for w in segment(re.sub(r"\s+", "", source)) if w.strip()]
        if not words:
            continue
        phrase = '"' + " ".join(w.replace('"', '""') for w in words) + '"'
        if parts:
            parts.append(pending_op or "AND")
        parts.append(phrase)
        pending_op = None
    return " ".join(parts)
