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

``row_annotation`` turns a row into an ``Annotation`` (the same record a
bracketed （牵头单位：…；完成时限：…） gives), so a row's parties and deadline
reach its task exactly as an annotation's do; the spans of the non-task cells
are skipped when the running text is read. Parties are ``explicit``; their
evidence is the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kb.models import Party
from indexer import regexes as rx
from indexer.extract import lexicon as lx
from indexer.extract import parties as pt
from indexer.extract.patterns import CharMatch
from indexer.extract.times import interpret

ROLES = ("lead", "support", "owner", "deadline")


@dataclass
class Row:
    start: int  # absolute span of the row's paragraph
    end: int
    cells: list[tuple[int, int]]  # absolute spans of the cells' text
    roles: list[str]  # per cell: lead / support / owner / deadline / task / skip
    header: bool = False

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
    skip = lex.mapping("table_columns").get("skip", []) if "table_columns" in lex.words else []
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
    """Rows of the responsibility tables in ``text`` (normalised), header rows included."""
    if rx.TABLE_CELL not in text:
        return []
    out: list[Row] = []
    roles: list[str] | None = None
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if rx.TABLE_CELL not in line:
            roles = None  # a table ends at the first line that is not a row
            continue
        cells = _cells(text, m.start(), m.end())
        if _is_header(text, cells):
            roles = [column_role(text[s:e]) or "task" for s, e in cells]
            out.append(Row(m.start(), m.end(), cells, roles, header=True))
        elif roles is not None:
            row_roles = [roles[k] if k < len(roles) else "skip" for k in range(len(cells))]
            out.append(Row(m.start(), m.end(), cells, row_roles))
    return out


def _is_header(text: str, cells: list[tuple[int, int]]) -> bool:
    """A header row: short labels, no numbers, at least one naming parties or the deadline."""
    labels = [text[s:e] for s, e in cells]
    if any(re.search(r"\d", x) or len(x) > 12 for x in labels):
        return False
    return any(column_role(x) in ROLES for x in labels)


def row_annotation(row: Row, text: str, matches: list[CharMatch], doc_year: int | None) -> RowAnnotation:
    """A row's parties (by column) and deadline as an annotation; ``matches`` are the row's."""
    ann = RowAnnotation(row.start, row.end, text[row.start:row.end], row=row)
    has_lead = bool([c for c in row.cells_of("lead") if c[0] < c[1]])
    orgs = pt._prefer_orgs([m for m in matches if m.label in ("ORG", "PLACE")])
    for role in ("lead", "owner", "support"):
        for s, e in row.cells_of(role):
            if s >= e:
                continue
            r = "support" if role == "owner" and has_lead else ("lead" if role == "owner" else role)
            for name, ns, ne, marked in pt._names_in(text, s, e, [m for m in orgs if s <= m.start < e]):
                ann.parties.append(Party(name, "lead" if marked else r, "explicit", text[s:e], s, e))
    open_words = lx.load().mapping("open_deadlines")
    for s, e in row.cells_of("deadline"):
        if s >= e:
            continue
        ann.deadline_text = text[s:e]
        times = [interpret(m, doc_year) for m in matches if m.label == "TIME" and s <= m.start < e]
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
