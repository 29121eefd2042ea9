"""Exports never turn document text into spreadsheet formulas (issue 17, "CSV injection").

A clause that starts with = + - @ (or a tab/CR) is written to .xlsx as a text cell, value
unchanged, and to .csv with a leading apostrophe (the spreadsheet convention for text).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from indexer.build import build
from kb import open_kb
from kb.export import FORMULA_STARTS, csv_cell, export_tasks

TEXT = """湖东县人民政府关于加强河湖管理的通知
东政发〔2025〕3号
各乡镇人民政府，县各有关部门：
为加强河湖管理，现就有关事项通知如下。
一、加强河湖管理
（一）强化考核。=HYPERLINK("http://198.51.100.7/x","点击")县水利局要完成考核任务，到2026年底前完成。
（二）开展整治。-2+3县生态环境局要开展整治行动，到2027年完成。
（三）加强宣传。@SUM(1+1)县委宣传部要组织宣传活动，每年开展一次。
（四）落实经费。+1县财政局要保障巡查经费，到2026年落实到位。
湖东县人民政府
2025年3月1日
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    base = tmp_path_factory.mktemp("formulas")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "formula-test.txt").write_text(TEXT, encoding="utf-8")
    build(corpus, base / "home", progress=None)
    return open_kb(base / "home")


def risky(kb) -> list[str]:
    texts = [t.text for t in kb.tasks()]
    out = [t for t in texts if t.startswith(FORMULA_STARTS)]
    assert len(out) >= 3, texts  # the document really hands the exporter formula-like text
    return out


def test_xlsx_cells_are_text_with_the_text_unchanged(kb, tmp_path):
    from openpyxl import load_workbook

    path = export_tasks(kb, kb.tasks(), "xlsx", tmp_path / "t.xlsx")
    ws = load_workbook(path).active
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for text in risky(kb):
        assert text in cells, text
        assert cells[text].data_type == "s", text
    with pytest.raises(StopIteration):  # no formula anywhere in the sheet
        next(c for row in ws.iter_rows() for c in row if c.data_type == "f")


def test_csv_cells_start_with_an_apostrophe(kb, tmp_path):
    path = export_tasks(kb, kb.tasks(), "csv", tmp_path / "t.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        cells = [c for row in list(csv.reader(f))[1:] for c in row]
    for text in risky(kb):
        assert "'" + text in cells and text not in cells
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize("value, out", [("=1+1", "'=1+1"), ("+86", "'+86"), ("-x", "'-x"), ("@a", "'@a"),
                                        ("\tx", "'\tx"), ("\rx", "'\rx"), ("到2027年", "到2027年"), (3, 3)])
def test_csv_cell(value, out):
    assert csv_cell(value) == out
