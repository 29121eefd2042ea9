"""The CLI in-process: exit codes, exact one-line errors, JSON shapes, atomic builds."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import CORPUS, SEED_ID
from policykb.cli import COMMANDS, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_docs_json_lists_the_seed_with_its_metadata(use_home, capsys):
    code, out, err = run(capsys, "docs", "--json")
    assert code == 0
    docs = {d["id"]: d for d in json.loads(out)}
    d = docs[SEED_ID]
    assert (d["title"], d["issuer"], d["doc_number"], d["date"], d["level"], d["status"]) == (
        "市政府关于全面推进美丽扬州建设的实施意见", "扬州市人民政府", "扬府发〔2024〕118号", "2024-09-26",
        "municipal", "full")
    assert (d["parts"], d["articles"]) == (6, 22)
    assert d["recipients"][0] == "各县（市、区）人民政府"
    assert {c["title"] for c in d["cites"]} >= {"江苏省生态文明教育促进办法"}
    assert all({"title", "doc_number", "resolved_id"} <= set(c) for c in d["cites"])


def test_show_document_json(use_home, capsys):
    code, out, _ = run(capsys, "show", SEED_ID, "--json")
    assert code == 0
    data = json.loads(out)
    provs = data["provisions"]
    fields = {"id", "kind", "parent", "part_no", "article_no", "item_no", "heading", "text", "start", "end"}
    assert all(fields <= set(p) for p in provs)
    assert [p["part_no"] for p in provs if p["kind"] == "part"] == [1, 2, 3, 4, 5, 6]
    arts = [p for p in provs if p["kind"] == "article"]
    assert [a["article_no"] for a in arts] == list(range(1, 23))
    assert arts[1]["heading"] == "积极稳妥推进碳达峰碳中和"
    starts = [p["start"] for p in provs]
    assert starts == sorted(starts)


def test_show_provision_json(use_home, capsys):
    code, out, _ = run(capsys, "show", f"{SEED_ID}#part_3__art_5__cl_4", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["provision"]["text"] == "完善港口码头岸电设施建设，推进船舶受电设施改造。"
    assert data["provision"]["parent"] == f"{SEED_ID}#part_3__art_5"
    code, out, _ = run(capsys, "show", f"{SEED_ID}#part_3__art_5", "--json")
    assert len(json.loads(out)["provisions"]) == 16  # the article and its 15 clauses


@pytest.mark.parametrize("argv, message", [
    (["show", "nope", "--json"], "Error: no document 'nope'; list the ids with `policykb docs`\n"),
    (["show", f"{SEED_ID}#part_9", "--json"],
     f"Error: no provision '{SEED_ID}#part_9'; ids look like '<doc-id>#part_3__art_5__cl_4' "
     "(see `policykb show <doc-id>`)\n"),
])
def test_unknown_ids_are_one_line_errors(use_home, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (1, "", message)


def test_usage_errors_are_one_line(capsys):
    code, out, err = run(capsys, "show")
    assert code == 2 and out == "" and err.startswith("Error: ") and err.count("\n") == 1


def test_no_kb_yet(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYKB_HOME", str(tmp_path / "empty"))
    code, out, err = run(capsys, "docs", "--json")
    assert code == 1 and err.startswith("Error: no KB in ") and "policykb build" in err


def test_parse_prints_records_without_storing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYKB_HOME", str(tmp_path / "home"))
    code, out, _ = run(capsys, "parse", str(CORPUS / f"{SEED_ID}.txt"), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["document"]["doc_number"] == "扬府发〔2024〕118号"
    assert sum(p["kind"] == "article" for p in data["provisions"]) == 22
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize("content, fix", [
    (b"", "the file is empty"),
    (b"\x00\x01\x02binary\x00" * 50, "binary file"),
    (b"\xff\xfe\xfd\xfc" * 100, "cannot decode"),
])
def test_bad_files_are_one_line_errors(tmp_path, capsys, content, fix):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, out, err = run(capsys, "parse", str(bad), "--json")
    assert code == 1 and out == ""
    assert err.startswith(f"Error: {bad}: ") and fix in err and err.count("\n") == 1


def test_gb18030_text_parses_like_utf8(tmp_path, capsys):
    src = (CORPUS / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    gbk = tmp_path / "seed-gbk.txt"
    gbk.write_bytes(src.encode("gb18030"))
    code, out, _ = run(capsys, "parse", str(gbk), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["document"]["doc_number"] == "扬府发〔2024〕118号"
    assert sum(p["kind"] == "clause" for p in data["provisions"]) == 105


def test_build_is_reproducible_and_atomic(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    monkeypatch.setenv("POLICYKB_HOME", str(home))
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    assert run(capsys, "build", "--corpus", str(corpus), "--quiet")[0] == 0
    first = json.loads(run(capsys, "show", SEED_ID, "--json")[1])
    assert run(capsys, "build", "--corpus", str(corpus), "--quiet")[0] == 0
    second = json.loads(run(capsys, "show", SEED_ID, "--json")[1])
    assert [p["id"] for p in first["provisions"]] == [p["id"] for p in second["provisions"]]
    assert first == second
    builds = [p.name for p in home.iterdir() if p.name.startswith("build-")]
    assert len(builds) == 1  # the older build was removed after the swap

    # A corpus with a broken file fails the build with one line; the previous KB stays.
    (corpus / "broken.txt").write_bytes(b"\x00\x00\x00")
    code, out, err = run(capsys, "build", "--corpus", str(corpus), "--quiet")
    assert code == 1 and "broken.txt" in err and err.count("\n") == 1
    assert json.loads(run(capsys, "show", SEED_ID, "--json")[1]) == first
    assert [p.name for p in home.iterdir() if p.name.startswith("build-")] == builds


def test_every_command_is_documented_in_the_readme():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"policykb {name}" in readme, name
