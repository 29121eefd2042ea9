"""Records → escaped HTML, tables and graphs for the app. Pure functions, no Streamlit.

Every piece of document text goes through :func:`esc` before it meets markup,
so a document containing ``<script>`` shows that text and runs nothing. Spans
(search highlights, entity evidence) are character offsets into the text they
mark; they are clipped, sorted and de-overlapped here so bad offsets can
never break the markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Sequence
from urllib.parse import quote

from kb import labels, models
from kb.models import task_year  # the 目标年份 column; the tasks page counts by it

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
.pkb-ent .pkb-ent-label{font-size:.65em;font-weight:700;margin-left:.35em;vertical-align:middle;
  text-transform:none;opacity:.85}
.pkb-ent.party{background:#d6eaff}
.pkb-ent.time{background:#ffe0b3}
.pkb-ent.target{background:#d9f2d9}
.pkb-ent.inferred{background:transparent;border:1px dashed #7aa7d9}
.pkb-ent.reference{background:#eef5ff;border:1px dotted #7aa7d9}
.pkb-legend span{margin-right:.6em}
</style>
"""


def esc(text: object) -> str:
    """HTML-escape anything (None → empty)."""
    return html.escape("" if text is None else str(text), quote=True)


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


def hit_card_html(hit: models.Hit, doc: models.Document | None, rank: int) -> str:
    """One search result card: badges, document and path, highlighted snippet."""
    title = doc.title if doc else hit.doc_id
    number = f"（{doc.doc_number}）" if doc and doc.doc_number else ""
    badges = level_badge(hit.level)
    if hit.status == "outline" or (doc is not None and doc.status == "outline"):
        badges += outline_badge()
    badges += badge(f"相关度 {hit.score:.2f}", "score")
    path = hit.label or (hit.heading or "")
    heading_spans = hit.heading_spans
    at = path.rfind(hit.heading) if hit.heading and heading_spans else -1
    path_html = mark_html(path, [(a + at, b + at) for a, b in heading_spans]) if at >= 0 else esc(path)
    return (f'<div class="pkb-card" data-hit-id="{esc(hit.id)}" data-rank="{rank}">'
            f'<div class="pkb-path">{badges}<b>《{esc(title)}》</b>{esc(number)}'
            f'{" · " + path_html if path else ""}</div>'
            f'<div class="pkb-text">{hit_snippet_html(hit)}</div></div>')


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
        parts.append(f'<mark class="pkb-ent {esc(e.cls)}" title="{esc(e.title)}">{esc(text[e.start:e.end])}'
                     f'<span class="pkb-ent-label">{esc(e.label or labels.ENTITY.get(e.cls, e.cls))}</span></mark>')
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


def document_html(provisions: Sequence[models.Provision], verified: dict | None = None) -> str:
    """The full text: parts and articles as headings with anchors, clauses as paragraphs.

    Each clause carries its own anchor and a ¶ link to its clause view. ``verified``
    (an outline's provision id → flag) adds a badge to each flagged heading.
    """
    verified = verified or {}
    out = ['<div class="pkb-doc">']
    for p in provisions:
        pid = esc(anchor(p.id))
        flag = verified_badge(verified[p.id]) if p.id in verified else ""
        if p.kind in ("part", "preamble", "closing"):
            title = f"{p.marker or ''}{p.heading or ''}" if p.kind == "part" else labels.kind(p.kind)
            out.append(f'<h3 id="{pid}">{esc(title)} {flag}</h3>')
        elif p.kind in ("article", "item"):
            tag = "h4" if p.kind == "article" else "h5"
            out.append(f'<{tag} id="{pid}">{esc(p.marker or "")}{esc(p.heading or "")} {flag}'
                       f'<a class="pkb-anchor" href="{esc(clause_href(p.id))}" target="_self" '
                       f'title="条款详情">¶</a></{tag}>')
        elif p.kind == "clause":
            out.append(f'<p class="pkb-clause" id="{pid}">{esc(p.text)}'
                       f'<a class="pkb-anchor" href="{esc(clause_href(p.id))}" target="_self" '
                       f'title="条款详情">¶</a></p>')
    out.append("</div>")
    return "".join(out)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def task_rows(tasks: Iterable[models.Task], doc_titles: dict[str, str]) -> list[dict]:
    """The 任务分解表 as rows with Chinese column names, worded as the export words them."""
    from kb import export

    rows = []
    for t in tasks:
        d = t.deadline
        rows.append({
            "任务编号": t.id,
            "文件": doc_titles.get(t.doc_id, t.doc_id),
            "出处": t.label or t.clause_id.split("#", 1)[-1],
            "任务内容": t.text,
            "牵头单位": export.lead_text(t),
            "配合单位": export.support_text(t),
            "完成时限": export.deadline_text(d),
            "目标年份": task_year(t),
            "量化目标": export.targets_text(t),
            "条款": t.clause_id,
        })
    return rows


# The roles of bodies the clause itself sets to work or names (主送 recipients are the document's).
NAMED_ROLES = tuple(r for r in models.PARTY_ROLES if r != "recipient")


def party_label(names: Iterable[str]) -> str:
    """One body written several ways (县水务局, 县水利局): every written name, most used first."""
    return "／".join(count_by(names))


def party_labels(tasks: Iterable[models.Task], roles) -> dict[str, str]:
    """Canonical name → the body's label (``party_label`` of the names it is written as in ``tasks``)."""
    written: dict[str, list[str]] = {}
    for t in tasks:
        for p in t.parties:
            if p.role in roles:
                written.setdefault(p.key, []).append(p.name)
    return {k: party_label(names) for k, names in written.items()}


def count_by_party(tasks: Iterable[models.Task], roles) -> dict[str, int]:
    """Tasks per body, grouped by canonical name and labelled with the names as written."""
    tasks = list(tasks)
    label = party_labels(tasks, roles)
    return count_by(label[k] for t in tasks for k in {p.key for p in t.parties if p.role in roles})


def count_by(values: Iterable[str | int | None]) -> dict[str, int]:
    """Counts of each value (None skipped), largest first."""
    counts: dict[str, int] = {}
    for v in values:
        if v is None or v == "":
            continue
        counts[str(v)] = counts.get(str(v), 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# ---------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------


def dot_str(s: str) -> str:
    """A DOT double-quoted string (quotes and backslashes escaped, newlines as \\n)."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def node_width(label: str, fontsize: float = 11) -> str:
    """A minimum node width in inches for ``label``: the in-browser Graphviz underestimates
    CJK text (it measures with Latin font metrics), so wide characters count a full em."""
    import unicodedata

    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in label)
    return f"{ems * fontsize / 72 + 0.3:.2f}"


def short(s: str, n: int = 18) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def graph_dot(doc: models.Document, provisions: Sequence[models.Provision],
              tasks: Sequence[models.Task] | None, cited: Sequence[tuple[str, str | None]] = (),
              max_tasks_per_article: int = 6, aggregate: bool = False) -> str:
    """DOT source of document → parts → articles → tasks → parties (and cited documents).

    ``tasks`` None means the task API is not there: the graph stops at articles.
    ``aggregate`` draws article → party edges labelled with the number of tasks
    instead of one node per task (for a whole document). ``cited`` is (label,
    resolved document id or None) of the documents it cites.
    """
    lines = ["digraph G {", "rankdir=LR;", 'node [shape=box, style="rounded,filled", fillcolor="#ffffff", '
             'fontname="Noto Sans CJK SC", fontsize=11];', 'edge [color="#999999"];']
    root = "doc"
    fill = "#fff7cc" if doc.status == "outline" else "#e3f0ff"
    title = short(doc.title, 24)
    lines.append(f"{root} [label={dot_str(title)}, width={node_width(title)}, fillcolor={dot_str(fill)}, "
                 f"tooltip={dot_str(doc.title)}];")
    ids = {}
    for i, p in enumerate(provisions):
        if p.kind not in ("part", "article"):
            continue
        ids[p.id] = f"p{i}"
        label = (p.marker or "") + short(p.heading or labels.kind(p.kind))
        color = "#f0f0f0" if p.kind == "part" else "#ffffff"
        lines.append(f"p{i} [label={dot_str(label)}, width={node_width(label)}, fillcolor={dot_str(color)}, "
                     f"tooltip={dot_str(p.label)}];")
        parent = ids.get(p.parent or "", root)
        lines.append(f"{parent} -> p{i};")
    if tasks is not None:
        party_nodes: dict[str, str] = {}  # canonical name → node (one node per body)
        per_article: dict[str, int] = {}
        edges: dict[tuple[str, str], list[bool]] = {}  # (article, party) → explicit? per task
        for j, t in enumerate(tasks):
            art = next((ids[a] for a in containers(t.clause_id) if a in ids), root)
            parties = [p for p in t.parties if p.role in NAMED_ROLES]
            if aggregate:
                for p in {p.key: p for p in parties}.values():
                    node = party_nodes.setdefault(p.key, f"q{len(party_nodes)}")
                    edges.setdefault((art, node), []).append(p.source == "explicit")
                continue
            per_article[art] = per_article.get(art, 0) + 1
            if per_article[art] > max_tasks_per_article:
                continue
            label = short(t.text, 16)
            lines.append(f"t{j} [label={dot_str(label)}, width={node_width(label)}, shape=note, "
                         f"fillcolor=\"#fafafa\", tooltip={dot_str(t.text)}];")
            lines.append(f"{art} -> t{j};")
            for p in parties:
                node = party_nodes.setdefault(p.key, f"q{len(party_nodes)}")
                style = "solid" if p.source == "explicit" else "dashed"
                lines.append(f"t{j} -> {node} [style={style}, label={dot_str(labels.role(p.role))}, "
                             "fontsize=9];")
        for (art, node), explicit in edges.items():
            style = "solid" if any(explicit) else "dashed"
            lines.append(f"{art} -> {node} [style={style}, label={dot_str(f'{len(explicit)}项')}, fontsize=9];")
        names = party_labels(tasks, NAMED_ROLES)
        for key, node in party_nodes.items():
            name = names[key]
            lines.append(f"{node} [label={dot_str(name)}, width={node_width(name)}, shape=ellipse, "
                         "fillcolor=\"#d6eaff\"];")
    for k, (label, resolved) in enumerate(cited):
        fill = "#e6f6e6" if resolved else "#eeeeee"
        name = "《" + short(label, 20) + "》"
        lines.append(f"c{k} [label={dot_str(name)}, width={node_width(name)}, fillcolor={dot_str(fill)}, "
                     f"tooltip={dot_str(label)}];")
        lines.append(f"{root} -> c{k} [style=dotted, label=\"引用\", fontsize=9];")
    lines.append("}")
    return "\n".join(lines)


def containers(provision_id: str) -> list[str]:
    """``d#part_3__art_5__cl_4`` → [``d#part_3__art_5``, ``d#part_3``] (innermost first)."""
    doc, _, path = provision_id.partition("#")
    steps = path.split("__")
    return [f"{doc}#{'__'.join(steps[:i])}" for i in range(len(steps) - 1, 0, -1)]
