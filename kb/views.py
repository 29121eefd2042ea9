"""What the views of the KB (the app, and any other front end) show by default and how they name
things: the document a view opens on, the real upstreams of a document, readable references,
the year of a task, the facts of a search hit, the file name of the 任务分解表 (its rows:
``kb.export.breakdown``). Computed here so that a page only renders.

    from kb import open_kb, views
    kb = open_kb()
    views.default_document(kb.documents())      # the full text with the most content
    views.upstreams(kb, "yangzhou-2024-118")     # ["central-2023-…", "jiangsu-2024-…"]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from kb import export, labels, models
from kb.models import task_year
from kb.official_citation import int_to_cn

RANK = {lv: i for i, lv in enumerate(models.LEVELS)}
NO_YEAR = "未明确时限"  # a task with no stated year, where years are counted


# ---------------------------------------------------------------------------
# Defaults
# ---------------------------------------------------------------------------


def default_document(docs: Sequence[models.Document]) -> str | None:
    """The document a view opens on: a full text before an outline, then the one with the most
    clauses (the document users came for, never the first id in alphabetical order)."""
    if not docs:
        return None
    return min(docs, key=lambda d: (d.status == "outline", -d.clauses, -d.articles, d.id)).id


def upstreams(kb, doc_id: str) -> list[str]:
    """The real upstream documents of ``doc_id``: higher in level and linked to it (it cites them,
    or its clauses are aligned to theirs). Cited ones first, then by the number of links, then the
    nearest level (a province before the centre for a city)."""
    docs = {d.id: d for d in kb.documents()}
    mine = docs[doc_id]
    higher = {i for i, d in docs.items() if RANK.get(d.level, 9) < RANK.get(mine.level, 9)}
    cited = [c.resolved_id for c in kb.citations(doc_id) if c.resolved_id in higher]
    links: dict[str, int] = {}
    for (target,) in kb.reader.query("SELECT target_id FROM links WHERE source_id LIKE ? ESCAPE '\\'",
                                     (doc_id.replace("_", "\\_") + "#%",)):
        up = target.split("#", 1)[0]
        if up in higher:
            links[up] = links.get(up, 0) + 1
    linked = set(cited) | set(links)
    return sorted(linked, key=lambda i: (i not in cited, -links.get(i, 0),
                                         -RANK.get(docs[i].level, 0), i))


def default_pair(kb) -> tuple[str | None, str | None]:
    """对标's opening pair: of the documents that have a real upstream, the full text with the most
    content, against its first upstream (:func:`upstreams`); (None, None) when no document has one."""
    docs = kb.documents()
    with_up = [(d, upstreams(kb, d.id)) for d in docs]
    with_up = [(d, ups) for d, ups in with_up if ups]
    if not with_up:
        return None, None
    best = default_document([d for d, _ in with_up])
    return best, dict((d.id, ups) for d, ups in with_up)[best][0]


# ---------------------------------------------------------------------------
# Names of provisions and documents
# ---------------------------------------------------------------------------


def provision_ref(p: models.Provision, parent: models.Provision | None = None) -> str:
    """A provision as a reader names it in a table: （五）第3句, （五）持续深入…, 第二部分 (never its id)."""
    if p.kind == "clause":
        head = (parent.marker or "").strip() if parent is not None else ""
        if not head and parent is not None and parent.kind in ("preamble", "closing"):
            head = labels.kind(parent.kind)  # 结语第1句, never a bare 第1句
        if not head and p.part_no is not None:
            head = f"第{int_to_cn(p.part_no)}部分"
        return f"{head}第{p.clause_no}句" if p.clause_no else (head or "句")
    if p.kind == "part" and p.part_no is not None:
        return f"第{int_to_cn(p.part_no)}部分"
    name = f"{p.marker or ''}{p.heading or ''}"
    return name[:13] + "…" if len(name) > 14 else (name or p.label)


def ref(kb, provision_id: str) -> str:
    """:func:`provision_ref` of an id (its parent looked up for a clause)."""
    p = kb.provision(provision_id)
    return provision_ref(p, kb.provision(p.parent) if p.kind == "clause" and p.parent else None)


def short_title(title: str, n: int = 16) -> str:
    """A document title short enough for a file name or a chart: 市政府关于全面推进美丽扬州建设的实施意见
    → 全面推进美丽扬州建设的实施意见 (the issuer's 关于 prefix dropped), cut with … past ``n``."""
    t = title.split("关于", 1)[1] if "关于" in title else title
    return t if len(t) <= n else t[: n - 1] + "…"


OUTLINE_FIELD = re.compile(r"^(?P<label>[^：:\s]{2,8}?)(?P<flag>〔[^〕]{2,6}〕)?[：:](?P<body>.*)$", re.S)


def outline_field(text: str) -> tuple[str | None, str]:
    """An outline clause written ``摘要：…`` / ``关键词：…`` / ``阶段目标〔已核实〕：…`` → (label, body);
    (None, text) for any other text."""
    m = OUTLINE_FIELD.match(text or "")
    if not m:
        return None, text
    return m.group("label"), m.group("body").strip()


# ---------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------


def count_years(tasks: Iterable[models.Task]) -> dict[str, int]:
    """Tasks per year (as text, in year order), and those with no stated year under ``NO_YEAR``."""
    counts: dict = {}
    for t in tasks:
        y = task_year(t)
        counts[y] = counts.get(y, 0) + 1
    out = {str(y): counts[y] for y in sorted(y for y in counts if y is not None)}
    if None in counts:
        out[NO_YEAR] = counts[None]
    return out


def stated(p: models.Party) -> bool:
    """A party the text names (or refers to by 该局/其): not an inference, not a 主送 inheritance."""
    return p.source in ("explicit", "resolved")


def lead_stated(t: models.Task) -> bool:
    """The text itself names who leads the task (a lead or an owner it sets to work)."""
    return any(stated(p) and p.role in ("lead", "owner") for p in t.parties)


@dataclass(frozen=True)
class PartyCount:
    name: str  # the body as the documents write it (several ways joined by ／)
    stated: int  # tasks where the text names it
    guessed: int  # tasks where it was inferred (or inherited) only


def written_name(p: models.Party) -> str:
    """A party in a list of bodies: its name as written, a generic name marked (生态环境部门（泛称，推断）)."""
    return f"{p.name}（泛称，推断）" if p.canonical_inferred else p.name


def count_parties(tasks: Iterable[models.Task], roles) -> list[PartyCount]:
    """Tasks per body (grouped by canonical name), split into stated and guessed, most first. A
    task that names a body only by a generic name (生态环境部门 → 市生态环境局) counts as guessed
    for it, and the name is listed marked (:func:`written_name`)."""
    written: dict[str, dict[str, int]] = {}
    counts: dict[str, list[int]] = {}
    for t in tasks:
        seen: dict[str, bool] = {}
        for p in t.parties:
            if p.role not in roles:
                continue
            names = written.setdefault(p.key, {})
            names[written_name(p)] = names.get(written_name(p), 0) + 1
            seen[p.key] = seen.get(p.key, False) or (stated(p) and not p.canonical_inferred)
        for key, is_stated in seen.items():
            c = counts.setdefault(key, [0, 0])
            c[0 if is_stated else 1] += 1
    out = [PartyCount("／".join(sorted(written[k], key=lambda n: (-written[k][n], n))), s, g)
           for k, (s, g) in counts.items()]
    return sorted(out, key=lambda c: (-(c.stated + c.guessed), -c.stated, c.name))


def export_name(kb, doc: str | None, party: str | None, year: int | None, role: str | None,
                role_label) -> str:
    """A readable file name (no extension) for an exported 任务分解表:
    任务分解表-全面推进美丽扬州建设的实施意见-2027年-牵头."""
    parts = ["任务分解表"]
    parts.append(short_title(kb.document(doc).title, 24) if doc else "全部文件")
    if party:
        parts.append(party)
    if year:
        parts.append(f"{year}年")
    if role:
        parts.append(role_label(role))
    return re.sub(r'[\\/:*?"<>|#\s]+', "_", "-".join(parts))


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HitFacts:
    lead: str  # 牵头单位 of the tasks in the hit ('' when the hit has no task)
    lead_stated: bool  # the text names the lead (else it is inferred, inherited or 未明确)
    deadline: str  # 完成时限 ('' when no task)
    date: str  # the document's date, or '' when it has none


def hit_facts(kb, hits: Sequence, docs: dict[str, models.Document]) -> dict[str, HitFacts]:
    """Lead, deadline and document date of each hit (a clause, or an article: its tasks)."""
    by_doc: dict[str, list[models.Task]] = {}
    out = {}
    for h in hits:
        if h.doc_id not in by_doc:
            by_doc[h.doc_id] = kb.tasks(doc=h.doc_id)
        inside = [t for t in by_doc[h.doc_id] if t.clause_id == h.id or t.clause_id.startswith(h.id + "__")]
        leads = list(dict.fromkeys(export.lead_text(t) for t in inside))
        deadlines = list(dict.fromkeys(export.deadline_text(t.deadline) for t in inside
                                       if t.deadline and t.deadline.source == "explicit"))
        if inside and not deadlines:
            deadlines = ["未明确"]
        d = docs.get(h.doc_id)
        out[h.id] = HitFacts(lead="；".join(leads[:3]) + ("…" if len(leads) > 3 else ""),
                             lead_stated=any(lead_stated(t) for t in inside),
                             deadline="；".join(deadlines[:3]), date=(d.date or "") if d else "")
    return out


SORTS = ("relevance", "date")
MAX_FILTERED = 200  # hits fetched when the page filters or sorts them itself


def search(kb, query: str, *, doc=None, level=None, year=None, party=None, issuer: str | None = None,
           since: int | None = None, sort: str = "relevance", limit: int = 20):
    """``KB.search`` with the document filters the index does not hold (发文机关 ``issuer``,
    发文年份 ``since``) and a sort by document date (newest first, relevance within a date).

    Those filters and the sort apply to the best ``MAX_FILTERED`` hits; ``total`` is then the
    number kept from them, and ``capped`` says when the search had more."""
    if sort not in SORTS:
        raise ValueError(f"sort '{sort}' is not one of {', '.join(SORTS)}")
    plain = not issuer and since is None and sort == "relevance"
    result = kb.search(query, doc=doc, level=level, year=year, party=party,
                       limit=limit if plain else MAX_FILTERED)
    if plain:
        return result, False
    docs = {d.id: d for d in kb.documents()}

    def keep(h) -> bool:
        d = docs.get(h.doc_id)
        if d is None:
            return False
        if issuer and issuer not in (d.issuer or ""):
            return False
        return since is None or (d.date is not None and d.date[:4].isdigit() and int(d.date[:4]) >= since)

    hits = [h for h in result.hits if keep(h)]
    if sort == "date":
        hits.sort(key=lambda h: docs[h.doc_id].date or "", reverse=True)
    partial = [h for h in result.partial if keep(h)]
    return (replace(result, hits=hits[:limit], total=len(hits), partial=partial[:limit], partial_total=len(partial)),
            result.total > len(result.hits))


def issuers(docs: Sequence[models.Document]) -> list[str]:
    """The issuing bodies of the documents, as written, most documents first."""
    counts: dict[str, int] = {}
    for d in docs:
        if d.issuer:
            counts[d.issuer] = counts.get(d.issuer, 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k))


def years(docs: Sequence[models.Document]) -> list[int]:
    """The years documents were issued in (those with a date), newest first."""
    return sorted({int(d.date[:4]) for d in docs if d.date and d.date[:4].isdigit()}, reverse=True)
