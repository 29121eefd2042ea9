"""The 任务分解表 (task breakdown table): its rows, CSV or XLSX, and the Chinese wording of task fields.

    from kb import open_kb
    from kb.export import breakdown, export_tasks
    kb = open_kb()
    export_tasks(kb, breakdown(kb, doc="yangzhou-2024-118"), "xlsx", "任务分解表.xlsx")

:func:`breakdown` is the one reader of the table's rows: the CLI's export and the app's 任务 page
both call it. A row is a task, or a clause that states dated targets but carries no task
(到2027年，细颗粒物…，断面水质…95%…); ``Row.kind`` says which, and so does the 类型 column.

Columns: 序号, 任务, 牵头单位, 配合单位, 完成时限, 目标, 出处, 类型. 牵头单位 lists the
explicit leads, or the owners (the bodies the text sets to work) when no lead
is named; owners beside a lead go to 配合单位. A party that is
not written in the text says so in its cell: 市生态环境局（推断：碳排放权市场） is an
inference from the topic table, 主送 bodies are inherited from the document's
addressees, and a task with no responsible party reads 未明确; a generic name the issuer's own
body was inferred from reads 生态环境部门（泛称，推断为市生态环境局）. Names are as the
document writes them (县水务局, not the canonical 县水利局); a body the text refers
to as 该局/其 reads 县水务局（原文作“该局”）. 出处 is the
official-style citation of the source clause (``KB.citation``).

The ``*_text`` helpers are shared with the CLI's readable output.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from kb import models
from kb.errors import ExportError

COLUMNS = ("序号", "任务", "牵头单位", "配合单位", "完成时限", "目标", "出处", "类型")
# Row kinds and how the table names them (类型 column, the app's badge).
ROW_KINDS = {"task": "任务", "target": "目标条款（未分解任务）"}
FORMATS = ("csv", "xlsx")
NONE = "—"


@dataclass(frozen=True)
class Row:
    """One row of the 任务分解表. ``kind`` is ``"task"`` (``task`` is a task of the KB) or
    ``"target"``: a clause stating dated targets with no task, carried as a task-shaped record
    whose ``text`` is the clause, ``targets`` its dated targets, ``deadline`` their year (源自目标
    年份) and no party, so every column reads as for a task (牵头单位 未明确)."""

    kind: str
    task: models.Task

    @property
    def label(self) -> str:
        return ROW_KINDS[self.kind]


def _target_rows(kb, doc: str | None, year: int | None) -> list[Row]:
    """Clauses that state dated targets but carry no task, one row per clause."""
    with_task = {t.clause_id for t in kb.tasks(doc=doc)}
    by_clause: dict[str, list[models.Target]] = {}
    for g in kb.targets(doc=doc, year=year):
        if g.year and g.clause_id not in with_task:
            by_clause.setdefault(g.clause_id, []).append(g)
    rows = []
    for clause_id, targets in by_clause.items():
        p = kb.provision(clause_id)
        years = sorted({g.year for g in targets})
        # a year no target of the clause writes (全年…: the document's year) is said to be inferred
        written = {g.year for g in targets if not g.year_inferred}
        rows.append(Row("target", models.Task(
            id=clause_id, clause_id=clause_id, doc_id=p.doc_id, article_no=p.article_no, item_no=p.item_no,
            text=p.text, targets=tuple(targets), label=p.label,
            deadline=models.Deadline(year=years[0], month=None, source="explicit",
                                     text="、".join(f"{y}年" + ("" if y in written else "（推断）")
                                                   for y in years) + "（目标年份）"))))
    return rows


def breakdown(kb, doc: str | None = None, party: str | None = None, year: int | None = None,
              role: str | None = None) -> list[Row]:
    """The rows of the 任务分解表, in document order: the tasks (``KB.tasks`` filters) and, unless a
    party or role is asked for (a target row names none), the clauses stating dated targets of
    ``year`` (any year when None) without a task."""
    rows = [Row("task", t) for t in kb.tasks(doc=doc, party=party, year=year, role=role)]
    extra = [] if party or role else _target_rows(kb, doc, year)
    if not extra:
        return rows
    docs = {r.task.doc_id for r in rows} | {r.task.doc_id for r in extra}
    order = {p.id: i for d in docs for i, p in enumerate(kb.provisions(d))}
    seq = {d.id: i for i, d in enumerate(kb.documents())}
    return sorted([*rows, *extra], key=lambda r: (seq.get(r.task.doc_id, 0), order.get(r.task.clause_id, 0)))


def as_rows(items: Iterable[Row | models.Task]) -> list[Row]:
    """Rows from :func:`breakdown`, or plain tasks (each a task row)."""
    return [i if isinstance(i, Row) else Row("task", i) for i in items]


def written(p: models.Party) -> str:
    """A party's name as written, and, for a generic name taken to be the issuer's own body,
    that inference: 生态环境部门（泛称，推断为市生态环境局）."""
    return f"{p.name}（泛称，推断为{p.canonical}）" if p.canonical_inferred else p.name


def _names(parties, roles, source="explicit") -> list[str]:
    return list(dict.fromkeys(written(p) for p in parties if p.role in roles and p.source == source))


def _written(parties, roles) -> list[str]:
    """Explicit names as written, then bodies read through a reference: 县水务局（原文作“该局”）."""
    out = _names(parties, roles)
    out += [n for n in dict.fromkeys(f"{p.name}（原文作“{p.anaphor}”）" for p in parties
                                     if p.role in roles and p.source == "resolved") if n not in out]
    return out


def lead_text(t: models.Task) -> str:
    """牵头单位: explicit (or resolved) leads, else owners; else the inferred lead; else the 主送;
    else 未明确. Names are as the document writes them; a body read through 该局/其 says so."""
    names = _written(t.parties, ("lead",)) or _written(t.parties, ("owner",))
    if names:
        return "、".join(names)
    inferred = [p for p in t.parties if p.source == "inferred" and p.role == "lead"]
    if inferred:
        return "、".join(f"{p.name}（推断：{p.evidence}）" for p in inferred)
    inherited = _names(t.parties, ("recipient",), "inherited")
    if inherited:
        return "未明确（主送：" + "、".join(inherited) + "）"
    return "未明确"


def support_text(t: models.Task) -> str:
    """配合单位: explicit support, and the owners of a task that also names a lead."""
    names = _written(t.parties, ("support",))
    if _written(t.parties, ("lead",)):
        names += [n for n in _written(t.parties, ("owner",)) if n not in names]
    inferred = [f"{p.name}（推断：{p.evidence}）" for p in t.parties
                if p.source == "inferred" and p.role == "support"]
    return "、".join(names + inferred) or NONE


def deadline_text(d: models.Deadline | None) -> str:
    """完成时限 as written (到2027年, 2026年6月底前, 每季度), or the inherited stage years."""
    if d is None:
        return "未明确"
    if d.source == "inherited":
        years = "、".join(str(y) for y in d.stages)
        return f"未明确（文件阶段目标年：{years}）" if years else "未明确"
    text = d.text
    if d.year_inferred:  # 全年 in a 2026 工作要点: the document's year, not a written deadline
        text = f"{text}（{d.year}年，推断）"
    if d.recurring and d.recurring not in text:
        text = f"{text}（{d.recurring}）"
    return text


def target_text(t: models.Target) -> str:
    """国省考断面水质优良比例95%左右（2027年）; a year read from the document, not written at the
    target: （2026年，推断）."""
    year = (f"（{t.year}年，推断）" if t.year_inferred else f"（{t.year}年）") if t.year else ""
    return f"{t.text}{year}"


def targets_text(t: models.Task) -> str:
    return "；".join(target_text(x) for x in t.targets) or NONE


def rows(kb, items: Sequence[Row | models.Task]) -> list[list]:
    """The table rows (without the header), citations looked up once per clause."""
    cites: dict[str, str] = {}
    out = []
    for i, r in enumerate(as_rows(items), 1):
        t = r.task
        if t.clause_id not in cites:
            cites[t.clause_id] = kb.citation(t.clause_id)
        out.append([i, t.text, lead_text(t), support_text(t), deadline_text(t.deadline),
                    targets_text(t), cites[t.clause_id], r.label])
    return out


# A spreadsheet reads a cell starting with one of these as a formula (=, and +, -, @ after which
# Excel inserts the =); tab and CR start the same in some importers. OWASP's "CSV injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell that a spreadsheet shows as the text it is: text that would start a formula
    gets a leading apostrophe (the spreadsheet convention for "this is text"). In .xlsx the cell
    type says text instead, so the value is written unchanged there."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _check_path(path: Path) -> None:
    if path.exists() and path.is_dir():
        raise ExportError(f"--output {path}: is a folder; give a file name such as {path / '任务分解表.xlsx'}")
    if not path.parent.exists():
        raise ExportError(f"--output {path}: the folder {path.parent} does not exist; create it first "
                          "or write somewhere else")


def export_tasks(kb, items: Sequence[Row | models.Task], fmt: str, path) -> Path:
    """Write the 任务分解表 of ``items`` (:func:`breakdown` rows, or tasks) as ``fmt`` (csv|xlsx) to
    ``path``; returns the path."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ExportError(f"--format '{fmt}' is not supported; use one of {', '.join(FORMATS)}")
    path = Path(path)
    _check_path(path)
    table = rows(kb, items)
    try:
        if fmt == "csv":
            # UTF-8 with BOM so that Excel opens the Chinese text correctly.
            with path.open("w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                w.writerow(COLUMNS)
                w.writerows([[csv_cell(v) for v in row] for row in table])
        else:
            _write_xlsx(path, table)
    except PermissionError:
        raise ExportError(f"--output {path}: permission denied; close the file if it is open in "
                          "Excel, or write somewhere else") from None
    except OSError as e:
        raise ExportError(f"--output {path}: cannot write ({e.strerror}); write somewhere else") from None
    return path


def _write_xlsx(path: Path, table: list[list]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    ws.append(list(COLUMNS))
    for row in table:
        ws.append(row)
    widths = {"A": 6, "B": 60, "C": 26, "D": 30, "E": 18, "F": 40, "G": 50, "H": 14}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula (openpyxl makes "=…" one)
    ws.freeze_panes = "A2"
    wb.save(path)
