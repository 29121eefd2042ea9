"""The tasks / targets / eval-extract commands, in process, against a KB built from a small corpus."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from kb import open_kb
from policykb.cli import main
from kb.export import COLUMNS, ROW_KINDS, breakdown, export_tasks

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    for name in ("yangzhou-2024-118.txt", "yangzhou-2024-118.meta.yaml"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    shutil.copy(ROOT / "tests" / "fixtures" / "county-plan.txt", corpus / "county-plan.txt")
    # No 主送 and no topic keyword: its tasks have no party at all.
    (corpus / "notice.txt").write_text(
        "关于做好档案整理工作的通知\n\n一、工作任务\n\n（一）开展档案整理。完成档案整理。"
        "加强日常检查。\n\n某某单位\n\n2024年1月2日\n", encoding="utf-8")
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("POLICYKB_HOME", str(home))
    assert main(["build", "--corpus", str(corpus), "--quiet"]) == 0
    yield home
    mp.undo()


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_tasks_json_shape(home, capsys):
    tasks = run_json(capsys, "tasks")
    assert len(tasks) > 100
    required = {"id", "clause_id", "doc_id", "article_no", "item_no", "text", "parties", "deadline", "targets"}
    for t in tasks:
        assert required <= set(t)
        assert isinstance(t["unassigned"], bool)
        for p in t["parties"]:
            assert {"name", "role", "source", "evidence"} <= set(p)
            assert p["role"] in ("lead", "support", "owner", "recipient", "mentioned")
            assert p["source"] in ("explicit", "inferred", "inherited", "resolved")
            assert p["canonical"]
        if t["deadline"]:
            assert {"year", "month", "text", "source"} <= set(t["deadline"])


def test_tasks_filters(home, capsys):
    county = run_json(capsys, "tasks", "--doc", "county-plan")
    assert county and {t["doc_id"] for t in county} == {"county-plan"}
    # An alias finds the canonical name: 发改委 → 县发展改革委; names stay as written (县发改委).
    dev = run_json(capsys, "tasks", "--party", "发改委", "--doc", "county-plan")
    assert dev and all(any("发展改革委" in p["canonical"] for p in t["parties"]) for t in dev)
    assert {"县发改委", "县发展改革委"} <= {p["name"] for t in dev for p in t["parties"]}
    leads = run_json(capsys, "tasks", "--party", "县水利局", "--role", "lead")
    assert {t["item_no"] for t in leads} == {4, 5, 6}  # 6: 责任单位 names it first
    y2027 = run_json(capsys, "tasks", "--year", "2027")
    assert y2027
    for t in y2027:
        years = {t["deadline"]["year"]} if t["deadline"] and t["deadline"]["source"] == "explicit" else set()
        years |= {x["year"] for x in t["targets"]}
        assert 2027 in years
    # Inherited stage years do not match --year.
    y2030 = run_json(capsys, "tasks", "--year", "2030", "--doc", "yangzhou-2024-118")
    assert len(y2030) == 1 and "淮河流域" in y2030[0]["text"]


def test_targets_json(home, capsys):
    targets = run_json(capsys, "targets", "--doc", "yangzhou-2024-118", "--year", "2027")
    got = {(t["indicator"], t["value"], t["unit"], t["qualifier"]) for t in targets}
    assert got == {("细颗粒物平均浓度", None, None, "优于国家目标"), ("国省考断面水质优良比例", 95, "%", "左右"),
                   ("受污染耕地安全利用率", 94, "%", "以上"), ("宝应湖水质", "Ⅲ类", None, "稳定达到")}
    for t in targets:
        assert {"doc_id", "clause_id", "article_no", "year", "indicator", "value", "unit", "qualifier",
                "text"} <= set(t)


def test_readable_output_is_chinese(home, capsys):
    code, out, _ = run(capsys, "tasks", "--doc", "county-plan", "--party", "县水利局")
    assert code == 0
    assert "牵头：县水利局" in out and "时限：" in out and "共 " in out
    code, out, _ = run(capsys, "targets", "--doc", "yangzhou-2024-118")
    assert "宝应湖水质" in out and "共 8 项目标" in out


def test_unassigned_shown(home, capsys):
    tasks = run_json(capsys, "tasks", "--doc", "notice")
    assert tasks and all(t["unassigned"] and t["parties"] == [] for t in tasks)
    code, out, _ = run(capsys, "tasks", "--doc", "notice")
    assert out.count("责任单位：未明确（unassigned）") == len(tasks)


def test_export_csv(home, capsys, tmp_path):
    out = tmp_path / "任务分解表.csv"
    code, stdout, err = run(capsys, "tasks", "--doc", "county-plan", "--format", "csv", "--output", str(out))
    assert code == 0, err
    assert "已导出任务分解表" in stdout
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == COLUMNS
    first = next(r for r in rows[1:] if r[-1] == ROW_KINDS["task"])
    assert first[2] == "县生态环境局" and "县工业和信息化局" in first[3]
    assert first[4] == "2025年底前（每季度）"
    assert first[6].startswith("《宝应县人民政府关于全面推进美丽宝应建设的实施方案》（宝政发〔2024〕86号）")
    assert "第1项" in first[6]


def test_export_holds_the_dated_targets_without_a_task_as_the_app_does(home, capsys, tmp_path):
    """（五） of the seed states 2027 targets (细颗粒物, 断面水质 95%, 耕地 94%) that no task carries:
    the export lists them as rows of their own kind, the same rows the app's 任务分解表 shows."""
    out = tmp_path / "t.csv"
    n = run_json(capsys, "tasks", "--doc", "yangzhou-2024-118", "--year", "2027", "--format", "csv",
                 "--output", str(out))
    kb = open_kb()
    tasks = kb.tasks(doc="yangzhou-2024-118", year=2027)
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))[1:]
    kinds = [r[COLUMNS.index("类型")] for r in rows]
    assert kinds.count(ROW_KINDS["task"]) == len(tasks) == n["tasks"]
    assert kinds.count(ROW_KINDS["target"]) == n["target_rows"] > 0 and n["rows"] == len(rows)
    targets = "\n".join(r[COLUMNS.index("目标")] for r in rows if r[-1] == ROW_KINDS["target"])
    assert "细颗粒物" in targets and "95%" in targets and "94%" in targets
    assert all(r[COLUMNS.index("牵头单位")] == "未明确" for r in rows if r[-1] == ROW_KINDS["target"])
    assert all("2027年" in r[COLUMNS.index("完成时限")] for r in rows if r[-1] == ROW_KINDS["target"])
    # one reader: the exported rows are breakdown()'s, in its order (document order)
    assert [r[1] for r in rows] == [x.task.text for x in breakdown(kb, doc="yangzhou-2024-118", year=2027)]
    # a target row names no party: asking for a party or a role leaves only tasks
    n = run_json(capsys, "tasks", "--doc", "yangzhou-2024-118", "--role", "lead", "--format", "csv",
                 "--output", str(out))
    assert n["target_rows"] == 0 and n["tasks"] == len(kb.tasks(doc="yangzhou-2024-118", role="lead"))
    code, stdout, _ = run(capsys, "tasks", "--doc", "yangzhou-2024-118", "--format", "csv", "--output", str(out))
    assert code == 0 and f"条{ROW_KINDS['target']}" in stdout


def test_export_xlsx(home, tmp_path):
    from openpyxl import load_workbook

    kb = open_kb()
    tasks = kb.tasks(doc="yangzhou-2024-118")
    path = export_tasks(kb, tasks, "xlsx", tmp_path / "t.xlsx")
    ws = load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert tuple(header) == COLUMNS
    assert ws.max_row == len(tasks) + 1
    cells = {ws.cell(row=i, column=3).value for i in range(2, ws.max_row + 1)}
    assert any("（推断：" in c for c in cells)  # inferred leads say so
    # the closing clause: 由其汇总 — the body 其 stands for does the collecting itself (an owner beside
    # the lead, 市生态文明建设领导小组, so under 配合单位), and the table says what the text wrote
    row = next(i for i in range(2, ws.max_row + 1) if "由其汇总" in ws.cell(row=i, column=2).value)
    assert ws.cell(row=row, column=3).value == "市生态文明建设领导小组"
    assert "市生态环境局（原文作“其”）" in ws.cell(row=row, column=4).value
    cites = [ws.cell(row=i, column=7).value for i in range(2, ws.max_row + 1)]
    assert all(c.startswith("《市政府关于全面推进美丽扬州建设的实施意见》（扬府发〔2024〕118号）") for c in cites)


def test_parties_list(home):
    parties = open_kb().parties()
    assert parties == sorted(parties)
    assert "市生态文明建设领导小组" in parties and "县水利局" in parties


@pytest.mark.parametrize("argv,message", [
    (["tasks", "--format", "xlsx"], "--format and --output go together"),
    (["tasks", "--output", "x.xlsx"], "--format and --output go together"),
    (["tasks", "--doc", "nope"], "no document 'nope'"),
    (["tasks", "--format", "xlsx", "--output", "/nonexistent-dir/x.xlsx"], "does not exist"),
    (["tasks", "--year", "abc"], "invalid int value"),
    (["eval-extract", "missing.jsonl"], "no such gold file"),
])
def test_errors_are_one_line(home, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code != 0
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


def test_eval_extract_json(home, capsys):
    out = run_json(capsys, "eval-extract", str(ROOT / "eval" / "extract_gold.jsonl"))
    assert out["clauses"] > 100
    for field in ("task", "lead", "support", "deadline_year", "deadline_month", "targets"):
        s = out["fields"][field]
        assert s["precision"] is not None and s["recall"] is not None
        assert s["recall"] >= 0.9 and s["precision"] >= 0.9


def test_a_target_year_read_from_the_document_says_so(tmp_path, capsys, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "points.txt").write_text(
        "某县交通运输局2025年工作要点\n\n一、重点工作\n\n（一）淘汰老旧车辆。全年淘汰国三柴油货车300辆。"
        "到2027年，公交车新能源比例达到90%。\n\n某县交通运输局\n\n2025年2月10日\n", encoding="utf-8")
    monkeypatch.setenv("POLICYKB_HOME", str(tmp_path / "home"))
    assert main(["build", "--corpus", str(corpus), "--quiet"]) == 0
    capsys.readouterr()
    rows = {t["indicator"]: t for t in run_json(capsys, "targets", "--doc", "points")}
    assert rows["国三柴油货车"]["year_source"] == "document" and rows["国三柴油货车"]["year"] == 2025
    assert rows["公交车新能源比例"]["year_source"] == "explicit"
    code, out, _ = run(capsys, "targets", "--doc", "points")
    assert "2025年（推断）  国三柴油货车" in out and "2027年  公交车新能源比例" in out
