"""Notices that issue a plan: 关于印发《X》的通知 followed by X itself.

Such a text is one document to us: the plan's structure is the body, the
notice's 文号, 主送 and signature date are the document's, and the notice text
(现将《X》印发给你们…, its signature) stays in the preamble so nothing is lost.
The document's title becomes the plan's title X; the notice's title is kept
in ``Document.meta["notice_title"]`` (citation resolution matches both).

``prepare`` runs on the normalised text before the structure parser. The only
change it makes: in a notice whose plan follows, annex labels *before* the
plan's title (附件：X in the notice's list of attachments, a bare 附件 line
above X) are wrapped in （） so the parser keeps them in the preamble instead
of opening an annex that would swallow the plan (its parts would become
``annex_1__part_1``). ``detect`` reads the notice from the parsed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from indexer import regexes as rx
from indexer.structure import paragraphs, parse_date

SCAN = 12  # the notice title is among the first paragraphs


def _squash(s: str) -> str:
    return re.sub(r"[\s《》〈〉“”]+", "", s)


@dataclass
class Notice:
    title: str  # 关于印发《X》的通知
    plan_title: str  # X
    plan_title_start: int | None  # where X stands alone as the plan's title line (None: not found)
    issuer: str | None
    date: str | None


def _notice_title(paras) -> tuple[int, re.Match] | None:
    for i, p in enumerate(paras[:SCAN]):
        m = rx.NOTICE_TITLE.match(p.text)
        if m:
            return i, m
    return None


def _plan_line(paras, after: int, inner: str) -> int | None:
    want = _squash(inner)
    for j in range(after + 1, len(paras)):
        if rx.ANNEX.match(paras[j].text) and not _squash(paras[j].text) == want:
            continue  # 附件：X in the notice's list of attachments
        t = _squash(paras[j].text)
        if t == want or (t.endswith(want) and len(t) - len(want) <= 12 and "。" not in t):
            return j
        if any(pat.match(paras[j].text) for name, pat in rx.NUMBERING.items()
               if name in ("cn_comma", "chapter", "tiao")):
            return None  # the numbered body started without the plan's title line
    return None


def prepare(text: str) -> str:
    """Wrap annex labels that stand before the issued plan's title in （） (see the module doc)."""
    paras = paragraphs(text)
    hit = _notice_title(paras)
    if not hit:
        return text
    i, m = hit
    j = _plan_line(paras, i, m["inner"])
    if j is None:
        return text
    out, pos = [], 0
    for p in paras[i + 1:j]:
        if rx.ANNEX.match(p.text) and len(p.text) <= 60 and "。" not in p.text:
            out.append(text[pos:p.start])
            out.append(f"（{p.text}）")
            pos = p.end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def detect(text: str) -> Notice | None:
    """The notice at the top of ``text`` (normalised), with its signature, or None."""
    paras = paragraphs(text)
    hit = _notice_title(paras)
    if not hit:
        return None
    i, m = hit
    j = _plan_line(paras, i, m["inner"])
    issuer = date = None
    if j is not None:
        # The notice's signature: the issuer and date lines just above the plan's title.
        for p in reversed(paras[i + 1:j]):
            line = p.text
            if rx.PUBLICATION_NOTE.match(line) or re.fullmatch(r"（?附件[：:]?.*）?", line):
                continue
            d = parse_date(line)
            if d and date is None and issuer is None:
                date = d
                continue
            if date and rx.ISSUER_LINE.match(line):
                issuer = line if issuer is None else f"{line} {issuer}"
                continue
            break
    return Notice(m.group(0), m["inner"].strip(), paras[j].start if j is not None else None, issuer, date)


def stage_notice(pd):
    """Pipeline stage: a notice's plan becomes the document (its title; the notice's title is kept in
    ``meta``). ``indexer.pipeline.parse_text`` takes the notice's issuer and date where the text has
    no closing signature."""
    n = detect(pd.document.text)
    if n is None or n.plan_title_start is None:
        return pd
    d = pd.document
    meta = {**d.meta, "notice_title": n.title,
            "notice": {"title": n.title, "issuer": n.issuer, "date": n.date}}
    title = n.plan_title if rx.NOTICE_TITLE.match(d.title or "") else d.title
    pd.document = replace(d, title=title, meta=meta)
    return pd
