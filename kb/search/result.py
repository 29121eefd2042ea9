"""``SearchResult``: what ``KB.search`` returns, and its ``search --json`` shape."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.models import Hit

# The CLI contract's fields first (see /CLI contract: search), then extras.
HIT_FIELDS = ("id", "doc_id", "level", "kind", "part_no", "article_no", "heading", "text", "highlight",
              "score", "spans", "label", "status", "heading_spans", "heading_highlight")


def hit_dict(h: Hit) -> dict:
    out = {k: getattr(h, k) for k in HIT_FIELDS}
    out["spans"] = [list(s) for s in h.spans]
    out["heading_spans"] = [list(s) for s in h.heading_spans]
    return out


@dataclass
class SearchResult:
    query: str  # as the user typed it
    total: int  # matching provisions (hits holds at most ``limit`` of them)
    hits: list[Hit]
    notices: list[str] = field(default_factory=list)  # fallbacks, truncation, corrections (Chinese)
    interpreted: str = ""  # what was searched, after fallbacks
    engine: str = ""
    took_ms: float = 0.0
    expansions: dict[str, list[str]] = field(default_factory=dict)  # typed word → synonyms also searched
    # Clauses with only some of the query's specific content words ("部分匹配"), not in ``hits``.
    partial: list[Hit] = field(default_factory=list)
    partial_total: int = 0
    corrected: list[dict] = field(default_factory=list)  # [{"from": 宝应胡, "to": 宝应湖, "how": sound|shape}]
    suggestion: str | None = None  # the corrected query that was searched instead (您要找的是不是)
    normalized: str | None = None  # the query after simplified characters, width and numbers, if changed
    asks: list[str] = field(default_factory=list)  # question kinds recognised (who, how, howmuch …)
    parties: list[dict] = field(default_factory=list)  # for "who": responsible parties of the hits' tasks

    def to_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "hits": [hit_dict(h) for h in self.hits],
                "notices": list(self.notices), "interpreted": self.interpreted,
                "expansions": self.expansions, "engine": self.engine, "took_ms": self.took_ms,
                "partial": [hit_dict(h) for h in self.partial], "partial_total": self.partial_total,
                "corrected": self.corrected, "suggestion": self.suggestion, "normalized": self.normalized,
                "question": self.asks, "parties": self.parties}
