"""Records → escaped HTML, tables and graphs for the app. Pure functions, no Streamlit.

Every piece of document text goes through :func:`esc` before it meets markup,
so a document containing ``<script>`` shows that text and runs nothing. Spans
(search highlights, entity evidence) are character offsets into the text they
mark; they are clipped, sorted and de-overlapped here so bad offsets can
never break the markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable, Sequence
from urllib.parse import quote

from kb import export, labels, models

CSS = """
<style>
.pkb-card{font-size:1rem;line-height:1.75}
.pkb-card .pkb-path{color:#555;font-size:.85rem;margin-bottom:.25rem}
.pkb-card .pkb-text{margin:.2rem 0}
.pkb-card mark,.pkb-text mark{background:#ffe58f;padding:0 .1em;border-radius:2px}
.pkb-badge{display:inline-block;font-size:.75rem;line-height:1.4;padding:0 .45em;margin-right:.3em;
  border-radius:.6em;border:1px solid #bbb;color:#333;background:#f5f5f5;vertical-align:middle}
.pkb-badge.central{background:#fde2e2;border-color:#e99}
.pkb-badge.provincial{background:#fff1d6;border-color:#e6b96a}
.pkb-badge.municipal{background:#e3f0ff;border-color:#8db7e8}
.pkb-badge.county{background:#e6f6e6;border-color:#8ccf8c}
.pkb-badge.outline{background:#fff7cc;border-color:#d4a000;color:#7a5b00;font-weight:600}
.pkb-badge.score{background:#fff;color:#777}
.pkb-warn{color:#9a3412;font-size:.85rem;margin-top:.2rem}
.pkb-evidence{font-size:.85rem;color:#555;margin-top:.3rem}
.pkb-evidence-label{font-weight:600}
.pkb-evidence ul{margin:.1rem 0 0 1.1rem;padding:0}
.pkb-evidence li{margin:0;font-size:.85rem;line-height:1.5}
.pkb-badge.v-true{background:#e6f6e6;border-color:#8ccf8c;font-weight:400}
.pkb-badge.v-partial{background:#fff1d6;border-color:#e6b96a;font-weight:400}
.pkb-badge.v-false{background:#f3f3f3;border-color:#bbb;color:#777;font-weight:400}
.pkb-doc h3{margin-top:1.2rem}
.pkb-doc h4{margin-top:.8rem;font-size:1.05rem}
.pkb-doc p.pkb-clause{margin:.15rem 0 .15rem 1.2rem;line-height:1.8}
.pkb-doc a.pkb-anchor{color:#aaa;text-decoration:none;font-size:.8em;margin-left:.3em}
.pkb-toc ul{margin:0;padding-left:1.1rem}
.pkb-toc li{margin:.1rem 0}
.pkb-ent{padding:.1em .3em;margin:0 .1em;border-radius:.35em;line-height:2.1}
.pkb-ent::after{content:attr(data-label);font-size:.7em;font-weight:700;margin-left:.35em;
  vertical-align:middle;opacity:.85;user-select:none}
.pkb-ent.party{background:#d6eaff}
.pkb-ent.time{background:#ffe0b3}
.pkb-ent.target{background:#d9f2d9}
.pkb-ent.inferred{background:transparent;border:1px dashed #7aa7d9}
.pkb-ent.reference{background:#eef5ff;border:1px dotted #7aa7d9}
.pkb-legend span{margin-right:.6em}
.pkb-hitbox{border:1px solid #e3e3e3;border-radius:.5rem;padding:.6rem .8rem;margin-bottom:.8rem}
.pkb-cite{font-size:.95rem;margin:.2rem 0}
.pkb-facts{font-size:.85rem;color:#444;margin-top:.15rem}
.pkb-facts span{margin-right:1.2em}
.pkb-facts .guess{color:#8a5a00}
.pkb-doc .pkb-hit{background:#fff3c4;outline:2px solid #f0c040;border-radius:3px}
.pkb-actions{display:flex;flex-wrap:wrap;gap:.4rem;margin:.3rem 0}
.pkb-actions button,.pkb-actions a.pkb-btn{font:inherit;font-size:.85rem;padding:.2rem .7rem;border:1px solid #ccc;
  border-radius:.4rem;background:#fff;color:#222;cursor:pointer;text-decoration:none}
.pkb-actions button:hover,.pkb-actions a.pkb-btn:hover{border-color:#888}
.pkb-actions button.done{border-color:#2e8b57;color:#2e8b57}
table.pkb-table{width:100%;border-collapse:collapse;font-size:.9rem;table-layout:fixed}
table.pkb-table th,table.pkb-table td{border:1px solid #ddd;padding:.3em .45em;vertical-align:top;text-align:left;
  overflow-wrap:anywhere;word-break:break-word}
table.pkb-table th{background:#f6f6f6;font-weight:600}
.pkb-guess{color:#8a5a00}
.pkb-bars{font-size:.9rem}
.pkb-bars .row{display:grid;grid-template-columns:minmax(8em,14em) 1fr 3.5em;gap:.5em;align-items:center;margin:.15rem 0}
.pkb-bars .bar{display:flex;height:1.05rem;background:#f3f3f3;border-radius:2px;overflow:hidden}
.pkb-bars .stated{background:#3b7dd8}
.pkb-bars .guessed{background:repeating-linear-gradient(45deg,#f0b85a,#f0b85a 4px,#f7d79a 4px,#f7d79a 8px)}
.pkb-bars .none{background:#bbb}
.pkb-bars .n{text-align:right;color:#333}
.pkb-key span{display:inline-block;width:.9em;height:.9em;vertical-align:middle;margin:0 .25em 0 .8em}
.pkb-tree{font-size:.95rem;line-height:1.7}
.pkb-tree details{margin-left:1.1rem}
.pkb-tree summary{cursor:pointer}
.pkb-tree .kids{margin-left:1.4rem}
.pkb-tree .task{color:#333}
.pkb-tree .party{display:inline-block;background:#d6eaff;border-radius:.6em;padding:0 .5em;margin:0 .2em;font-size:.85rem}
.pkb-tree .party.guess{background:transparent;border:1px dashed #7aa7d9}
.pkb-tree .count{color:#777;font-size:.85rem;margin-left:.4em}
</style>
"""


def esc(text: object) -> str:
    """HTML-escape anything (None → empty)."""
    return html.escape("" if text is None else str(text), quote=True)


_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
# GFM turns bare URLs and e-mail addresses into links after escapes are resolved (a transform of
# the parsed text), so escaping cannot stop it: an invisible WORD JOINER (U+2060) inside the
# http(s): / www. / @ that the autolinker looks for can.
_AUTOLINK = re.compile(r"(?i)(https?)(?=:)|(www)(?=\.)|(?=@)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """Text to show literally where Streamlit renders Markdown (st.error/warning/info/caption/
    title/markdown/write, expander and widget labels): every ASCII punctuation character is
    backslash-escaped, so ``[请重新登录](http://…)`` stays text (no link), ``![](…)`` loads no
    image, ``:material/…:``/``:red[…]`` are no directives and ``$…$`` no formula; bare URLs and
    e-mail addresses get an invisible word joiner so they are not autolinked; line breaks become
    spaces (no headings, lists or code blocks). Every user- or document-supplied string shown
    through Markdown goes through this (HTML goes through :func:`esc`)."""
    s = " ".join(("" if text is None else str(text)).split())
    s = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2) or "") + WORD_JOINER, s)
    return _MD_SPECIAL.sub(r"\\\1", s)


# ---------------------------------------------------------------------------
# Spans
# ---------------------------------------------------------------------------


def clean_spans(spans: Iterable[Sequence[int]], n: int) -> list[tuple[int, int]]:
    """Spans clipped to ``[0, n)``, empty ones dropped, sorted, overlapping ones merged."""
    out: list[list[int]] = []
    for s in sorted((max(0, int(a)), min(n, int(b))) for a, b, *_ in spans):
        if s[1] <= s[0]:
            continue
        if out and s[0] <= out[-1][1]:
            out[-1][1] = max(out[-1][1], s[1])
        else:
            out.append([s[0], s[1]])
    return [(a, b) for a, b in out]


def mark_html(text: str, spans: Iterable[Sequence[int]]) -> str:
    """``text`` escaped, with each span wrapped in ``<mark>``."""
    parts, pos = [], 0
    for a, b in clean_spans(spans, len(text)):
        parts += [esc(text[pos:a]), "<mark>", esc(text[a:b]), "</mark>"]
        pos = b
    parts.append(esc(text[pos:]))
    return "".join(parts)


def safe_highlight(highlight: str) -> str:
    """A ``<mark>``-highlighted string made safe whatever it contains.

    Escape everything, then restore only the ``<mark>``/``</mark>`` tags that
    were real markup; text that was already escaped (``&lt;mark&gt;``) is
    escaped twice and so stays text.
    """
    out = esc(highlight)
    return out.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")


def window(text: str, spans: Sequence[tuple[int, int]], width: int = 180) -> tuple[str, list[tuple[int, int]]]:
    """A snippet of at most about ``width`` characters around the first span (with …)."""
    spans = clean_spans(spans, len(text))
    if len(text) <= width:
        return text, spans
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(text) - width))
    end = min(len(text), start + width)
    pre, post = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    shift = len(pre) - start
    inside = [(max(a, start) + shift, min(b, end) + shift) for a, b in spans if b > start and a < end]
    return pre + text[start:end] + post, inside


def hit_snippet_html(hit: models.Hit, width: int = 240) -> str:
    """The highlighted snippet of a search hit (spans preferred; else the highlight string)."""
    if hit.spans or not hit.highlight:
        snippet, spans = window(hit.text, hit.spans, width)
        return mark_html(snippet, spans)
    return safe_highlight(hit.highlight)


# ---------------------------------------------------------------------------
# Badges and cards
# ---------------------------------------------------------------------------


def badge(text: str, cls: str = "") -> str:
    return f'<span class="pkb-badge {esc(cls)}">{esc(text)}</span>'


def level_badge(level: str) -> str:
    return badge(labels.level(level), level)


def outline_badge() -> str:
    return badge("提纲", "outline")


def relevance(score: float, best: float | None) -> str:
    """A hit's relevance as a reader can take it: 高/中/低 against the best hit shown (a raw ranking
    score such as 7.26 means nothing to an official). Without ``best``, 相关度 is not judged."""
    if not best or best <= 0:
        return "相关"
    ratio = score / best
    return "高" if ratio >= 0.6 else "中" if ratio >= 0.3 else "低"


def hit_card_html(hit: models.Hit, doc: models.Document | None, rank: int, facts=None,
                  best: float | None = None) -> str:
    """One search result card: badges (relevance against ``best``, the best score shown), document
    and path, highlighted snippet, and the hit's 牵头单位 / 完成时限 / document date (``facts``:
    ``kb.views.HitFacts``)."""
    title = doc.title if doc else hit.doc_id
    number = f"（{doc.doc_number}）" if doc and doc.doc_number else ""
    badges = level_badge(hit.level)
    if hit.status == "outline" or (doc is not None and doc.status == "outline"):
        badges += outline_badge()
    badges += (f'<span class="pkb-badge score" title="检索得分 {hit.score:.2f}（与本页最高分相比）">'
               f'相关度 {relevance(hit.score, best)}</span>')
    path = hit.label or (hit.heading or "")
    heading_spans = hit.heading_spans
    at = path.rfind(hit.heading) if hit.heading and heading_spans else -1
    path_html = mark_html(path, [(a + at, b + at) for a, b in heading_spans]) if at >= 0 else esc(path)
    return (f'<div class="pkb-card" data-hit-id="{esc(hit.id)}" data-rank="{rank}">'
            f'<div class="pkb-path">{badges}<b>《{esc(title)}》</b>{esc(number)}'
            f'{" · " + path_html if path else ""}</div>'
            f'<div class="pkb-text">{hit_snippet_html(hit)}</div>{facts_html(facts)}</div>')


def facts_html(facts) -> str:
    """牵头 · 时限 · 成文日期 of a hit (a lead that is not written in the text is marked as such)."""
    if facts is None:
        return ""
    out = []
    if facts.lead:
        cls = "" if facts.lead_stated else ' class="guess"'
        note = "" if facts.lead_stated or "推断" in facts.lead else "（非原文明示）"
        out.append(f"<span{cls}>牵头：{esc(facts.lead)}{note}</span>")
    if facts.deadline:
        out.append(f"<span>时限：{esc(facts.deadline)}</span>")
    out.append(f"<span>成文日期：{esc(facts.date or '未注明')}</span>")
    return f'<div class="pkb-facts">{"".join(out)}</div>'


def copy_button(label: str, text: str) -> str:
    """A button that copies ``text`` (ui/links.js): the text rides in an escaped attribute."""
    return f'<button type="button" class="pkb-copy" data-copy="{esc(text)}">{esc(label)}</button>'


def link_button(label: str, href: str) -> str:
    """An in-app link drawn as a button (ui/links.js keeps the session)."""
    return f'<a class="pkb-btn" href="{esc(href)}" target="_self">{esc(label)}</a>'


def actions_html(*buttons: str) -> str:
    return f'<div class="pkb-actions">{"".join(buttons)}</div>'


def page_href(page: str, fragment: str | None = None, **params) -> str:
    """``document?doc=…&hl=…#anchor``: the URL of an app page with its query parameters."""
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{page}?{query}" + (f"#{fragment}" if fragment else "")


# ---------------------------------------------------------------------------
# Entities (displaCy-style spans) of a clause
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    start: int  # offsets into the rendered text
    end: int
    cls: str  # one of labels.ENTITY
    title: str  # tooltip: role, value …
    label: str = ""  # the tag shown after the span (default: labels.ENTITY[cls])


def locate(text: str, base: int, start: int | None, end: int | None, expected: str | None) -> tuple[int, int] | None:
    """The span in ``text`` (which starts at document offset ``base``) of an evidence record.

    Offsets are used when they point at the expected string; otherwise the
    expected string is looked up in the text (first occurrence), so a record
    with stale or missing offsets still highlights where its evidence is.
    """
    if start is not None and end is not None:
        a, b = start - base, end - base
        if 0 <= a < b <= len(text) and (not expected or text[a:b] == expected or expected in text[a:b]
                                         or text[a:b] in expected):
            return a, b
    if expected:
        i = text.find(expected)
        if i >= 0:
            return i, i + len(expected)
    return None


def clause_entities(text: str, base: int, tasks: Iterable[models.Task],
                    targets: Iterable[models.Target] = ()) -> list[Entity]:
    """Parties, time expressions and targets of the tasks/targets inside ``text`` (at offset ``base``)."""
    ents: list[Entity] = []
    seen_targets = set()
    all_targets = list(targets)
    for t in tasks:
        for p in t.parties:
            if p.source == "resolved":  # 该局 / 其 in this clause, standing for a body named before
                span = locate(text, base, p.anaphor_start, p.anaphor_end, p.anaphor)
                if span:
                    ents.append(Entity(*span, "reference", f"“{p.anaphor}”指前文的{p.name}（{labels.role(p.role)}）",
                                       f"指代：{p.name}"))
                continue
            if p.source == "inherited" or p.role == "recipient":
                continue  # not written in this clause
            if p.source == "inferred":  # the words the party was inferred from, not its name
                span = locate(text, base, p.start, p.end, p.evidence)
                if span:
                    ents.append(Entity(*span, "inferred", f"据此推断责任单位：{p.name}（{labels.role(p.role)}）",
                                       f"推断：{p.name}"))
                continue
            span = locate(text, base, p.start, p.end, p.name if p.start is None else None) \
                or locate(text, base, None, None, p.name)
            if span:
                if p.canonical_inferred:  # a generic name (生态环境部门) taken to be the issuer's own body
                    ents.append(Entity(*span, "party", f"{p.name}（{labels.role(p.role)}）；{p.canonical_note}",
                                       f"泛称，推断为{p.canonical}"))
                else:
                    ents.append(Entity(*span, "party", f"{p.name}（{labels.role(p.role)}）"))
        for r in t.references:
            if r.status != "resolved":  # left unresolved on purpose: say so where the word stands
                span = locate(text, base, r.start, r.end, r.text)
                if span:
                    ents.append(Entity(*span, "reference", r.note, "指代未解析"))
        d = t.deadline
        if d and d.source != "inherited":
            span = locate(text, base, d.start, d.end, d.text)
            if span:
                ents.append(Entity(*span, "time", d.text))
        all_targets.extend(t.targets)
    for g in all_targets:
        key = (g.clause_id, g.start, g.end, g.indicator)
        if key in seen_targets:
            continue
        seen_targets.add(key)
        span = locate(text, base, g.start, g.end, g.text)
        if span:
            value = "" if g.value is None else f"{g.value}{g.unit or ''}"
            ents.append(Entity(*span, "target", f"{g.indicator} {g.qualifier or ''}{value}".strip()))
        if g.year and g.year_source == "explicit":
            # the target's stated year: the last "…{year}年" before the target in this text
            limit = span[0] if span else len(text)
            at = text.rfind(f"{g.year}年", 0, limit)
            if at >= 0:
                start = at - 1 if at > 0 and text[at - 1] in "到至于" else at
                ents.append(Entity(start, at + len(f"{g.year}年"), "time", f"目标年份 {g.year}"))
    return resolve_overlaps(ents, len(text))


def resolve_overlaps(ents: Iterable[Entity], n: int) -> list[Entity]:
    """Keep non-overlapping entities: longer first, then earlier; result in text order."""
    kept: list[Entity] = []
    ents = list({(e.start, e.end, e.cls): e for e in ents}.values())
    # written entities before inferred evidence, then longer before shorter, then earlier
    for e in sorted(ents, key=lambda e: (e.cls == "inferred", -(e.end - e.start), e.start)):
        if e.start < 0 or e.end > n or e.end <= e.start:
            continue
        if all(e.end <= k.start or e.start >= k.end for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


def entities_html(text: str, ents: Sequence[Entity]) -> str:
    """``text`` escaped with entities as labelled ``<mark>`` spans (displaCy style)."""
    parts, pos = [], 0
    for e in resolve_overlaps(ents, len(text)):
        parts.append(esc(text[pos:e.start]))
        # the tag is drawn by CSS (::after) from data-label: it is not part of the text a reader selects or copies
        parts.append(f'<mark class="pkb-ent {esc(e.cls)}" title="{esc(e.title)}" '
                     f'data-label="{esc(e.label or labels.ENTITY.get(e.cls, e.cls))}">{esc(text[e.start:e.end])}</mark>')
        pos = e.end
    parts.append(esc(text[pos:]))
    return "".join(parts)


def legend_html() -> str:
    return '<div class="pkb-legend">' + "".join(
        f'<span><mark class="pkb-ent {cls}">{esc(name)}</mark></span>' for cls, name in labels.ENTITY.items()
    ) + "</div>"


# ---------------------------------------------------------------------------
# The document reader
# ---------------------------------------------------------------------------


def anchor(provision_id: str) -> str:
    """The HTML id of a provision in the reader: the part after ``#`` (``part_3__art_5``)."""
    return provision_id.split("#", 1)[-1]


def clause_href(provision_id: str) -> str:
    return "clause?clause=" + quote(provision_id, safe="")


def toc_html(provisions: Sequence[models.Provision]) -> str:
    """The outline tree (parts and articles) as nested lists of in-page links."""
    out, open_part = ['<div class="pkb-toc"><ul>'], False
    for p in provisions:
        if p.kind in ("part", "preamble", "closing"):
            if open_part:
                out.append("</ul></li>")
            name = (f"{p.marker or ''}{p.heading or ''}" if p.kind == "part" and (p.marker or p.heading)
                    else labels.kind(p.kind))
            out.append(f'<li><a href="#{esc(anchor(p.id))}">{esc(name)}</a><ul>')
            open_part = True
        elif p.kind == "article":
            li = f'<li><a href="#{esc(anchor(p.id))}">{esc(p.marker or "")}{esc(p.heading or "")}</a></li>'
            out.append(li if open_part else f"<ul>{li}</ul>")
    if open_part:
        out.append("</ul></li>")
    out.append("</ul></div>")
    return "".join(out)


def verified_badge(flag) -> str:
    """The 已核实 / 部分核实 / 未核实 badge of an outline provision ('' when it has no flag)."""
    name = labels.verified(flag)
    return badge(name, f"v-{str(flag).lower()}") if name else ""


def document_html(provisions: Sequence[models.Provision], verified: dict | None = None,
                  hit: str | None = None) -> str:
    """The full text: parts and articles as headings with anchors, clauses as paragraphs.

    Each clause carries its own anchor and a ¶ link to its clause view. ``verified``
    (an outline's provision id → flag) adds a badge to each flagged heading; the provision
    ``hit`` (a search hit the reader was opened at) and everything inside it are highlighted.
    """
    verified = verified or {}

    def cls(p) -> str:
        return ' class="pkb-hit"' if hit and (p.id == hit or p.id.startswith(hit + "__")) else ""

    out = ['<div class="pkb-doc">']
    for p in provisions:
        pid = esc(anchor(p.id))
        flag = verified_badge(verified[p.id]) if p.id in verified else ""
        if p.kind in ("part", "preamble", "closing"):
            title = f"{p.marker or ''}{p.heading or ''}" if p.kind == "part" else labels.kind(p.kind)
            out.append(f'<h3 id="{pid}"{cls(p)}>{esc(title)} {flag}</h3>')
        elif p.kind in ("article", "item"):
            tag = "h4" if p.kind == "article" else "h5"
            out.append(f'<{tag} id="{pid}"{cls(p)}>{esc(p.marker or "")}{esc(p.heading or "")} {flag}'
                       f'<a class="pkb-anchor" href="{esc(clause_href(p.id))}" target="_self" '
                       f'title="条款详情">¶</a></{tag}>')
        elif p.kind == "clause":
            out.append(f'<p class="pkb-clause{" pkb-hit" if cls(p) else ""}" id="{pid}">{esc(p.text)}'
                       f'<a class="pkb-anchor" href="{esc(clause_href(p.id))}" target="_self" '
                       f'title="条款详情">¶</a></p>')
    out.append("</div>")
    return "".join(out)


# ---------------------------------------------------------------------------
# Tables and bars (plain HTML: wrapped text, Chinese throughout, no widget chrome)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    width: str = ""  # a CSS width (e.g. "30%"); empty: share what is left


def table_html(columns: Sequence[Column], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table whose cells are markup already escaped by the caller; text wraps, columns keep their
    widths, so it fits the window at any width."""
    head = "".join(f'<th style="width:{esc(c.width)}">{esc(c.title)}</th>' if c.width else f"<th>{esc(c.title)}</th>"
                   for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="pkb-table {esc(cls)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# The label the linker puts before why a document was a candidate upstream (indexer/link.py):
# linker wording; the reason after it (引用《…》, 经引用链：…) reads plainly by itself.
CANDIDATE_REASON = "候选依据："


def evidence_html(evidence: Sequence[str]) -> str:
    """The evidence of a link as one line per item, under one 依据 label (never 依据：候选依据：…)."""
    items = [e[len(CANDIDATE_REASON):] if e.startswith(CANDIDATE_REASON) else e for e in evidence if e]
    if not items:
        return ""
    return ('<div class="pkb-evidence"><span class="pkb-evidence-label">依据</span><ul>'
            + "".join(f"<li>{esc(e)}</li>" for e in items) + "</ul></div>")


def task_cell_html(t: models.Task, kind_label: str | None = None) -> str:
    """The 任务内容 cell: the task, the kind of a row that is not a task (a clause that states
    targets but no task: ``kb.export.ROW_KINDS``), and each warning of the extraction (an
    annotation that named no unit is never dropped silently)."""
    out = esc(t.text)
    if kind_label:
        out += f'<br><span class="pkb-badge">{esc(kind_label)}</span>'
    return out + "".join(f'<div class="pkb-warn">提示：{esc(w)}</div>' for w in t.warnings)


def guess_html(text: str, guessed: bool) -> str:
    """A cell whose content is inferred, not written in the text: marked so it cannot pass for a fact."""
    return f'<span class="pkb-guess" title="非原文明示">{esc(text)}</span>' if guessed else esc(text)


def bars_html(rows: Sequence[tuple[str, int, int]], stated: str = "原文明示", guessed: str = "推断",
              none_label: str | None = None) -> str:
    """Horizontal bars, one per (label, stated, guessed): the stated part solid, the guessed part
    hatched, so a chart never passes guesses off as facts. ``none_label`` greys that row."""
    top = max((s + g for _, s, g in rows), default=0) or 1
    out = ['<div class="pkb-bars">']
    for label, s, g in rows:
        grey = label == none_label
        segs = (f'<span class="{"none" if grey else "stated"}" style="width:{100 * s / top:.1f}%"></span>'
                f'<span class="guessed" style="width:{100 * g / top:.1f}%"></span>')
        tip = f"{label}：{stated} {s}" + (f"，{guessed} {g}" if g else "")
        out.append(f'<div class="row" title="{esc(tip)}"><span>{esc(label)}</span><span class="bar">{segs}</span>'
                   f'<span class="n">{s + g}</span></div>')
    out.append("</div>")
    return "".join(out)


def bar_key_html(stated: str = "原文明示", guessed: str = "推断（非原文明示）") -> str:
    return (f'<div class="pkb-key" style="font-size:.85rem;color:#444">'
            f'<span style="background:#3b7dd8"></span>{esc(stated)}'
            f'<span style="background:repeating-linear-gradient(45deg,#f0b85a,#f0b85a 4px,#f7d79a 4px,#f7d79a 8px)">'
            f'</span>{esc(guessed)}</div>')


# ---------------------------------------------------------------------------
# The linkage tree (文件 → 部分 → 条 → 任务 → 单位)
# ---------------------------------------------------------------------------


def containers(provision_id: str) -> list[str]:
    """``d#part_3__art_5__cl_4`` → [``d#part_3__art_5``, ``d#part_3``] (innermost first)."""
    doc, _, path = provision_id.partition("#")
    steps = path.split("__")
    return [f"{doc}#{'__'.join(steps[:i])}" for i in range(len(steps) - 1, 0, -1)]


def party_chip(p: models.Party) -> str:
    guessed = p.source not in ("explicit", "resolved") or p.canonical_inferred
    tip = f"{labels.role(p.role)}（{labels.PARTY_SOURCE.get(p.source, p.source)}）"
    if p.canonical_inferred:
        tip += "；" + p.canonical_note
    return f'<span class="party{" guess" if guessed else ""}" title="{esc(tip)}">{esc(export.written(p))}</span>'


def tree_html(doc: models.Document, provisions: Sequence[models.Provision], tasks: Sequence[models.Task],
              open_all: bool = False, task_text: int = 60) -> str:
    """The linkage as a collapsible tree in document order: parts, their articles (each a link to
    its clause view, with its number of tasks), each task with its parties (guessed ones dashed)."""
    named = [r for r in models.PARTY_ROLES if r != "recipient"]
    by_article: dict[str, list[models.Task]] = {}
    shown = {p.id for p in provisions}
    for t in tasks:
        owner = next((c for c in containers(t.clause_id) if c in shown), None)
        by_article.setdefault(owner or doc.id, []).append(t)
    kids: dict[str, list[models.Provision]] = {}
    for p in provisions:
        if p.kind in ("part", "article", "preamble", "closing"):
            kids.setdefault(p.parent or doc.id, []).append(p)

    def count(pid: str) -> int:
        return len(by_article.get(pid, [])) + sum(count(k.id) for k in kids.get(pid, []))

    def task_line(t: models.Task) -> str:
        text = t.text if len(t.text) <= task_text else t.text[: task_text - 1] + "…"
        chips = "".join(party_chip(p) for p in t.parties if p.role in named) or '<span class="count">未明确责任单位</span>'
        return (f'<div class="task"><a href="{esc(clause_href(t.clause_id))}" target="_self">{esc(text)}</a> '
                f'→ {chips}</div>')

    def node(p: models.Provision) -> str:
        name = f"{p.marker or ''}{p.heading or ''}" if p.kind != "preamble" else labels.kind(p.kind)
        n = count(p.id)
        inner = "".join(node(k) for k in kids.get(p.id, [])) + "".join(task_line(t) for t in by_article.get(p.id, []))
        link = f'<a href="{esc(clause_href(p.id))}" target="_self">{esc(name or labels.kind(p.kind))}</a>'
        label = f'{link}<span class="count">任务 {n} 项</span>'
        if not inner:
            return f'<div class="leaf" style="margin-left:1.1rem">{label}</div>'
        return f'<details{" open" if open_all or p.kind == "part" else ""}><summary>{label}</summary>' \
               f'<div class="kids">{inner}</div></details>'

    top = "".join(node(p) for p in kids.get(doc.id, [])) + "".join(task_line(t) for t in by_article.get(doc.id, []))
    return f'<div class="pkb-tree"><div><b>《{esc(doc.title)}》</b><span class="count">任务 {len(tasks)} 项</span></div>{top}</div>'
