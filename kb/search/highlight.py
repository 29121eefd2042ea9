"""Highlights: exact character spans of the query's units in a hit's text.

Spans are found in ``kb.analysis.fold(text)``, which has the same length as
the text, so they index the original text. A unit marks where one of its
forms (what was typed, or a synonym) stands; only if none does — in the text
or in the heading shown with it — its partial forms (the words of a
multi-word unit). Forms are whole strings, never their
characters or bigrams: a query for 马克思 marks 马克思 and never 马克, and
邵伯湖 inside 高宝邵伯湖 is marked as exactly 邵伯湖.
"""

from __future__ import annotations

import html

from functools import lru_cache

from kb.analysis import fold, word_spans

WINDOW = 6  # characters of context segmented on each side of a match to find its word boundaries


def find_spans(text: str | None, units, *also: str | None) -> tuple[tuple[int, int], ...]:
    """Spans of the units in ``text``. A unit whose whole form stands in ``text`` or in
    any of ``also`` (the hit's heading) marks only whole forms; otherwise its partial forms."""
    if not text or not units:
        return ()
    return find_spans_in(text, *also, units=units)[0]


def find_spans_in(*texts: str | None, units) -> list[tuple[tuple[int, int], ...]]:
    """``find_spans`` of each of ``texts``, the others being its ``also``: each text is folded
    and searched for the units' whole forms once (a hit's text and heading). A match that
    crosses a word boundary (``crosses``) is no match."""
    folded = [fold(t) if t else "" for t in texts]
    spans: list[list[tuple[int, int]]] = [[] for _ in texts]
    for unit in units:
        whole = [_find(f, unit.forms) if f else [] for f in folded]
        anywhere = any(whole)
        for i, f in enumerate(folded):
            spans[i].extend(whole[i] if whole[i] or anywhere or not f else _find(f, unit.partial))
    return [merge(s) if t else () for s, t in zip(spans, texts)]


def _find(folded: str, forms) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for f in forms for m in f.pattern().finditer(folded)
            if m.end() > m.start() and not crosses(folded, m.start(), m.end())]


def crosses(folded: str, start: int, end: int) -> bool:
    """Whether ``folded[start:end]`` begins inside one word and ends inside another, as jieba
    segments the text around it: 河长 in 大运河长江 (大运河 | 长江) does; 邵伯湖 in 高宝邵伯湖
    (one word) and 保护修复 in 生态保护修复 (ends where a word ends) do not."""
    lo = max(0, start - WINDOW)
    return _crosses(folded[lo:end + WINDOW], start - lo, end - lo)


@lru_cache(maxsize=8192)
def _crosses(window: str, start: int, end: int) -> bool:
    first = last = None
    for _, _, s, e in word_spans(window):
        if s < start < e:
            first = (s, e)
        if s < end < e:
            last = (s, e)
    return first is not None and last is not None and first != last


def merge(spans) -> tuple[tuple[int, int], ...]:
    """Sorted spans with overlapping or touching ones joined."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def mark(text: str | None, spans, open_: str = "<mark>", close: str = "</mark>", escape=html.escape) -> str:
    """The text with each span wrapped (HTML-escaped by default)."""
    if not text:
        return ""
    out, pos = [], 0
    for s, e in spans:
        out.append(escape(text[pos:s]))
        out.append(open_ + escape(text[s:e]) + close)
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)


def only_across_words(units, *texts: str | None) -> bool:
    """Whether some unit stands in ``texts`` (a hit's text and headings) only across word
    boundaries (河湖长制 → 河长 in 大运河长江): the engine's bigrams matched, the words do not."""
    folded = [fold(t) for t in texts if t]
    return any(_only_across(unit, folded) for unit in units)


def _only_across(unit, folded: list[str]) -> bool:
    """Whether the unit's forms match in ``folded`` and every match crosses a word boundary
    (stops at the first match that does not)."""
    found = False
    for f in unit.forms + unit.partial:
        for t in folded:
            for m in f.pattern().finditer(t):
                if m.start() < m.end():
                    if not crosses(t, m.start(), m.end()):
                        return False
                    found = True
    return found
