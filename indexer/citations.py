"""Citations in text: 《title》 and 文号, each tied to the clause that contains it.

A title immediately followed by its 文号 in brackets — 《…通知》（苏政发〔2024〕5号）—
is one citation with both. An anaphoric reference (上述文件, 该意见) after an
earlier citation is a citation with neither title nor 文号, only its text.
Resolution to document ids happens corpus-wide in ``indexer.resolve``; here
every citation is unresolved.
"""

from __future__ import annotations

import bisect

from kb.models import Citation, Provision
from indexer import regexes as rx
from indexer.structure import normalise_doc_number


def leaf_at(provisions: list[Provision], offset: int) -> str | None:
    """The id of the innermost provision that contains ``offset`` (a clause where there is one)."""
    return leaf_locator(provisions)(offset)


def leaf_locator(provisions: list[Provision]):
    """``offset → leaf_at(provisions, offset)`` in logarithmic time (a scan per citation made
    a document with thousands of citations quadratic: 4 s of a 4 MB document's parse).

    Provisions sorted by (start, depth): a container comes before everything inside it, so
    the last provision starting at or before ``offset`` that still contains it is the
    innermost one."""
    order = sorted(range(len(provisions)), key=lambda i: (provisions[i].start, provisions[i].depth, i))
    starts = [provisions[i].start for i in order]

    def locate(offset: int) -> str | None:
        k = bisect.bisect_right(starts, offset) - 1
        while k >= 0:
            p = provisions[order[k]]
            if p.start <= offset < p.end:
                return p.id
            k -= 1
        return None

    return locate


def find_citations(doc_id: str, text: str, start: int, end: int,
                   provisions: list[Provision]) -> list[Citation]:
    """All citations in ``text[start:end]`` (the body), in order."""
    body = text[start:end]
    leaf_at = leaf_locator(provisions)
    found: list[Citation] = []
    title_spans = []
    for m in rx.TITLE_CITATION.finditer(body):
        a, b = start + m.start(), start + m.end()
        number = None
        tail = body[m.end():m.end() + 30]
        dn = rx.DOC_NUMBER.match(tail.lstrip("（(").lstrip()) if tail[:1] in "（(" else None
        if dn:
            number = normalise_doc_number(dn)
            b = start + m.end() + tail.index(dn.group()) + len(dn.group())
            if text[b:b + 1] in "）)":
                b += 1
        title_spans.append((a, b))
        found.append(Citation(doc_id, leaf_at(a), m["title"].strip(), number,
                              text[a:b], a, b))
    starts = [s for s, _ in title_spans]
    for m in rx.DOC_NUMBER.finditer(body):
        a, b = start + m.start(), start + m.end()
        i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and title_spans[i][0] <= a < title_spans[i][1]:
            continue  # already part of a 《title》（文号） citation
        number = normalise_doc_number(m)
        lead = rx.DOC_NUMBER_LEAD.match(m["prefix"])
        if lead and lead.end() < len(m["prefix"]):  # 结合扬府发〔2024〕118号: the prose is not the 文号
            a += lead.end()
            number = number[lead.end():]
        found.append(Citation(doc_id, leaf_at(a), None, number, text[a:b], a, b))
    first = min((c.start for c in found), default=None)
    for m in rx.ANAPHORA.finditer(body):
        a, b = start + m.start(), start + m.end()
        if first is not None and a > first:  # only after something it can refer back to
            found.append(Citation(doc_id, leaf_at(a), None, None, text[a:b], a, b))
    return sorted(found, key=lambda c: c.start)
