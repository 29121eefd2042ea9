"""Responsibility tables (任务分工表, 重点任务清单): a row → its task cells, parties and deadline.

A table reaches the extractor as one paragraph per row with cells separated by
``｜`` (``indexer.normalize`` guarantee 6)::

    序号｜重点任务｜牵头单位｜配合单位｜完成时限
    1｜完成5家钢铁、水泥企业超低排放改造｜区生态环境局｜区工信局、区发展改革委｜2025年10月底前

The header row names the columns. A column whose label starts with an
annotation label of ``extract_lexicon.yaml`` (牵头单位, 配合单位, 责任单位,
完成时限 …) holds parties of that role or the deadline; 序号/备注 columns
(``table_columns``) are ignored; every other column holds the task. A table
whose header names no party or deadline column is not a responsibility table
and its rows are read as ordinary text.

A table whose header has year columns (指标｜单位｜2025年｜2027年, 2027年目标值) is a
table of targets: each row gives its indicator a value per year (``row_targets``);
baseline columns (基准值, 2023年（现状）) are not targets. A 责任单位/牵头单位 column beside the
years makes each row a task of those units, as in a responsibility table.

``row_annotation`` turns a row into an ``Annotation`` (the same record a
bracketed （牵头单位：…；完成时限：…） gives), so a row's parties and deadline
reach its task exactly as an annotation's do; the spans of the non-task cells
are skipped when the running text is read. Parties are ``explicit``; their
evidence is the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kb.models import Party
from indexer import regexes as rx
from indexer.extract import lexicon as lx
from indexer.extract import parties as pt
from indexer.extract.patterns import CharMatch
from indexer.extract.times import due_date, interpret

ROLES = ("lead", "support", "responsible", "owner", "deadline")


@dataclass
class Row:
    start: int  # absolute span of the row's paragraph
    end: int
    cells: list[tuple[int, int]]  # absolute spans of the cells' text
    roles: list[str]  # per cell: lead / support / responsible / deadline / task / skip; in a table of
    # targets: indicator / unit / year / skip
    header: bool = False
    kind: str = "tasks"  # tasks | targets
    years: list[int | None] = field(default_factory=list)  # targets: the year of each column

    def cells_of(self, role: str) -> list[tuple[int, int]]:
        return [c for c, r in zip(self.cells, self.roles) if r == role]


@dataclass
class RowAnnotation(pt.Annotation):
    """The parties and deadline a table row gives its task (not an annotation of the text
    around it: it never speaks for the article or item that holds the table)."""

    row: Row | None = field(default=None, repr=False)


@lru_cache(maxsize=1)
def _labels() -> tuple[list[tuple[str, str]], list[str]]:
    lex = lx.load()
    labels = [(w, role) for role, words in lex.mapping("annotation_labels").items() for w in words]
    labels.sort(key=lambda x: -len(x[0]))
    skip = lex.mapping("table_columns").get("skip", [])
    return labels, lx.longest_first(skip)


def column_role(label: str) -> str | None:
    """The role of a column from its header cell, or None (a task column)."""
    s = re.sub(r"\s+", "", label)
    labels, skip = _labels()
    for w, role in labels:
        if s.startswith(w):
            return role
    if any(s.startswith(w) for w in skip):
        return "skip"
    return None


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, a = [], start
    for i in range(start, end + 1):
        if i == end or text[i] == rx.TABLE_CELL:
            s, e = a, i
            while s < e and text[s] == " ":
                s += 1
            while e > s and text[e - 1] == " ":
                e -= 1
            out.append((s, e))
            a = i + 1
    return out


def table_rows(text: str) -> list[Row]:
    """Rows of the responsibility tables and tables of targets in ``text`` (normalised),
    header rows included."""
    if rx.TABLE_CELL not in text:
        return []
    out: list[Row] = []
    head: Row | None = None
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if rx.TABLE_CELL not in line:
            # a table ends at the first line that is not a row, unless it is a group row
            # (（一）农业节水, one cell across the table) with another row after it
            nxt = re.match(r"\n*([^\n]*)", text[m.end():]).group(1)
            if not (head is not None and rx.TABLE_GROUP_LINE.match(line) and rx.TABLE_CELL in nxt):
                head = None
            continue
        cells = _cells(text, m.start(), m.end())
        years = _year_columns(text, cells)
        if _is_header(text, cells):
            head = Row(m.start(), m.end(), cells, [column_role(text[s:e]) or "task" for s, e in cells], True)
            out.append(head)
        elif years:
            labels = [text[s:e] for s, e in cells]
            # a party column beside the years (…｜2028年｜责任单位) names who answers for the row's targets
            roles = ["year" if y else ("unit" if _is_unit_label(x) else
                                       column_role(x) if column_role(x) in ROLES[:-1] else "skip")
                     for x, y in zip(labels, years)]
            # the indicator: the first column that is not a year, the unit, 序号/备注 or a baseline
            first = next((k for k, r in enumerate(roles) if r == "skip" and column_role(labels[k]) != "skip"
                          and not _is_baseline(labels[k])), None)
            if first is None:
                head = None
                continue
            roles[first] = "indicator"
            head = Row(m.start(), m.end(), cells, roles, True, "targets", years)
            out.append(head)
        elif head is not None:
            roles = [head.roles[k] if k < len(head.roles) else "skip" for k in range(len(cells))]
            years = [head.years[k] if k < len(head.years) else None for k in range(len(cells))] if head.years else []
            out.append(Row(m.start(), m.end(), cells, roles, False, head.kind, years))
    return out


def _is_header(text: str, cells: list[tuple[int, int]]) -> bool:
    """The header of a responsibility table: short labels, no numbers, at least one naming
    parties or the deadline."""
    labels = [text[s:e] for s, e in cells]
    if any(re.search(r"\d", x) or len(x) > 12 for x in labels):
        return False
    return any(column_role(x) in ROLES for x in labels)


_YEAR_CELL = re.compile(r"^(?:[^\d]{0,8})?(?P<year>(?:19|20)\d{2})\s*年?(?:[^\d]{0,8})?$")
_BASELINE = re.compile(r"基准|基期|基线|现状|基数|当前|实际|完成值|基础值|上年")


def _is_baseline(s: str) -> bool:
    return bool(_BASELINE.search(s))


def _is_unit_label(s: str) -> bool:
    return re.sub(r"\s+", "", s) in _unit_labels()


@lru_cache(maxsize=1)
def _unit_labels() -> frozenset[str]:
    return frozenset(lx.load().mapping("table_columns").get("unit", []))


def _year_columns(text: str, cells: list[tuple[int, int]]) -> list[int | None]:
    """The header of a table of targets: the year each column stands for (2025年, 2027年目标值,
    目标值（2025年）), or [] when no column is a target year or a cell holds a number of its own."""
    years: list[int | None] = []
    for s, e in cells:
        cell = text[s:e]
        m = _YEAR_CELL.match(cell)
        if m and not _is_baseline(cell):
            years.append(int(m["year"]))
        elif m:
            years.append(None)  # 2024年（现状值）: the baseline, not a target
        elif re.search(r"\d", cell):
            return []  # a data row (or a baseline year column): not a header
        else:
            years.append(None)
    return years if any(years) and len(cells) >= 2 else []


_VALUE = re.compile(
    r"^(?P<pre>[≤≥<>≦≧＜＞]|不低于|不少于|不高于|不超过|低于|高于|约)?\s*(?P<value>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>%|‰|(?!及以|以上|以下|以内|左右)[\u4e00-\u9fff/]{1,6}?)?\s*(?P<post>及以上|以上|及以下|以下|以内|左右)?$")
_PRE_QUALIFIER = {"≤": "以下", "≦": "以下", "≥": "以上", "≧": "以上", "<": "低于", "＜": "低于", ">": "高于",
                  "＞": "高于", "约": "左右"}


def row_targets(row: Row, text: str, doc_year: int | None = None) -> list[dict]:
    """The targets of one row of a table of targets: indicator, value, unit, qualifier and year
    per year column (as ``indexer.extract.targets.FoundTarget`` fields). A year before the
    document's own (2025年 in a 2026 plan beside 2027年) is where things stand, not a target."""
    ind = next((c for c, r in zip(row.cells, row.roles) if r == "indicator"), None)
    if ind is None or ind[0] >= ind[1]:
        return []
    indicator = text[ind[0]:ind[1]]
    unit = None
    m = re.search(r"[（(]([^（）()]{1,12})[）)]$", indicator)
    if m:  # PM2.5年均浓度（微克/立方米）
        unit, indicator = m.group(1), indicator[:m.start()].strip()
    unit_cell = next((c for c, r in zip(row.cells, row.roles) if r == "unit"), None)
    if unit_cell and unit_cell[0] < unit_cell[1] and re.search(r"[^\s—–\-－/／]", text[unit_cell[0]:unit_cell[1]]):
        unit = text[unit_cell[0]:unit_cell[1]]  # not —, /: no unit
    pre_words = lx.load().mapping("pre_qualifiers")
    post_words = lx.load().mapping("post_qualifiers")
    out = []
    for (s, e), role, year in zip(row.cells, row.roles, row.years or [None] * len(row.cells)):
        if role != "year" or s >= e or year is None or (doc_year and year < doc_year < max(y or 0 for y in row.years)):
            continue
        cell = text[s:e].replace(" ", "")
        v = _VALUE.match(cell)
        if v:
            raw = v["value"]
            value: float | int | str = float(raw) if "." in raw else int(raw)
            pre, post = v["pre"], v["post"]
            qualifier = (post_words.get(post, post) if post else
                         _PRE_QUALIFIER.get(pre) or (pre_words.get(pre) if pre else None))
            kind, u = "number", v["unit"] or unit
        elif re.fullmatch(r"劣?(?:Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|I{1,3}|IV|V)类(?:及以上|以上)?", cell):
            value, qualifier, kind, u = cell.replace("及以上", "").replace("以上", ""), None, "class", None
        elif cell in lx.load().words.get("coverage_words", []):
            value, qualifier, kind, u = cell, None, "coverage", None
        else:
            continue  # —, /, 待定, 完成省下达任务 …
        out.append(dict(indicator=indicator, value=value, unit=u, qualifier=qualifier, year=year,
                        year_source="explicit", verb=None, kind=kind, start=ind[0], end=e, text=text[ind[0]:e]))
    return out


# A cell that labels its units itself: 牵头：县住建局；配合：各镇人民政府, or says it in words:
# 市发展改革委牵头，市交通运输局、市商务局配合.
_CELL_LABEL = re.compile(r"(?:牵头|配合|协办|参与)(?:单位|部门)?[：:]|牵头[，,；;]|(?:配合|协办|参与|协助)$")


def row_annotation(row: Row, text: str, matches: list[CharMatch], doc_year: int | None) -> RowAnnotation:
    """A row's parties (by column) and deadline as an annotation; ``matches`` are the row's."""
    ann = RowAnnotation(row.start, row.end, text[row.start:row.end], row=row)
    has_lead = bool([c for c in row.cells_of("lead") if c[0] < c[1]])
    # A lone 责任单位 column lists its units as a bare list does: all lead, unless the document
    # says 列第一位者为牵头 (``parties.apply_first_listed``); a mark or a label in the cell decides.
    ann.bare = not has_lead
    orgs = pt.prefer_orgs([m for m in matches if m.label in ("ORG", "PLACE")])
    for role in ("lead", "responsible", "owner", "support"):
        for s, e in row.cells_of(role):
            if s >= e:
                continue
            # 责任单位 beside a 牵头单位 column supports; alone, it names the leads
            r = ("support" if has_lead else "lead") if role == "responsible" else role
            cell_orgs = [m for m in orgs if s <= m.start < e]
            labelled = pt.parse_annotations(f"（{text[s:e]}）", s - 1, cell_orgs, doc_year) \
                if _CELL_LABEL.search(text, s, e) else []
            if any(a.parties for a in labelled):  # 牵头：县住建局；配合：各镇人民政府 in one cell
                ann.bare = False
                for a in labelled:
                    for party, span in zip(a.parties, a.name_spans):
                        ann.parties.append(replace(party, evidence=text[s:e], start=s, end=e))
                        ann.name_spans.append(span)
                continue
            names = pt.names_in(text, s, e, cell_orgs)
            any_marked = any(mk for *_, mk in names)
            ann.bare = ann.bare and role == "responsible" and not any_marked
            for name, canonical, ns, ne, marked in names:
                # 县水利局（牵头）、县财政局: the marked name leads, the others beside it support
                got = "lead" if marked else ("support" if any_marked and r == "lead" else r)
                ann.parties.append(Party(name, got, "explicit", text[s:e], s, e, canonical=canonical))
                ann.name_spans.append((ns, ne))
    open_words = lx.load().mapping("open_deadlines")
    for s, e in row.cells_of("deadline"):
        if s >= e:
            continue
        ann.deadline_text = text[s:e]
        times = [due_date(interpret(m, doc_year)) for m in matches if m.label == "TIME" and s <= m.start < e]
        times = [t for t in times if t.is_deadline or t.kind == "recurring"]
        if times:
            ann.deadline = times[0]
        else:
            ann.open_deadline = next((v for k, v in open_words.items() if k in text[s:e]), None)
        break
    return ann


def skipped_cells(row: Row) -> list[tuple[int, int]]:
    """Spans of a row that are not its task: party, deadline and 序号 cells (with the separator
    before each, so nothing in them is read as running text)."""
    return [(max(row.start, s - 1), e) for (s, e), r in zip(row.cells, row.roles) if r != "task"]
