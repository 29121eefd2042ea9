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
    title: str  # 关于印发《X》的通知 (or 某县人民政府令)
    plan_title: str  # X
    plan_title_start: int | None  # where X stands alone as the plan's title line (None: not found)
    issuer: str | None
    date: str | None
    doc_number: str | None = None  # a decree's number: 某县人民政府令第3号


@dataclass
class _Hit:
    """Where a wrapper stands: its title line, what it issues, and for a decree its number."""
    index: int
    title: str
    inner: str
    issuer: str | None = None
    doc_number: str | None = None


_PUBLISHED = re.compile(r"《(?P<inner>[^《》]{2,80})》[^《》]{0,60}?(?:现予公布|予以公布|现予发布|公布施行|现予印发)")


def _decree(paras, i: int) -> _Hit | None:
    """某县人民政府令 / 第3号 / 《X》已经…通过，现予公布…: a government decree issuing measure X."""
    m = rx.DECREE_LINE.match(paras[i].text)
    if not m:
        return None
    serial, k = m["serial"], i + 1
    if serial is None and k < len(paras):
        n = rx.DECREE_NUMBER.match(paras[k].text)
        if n:
            serial, k = n["serial"], k + 1
    for p in paras[k:k + 4]:
        pub = _PUBLISHED.search(p.text)
        if pub:
            number = f"{m['issuer']}令第{int(serial)}号" if serial else None
            return _Hit(i, paras[i].text, pub["inner"], m["issuer"], number)
    return None


def _notice_title(paras) -> _Hit | None:
    for i, p in enumerate(paras[:SCAN]):
        m = rx.NOTICE_TITLE.match(p.text)
        if m:  # (the title without a 文号 printed after it)
            return _Hit(i, m.group(0)[:m.start("number")] if m["number"] else m.group(0), m["inner"])
        hit = _decree(paras, i)
        if hit:
            return hit
    return None


def _plan_line(paras, after: int, inner: str) -> int | None:
    """Where the issued plan's title stands alone below the notice (X, or 某镇X for 关于印发X的通知).
    A notice may number its own requirements (一、压实工作责任…) before its signature: past numbering,
    the title counts only below a date line (the notice's signature), else the numbered text is the
    plan's own body, begun without a title line."""
    want = _squash(inner)
    cited: set[str] = set()  # 现将《临沅市2026年统计工作要点》印发给你们 (the title says 2026年全市统计工作要点)
    numbered = signed = False
    for j in range(after + 1, len(paras)):
        if rx.ANNEX.match(paras[j].text) and not _squash(paras[j].text) == want:
            continue  # 附件：X in the notice's list of attachments
        t = _squash(paras[j].text)
        if (t == want or t in cited or (t.endswith(want) and len(t) - len(want) <= 12 and "。" not in t)) \
                and (signed or not numbered):
            return j
        cited.update(_squash(m["title"]) for m in rx.TITLE_CITATION.finditer(paras[j].text))
        if any(pat.match(paras[j].text) for name, pat in rx.NUMBERING.items()
               if name in ("cn_comma", "chapter", "tiao")):
            numbered, signed = True, False
        elif numbered and len(paras[j].text) <= 20 and parse_date(paras[j].text):
            signed = True
    return None


def prepare(text: str) -> str:
    """Wrap annex labels that stand before the issued plan's title in （） (see the module doc)."""
    paras = paragraphs(text)
    hit = _notice_title(paras)
    if not hit:
        return text
    i = hit.index
    j = _plan_line(paras, i, hit.inner)
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
    i = hit.index
    j = _plan_line(paras, i, hit.inner)
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
    # a decree is signed by its head (县长　张某), not by the body: the body is the decree's issuer
    # the title as the plan's own line writes it (柘溪镇2026年…工作要点 for 关于印发2026年…工作要点的通知)
    plan_title = paras[j].text.strip() if j is not None else hit.inner.strip()
    return Notice(hit.title, plan_title, paras[j].start if j is not None else None,
                  issuer or hit.issuer, date, hit.doc_number)


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
    title = n.plan_title if rx.NOTICE_TITLE.match(d.title or "") or (d.title or "") == n.title else d.title
    pd.document = replace(d, title=title, meta=meta)
    return pd
