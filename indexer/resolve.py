"""Citation resolution: a corpus-wide stage that fills ``Citation.resolved_id``.

A citation resolves, in this order, by

1. its 文号 (扬府发〔2024〕118号) → the document with that 文号;
2. its title, compared after ``title_keys`` normalisation: spaces and 、
   between issuers do not count (《中共中央 国务院关于…》 = 《中共中央国务院关于…》),
   nor 《》/〈〉 inside the title; a title also matches a document's listed
   variants (an outline's ``title_variants``), the plan inside a notice
   (关于印发《X》的通知 ↔ X), and — when the issuers are compatible (one
   missing, one contained in the other, or an abbreviation such as 市政府) —
   the part from 关于 on;
3. a short form in context — 《意见》, 《实施意见》 (``data/short_forms.txt``)
   — or an anaphora (上述文件, 该意见): the most recent earlier full citation in
   the same document (of the same type, when the short form names one) gives
   its resolution.

A key shared by several documents resolves nothing (never a guess). What does
not resolve stays an external reference with ``resolved_id = None``, e.g.
《江苏省生态文明教育促进办法》 while that document is not in the corpus. A
document citing itself (the notice part of 关于印发《X》的通知 naming X)
resolves to itself.

The stage writes no links (``Citation`` records are replaced, they are
frozen); link stages that run after it read ``resolved_id``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from kb.models import Citation
from indexer import regexes as rx
from indexer.normalize import normalize_line

DATA = Path(__file__).parent / "data"
ISSUER_SEPARATORS = re.compile(r"[\s、，,·•]+")
GENERIC_ISSUER = re.compile(r"^(?:省|市|县|区|州|自治区|自治州|盟|旗)(?:委|政府|人民政府|委员会|政府办公室|政府办公厅)")


@lru_cache(maxsize=1)
def short_forms() -> frozenset[str]:
    lines = (DATA / "short_forms.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def squash(title: str) -> str:
    """A title for comparison: normalised, no 《》〈〉 or spaces."""
    t = normalize_line(title)
    return re.sub(r"[\s《》〈〉<>]+", "", t)


def split_title(title: str) -> tuple[str, str | None]:
    """(issuer prefix without separators, the part from 关于 on) — core None without 关于."""
    t = normalize_line(title).strip("《》")
    if "关于" not in t:
        return "", None
    prefix, rest = t.split("关于", 1)
    return ISSUER_SEPARATORS.sub("", prefix), "关于" + re.sub(r"[\s《》〈〉]+", "", rest)


def title_keys(title: str) -> tuple[set[str], str | None, str]:
    """(full keys, core key, issuer prefix) of a title; a notice's title adds its plan's keys."""
    prefix, core = split_title(title)
    full = {squash(title)}
    if core:
        full.add(prefix + core)
    m = rx.NOTICE_TITLE.match(normalize_line(title).strip("《》"))
    if m:
        full.add(squash(m["inner"]))
    return full, core, prefix


def issuers_compatible(a: str, b: str) -> bool:
    if not a or not b or a in b or b in a:
        return True
    if GENERIC_ISSUER.match(a) or GENERIC_ISSUER.match(b):
        return True
    return a[:2] == b[:2]


class CitationIndex:
    """Documents by 文号 and by title keys."""

    def __init__(self, documents):
        self.numbers: dict[str, set[str]] = {}
        self.full: dict[str, set[str]] = {}
        self.core: dict[str, set[tuple[str, str]]] = {}  # core → {(doc id, issuer prefix)}
        for d in documents:
            if d.doc_number:
                self.numbers.setdefault(squash(d.doc_number), set()).add(d.id)
            titles = [d.title, *(d.meta.get("title_variants") or []), d.meta.get("notice_title"),
                      d.meta.get("page_title")]
            for t in filter(None, titles):
                full, core, prefix = title_keys(str(t))
                for k in full:
                    self.full.setdefault(k, set()).add(d.id)
                if core:
                    self.core.setdefault(core, set()).add((d.id, prefix))
                m = rx.NOTICE_TITLE.match(normalize_line(str(t)))
                if m:
                    _, icore, iprefix = title_keys(m["inner"])
                    if icore:
                        self.core.setdefault(icore, set()).add((d.id, iprefix))

    def by_number(self, number: str) -> str | None:
        ids = self.numbers.get(squash(number), set())
        return next(iter(ids)) if len(ids) == 1 else None

    def number_suffix(self, number: str) -> str | None:
        """The known 文号 that ends ``number`` (prose swallowed by the pattern: 要求扬府发〔2024〕118号)."""
        key = squash(number)
        hits = [k for k in self.numbers if key.endswith(k) and len(self.numbers[k]) == 1]
        return max(hits, key=len) if hits else None

    def by_title(self, title: str) -> str | None:
        full, core, prefix = title_keys(title)
        for k in full:
            ids = self.full.get(k, set())
            if len(ids) == 1:
                return next(iter(ids))
        if core:
            ids = {i for i, p in self.core.get(core, set()) if issuers_compatible(prefix, p)}
            if len(ids) == 1:
                return next(iter(ids))
        return None


def is_short_form(title: str | None) -> bool:
    return bool(title) and squash(title) in short_forms()


def resolve_document(citations: list[Citation], index: CitationIndex) -> list[Citation]:
    """One document's citations (any order) with ``resolved_id`` filled, in text order."""
    out: list[Citation] = []
    for c in sorted(citations, key=lambda c: c.start):
        rid = None
        anaphora = c.title is None and c.doc_number is None and rx.ANAPHORA.fullmatch(c.text)
        if is_short_form(c.title) or anaphora:
            wanted = squash(c.title) if c.title else anaphora["type"]
            for prev in reversed(out):
                if prev.title is None and prev.doc_number is None or is_short_form(prev.title):
                    continue  # only full citations are antecedents
                if wanted in ("文件",) or (prev.title and squash(prev.title).endswith(wanted)):
                    rid = prev.resolved_id
                    break
        else:
            if c.doc_number:
                rid = index.by_number(c.doc_number)
                known = None if rid or c.title else index.number_suffix(c.doc_number)
                if known:  # trim the record to the 文号 itself
                    cut = len(c.text) - len(known)
                    if cut > 0 and c.text.endswith(known):
                        c = replace(c, doc_number=known, text=c.text[cut:], start=c.start + cut)
                    rid = index.by_number(known)
            if rid is None and c.title:
                rid = index.by_title(c.title)
        out.append(replace(c, resolved_id=rid))
    return out


def resolve_citations(docs: list) -> None:
    """Every document's citations resolved against the whole corpus (``Citation.resolved_id``
    filled in the documents' records; the link stage makes the citation links from them)."""
    index = CitationIndex([pd.document for pd in docs])
    for pd in docs:
        pd.citations = resolve_document(pd.citations, index)
