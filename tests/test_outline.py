"""Outline documents (corpus/*.outline.yaml → indexer.outline) and the three-document corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kb import labels
from kb.api import open_kb
from kb.official_citation import format_citation
from indexer import structure
from indexer.build import build
from indexer.corpus import discover
from indexer.outline import build_outline
from indexer.pipeline import parse_file
from indexer.sources import read_outline
from policykb import cli

REPO = Path(__file__).resolve().parents[1]
CENTRAL = REPO / "corpus" / "central-2023-beautiful-china.outline.yaml"
JIANGSU = REPO / "corpus" / "jiangsu-2024-beautiful-jiangsu.outline.yaml"


@pytest.fixture(scope="module")
def central():
    return parse_file(CENTRAL)


@pytest.fixture(scope="module")
def jiangsu():
    return parse_file(JIANGSU)


@pytest.fixture(scope="module")
def kb3(tmp_path_factory):
    """The repository corpus built into a fresh KB."""
    root = tmp_path_factory.mktemp("kb3")
    shutil.copytree(REPO / "corpus", root / "corpus")
    build(root / "corpus", root / "home", progress=None)
    return root, open_kb(root / "home")


def test_central_shape(central):
    d = central.document
    assert d.status == "outline" and d.id == "central-2023-beautiful-china"
    assert (d.parts, d.articles) == (10, 33)
    assert d.level == "central" and d.date == "2023-12-27" and d.doc_number is None
    arts = [p for p in central.provisions if p.kind == "article"]
    assert [a.article_no for a in arts] == list(range(1, 34))
    ids = {p.id for p in central.provisions}
    # articles are numbered across parts, as the document numbers them
    assert "central-2023-beautiful-china#part_3__art_2" in ids
    assert "central-2023-beautiful-china#part_4__art_5" in ids
    assert "central-2023-beautiful-china#part_10__art_33" in ids
    # parts 一 and 二 have no numbered articles
    assert not [a for a in arts if a.part_no in (1, 2)]
    art5 = next(a for a in arts if a.article_no == 5)
    assert art5.heading == "持续深入打好蓝天保卫战" and art5.marker == "（五）"


def test_outline_text_reparses_to_the_same_ids(central):
    """The rendered outline, run through the structure parser, gives the outline's ids: outline ids
    are the ids the official text will have where its numbering is the same."""
    d = central.document
    parsed = structure.parse(d.text[d.body_start:], d.id)  # the body: the header is our outline notice
    assert [p.id for p in parsed.provisions] == [p.id for p in central.provisions]
    assert [(p.start + d.body_start, p.end + d.body_start) for p in parsed.provisions] == [
        (p.start, p.end) for p in central.provisions]
    assert [p.heading for p in parsed.provisions] == [p.heading for p in central.provisions]


def test_every_body_character_is_covered(central, jiangsu):
    for pd in (central, jiangsu):
        d = pd.document
        covered = set()
        for p in pd.provisions:
            covered.update(range(p.start, p.end))
        body = range(d.body_start, d.body_end)
        assert all(i in covered for i in body if not d.text[i].isspace())
        for p in pd.provisions:
            assert d.text[p.start:p.end] == p.text


def test_verified_flags(central):
    d = central.document
    flags = d.meta["verified"]
    by_no = {p.article_no: p for p in central.provisions if p.kind == "article"}
    assert flags[by_no[5].id] is True and by_no[5].label.endswith(labels.verified_tag(True))
    assert flags[by_no[6].id] == "partial" and by_no[6].label.endswith("〔部分核实〕")
    assert flags[by_no[24].id] is False and by_no[24].label.endswith("〔未核实〕")
    # a clause carries its article's flag through its label
    clause = next(p for p in central.provisions if p.parent == by_no[24].id)
    assert clause.label.endswith("〔未核实〕")
    parts = [p for p in central.provisions if p.kind == "part"]
    assert all(flags[p.id] is True for p in parts)


def test_targets(central):
    targets = central.targets
    assert len(targets) == 14
    pm = [t for t in targets if t.indicator == "全国细颗粒物平均浓度"]
    assert {(t.year, t.value, t.unit, t.qualifier, t.verified) for t in pm} == {
        (2027, 28, "微克/立方米", "以下", True), (2035, 25, "微克/立方米", "以下", True)}
    water = next(t for t in targets if t.indicator == "全国地表水水质优良比例")
    assert water.verified is False and water.article_no == 6
    assert next(t for t in targets if t.indicator == "国家公园体系").verified == "partial"
    text = central.document.text
    for t in targets:
        assert t.clause_id.startswith(f"central-2023-beautiful-china#part_") and "__art_" in t.clause_id
        assert text[t.start:t.end] == t.text
        assert ("〔已核实〕" in t.text) == (t.verified is True)


def test_stage_goals_in_general_requirements(central):
    part2 = [p for p in central.provisions if p.parent == "central-2023-beautiful-china#part_2"]
    texts = " ".join(p.text for p in part2)
    for year, label in ((2027, "美丽中国建设成效显著"), (2035, "美丽中国目标基本实现"), (2050, "美丽中国全面建成")):
        assert str(year) in texts and label in texts
    assert "本世纪中叶" in texts


def test_jiangsu_tasks_and_goals(jiangsu):
    d = jiangsu.document
    assert d.status == "outline" and d.level == "provincial" and d.articles == 0
    tasks = [p for p in jiangsu.provisions if p.kind == "part"]
    assert [t.id.split("#")[1] for t in tasks] == [f"task_{i}" for i in range(1, 6)]
    assert tasks[0].heading == "彰显绿色发展之美" and d.meta["verified"][tasks[0].id] is True
    assert d.meta["verified"][tasks[2].id] is False and tasks[2].label.endswith("〔未核实〕")
    assert all(t.part_no is None for t in tasks)  # the official part numbers are unknown
    pre = [p for p in jiangsu.provisions if p.parent == f"{d.id}#preamble"]
    years = [y for y in (2025, 2030, 2035) if any(str(y) in p.text for p in pre)]
    assert years == [2025, 2030, 2035]
    assert jiangsu.targets == []
    assert "关于全面推进美丽江苏建设的实施意见" in d.meta["title_variants"]


@pytest.mark.parametrize("bad, message", [
    ({"title": "x", "level": "central", "parts": [{"no": 1, "heading": "a"}]}, "has no id"),
    ({"id": "x", "title": "x", "level": "city", "parts": []}, "level 'city'"),
    ({"id": "x", "level": "central"}, "needs at least title"),
    ({"id": "x", "title": "x", "level": "central"}, "no parts"),
    ({"id": "x", "title": "x", "level": "central", "articles": [{"heading": "a"}]}, "needs a number"),
])
def test_bad_outlines_raise_one_clear_error(bad, message):
    from kb.errors import CorpusError

    with pytest.raises(CorpusError, match=message):
        build_outline(bad, "bad.outline.yaml")


def test_discovery_reads_outlines(tmp_path):
    shutil.copytree(REPO / "corpus", tmp_path / "corpus")
    (tmp_path / "corpus" / "replaced").mkdir()
    shutil.copy(CENTRAL, tmp_path / "corpus" / "replaced" / CENTRAL.name)
    entries = discover(tmp_path / "corpus")
    assert sorted(e.path.name for e in entries) == sorted([
        CENTRAL.name, JIANGSU.name, "yangzhou-2024-118.txt"])  # replaced/ is not read
    assert [e.is_outline for e in entries].count(True) == 2


def test_build_yields_three_documents_and_resolved_citations(kb3):
    _, kb = kb3
    docs = {d.id: d for d in kb.documents()}
    assert set(docs) == {"central-2023-beautiful-china", "jiangsu-2024-beautiful-jiangsu", "yangzhou-2024-118"}
    assert docs["central-2023-beautiful-china"].articles == 33
    cites = kb.document_dict(docs["yangzhou-2024-118"])["cites"]
    resolved = {c["title"]: c["resolved_id"] for c in cites}
    assert resolved["中共中央国务院关于全面推进美丽中国建设的意见"] == "central-2023-beautiful-china"
    assert resolved["中共江苏省委江苏省人民政府关于全面推进美丽江苏建设的实施意见"] == "jiangsu-2024-beautiful-jiangsu"
    assert resolved["江苏省生态文明教育促进办法"] is None  # external


def test_outline_citation_says_outline(kb3):
    _, kb = kb3
    doc = kb.document("central-2023-beautiful-china")
    assert format_citation(doc).endswith("〔提纲，非官方全文〕")
    assert kb.citation("central-2023-beautiful-china#part_4__art_5").startswith(
        "《中共中央 国务院关于全面推进美丽中国建设的意见》第四部分第（五）条")


def test_cli_surfaces_say_outline(kb3, monkeypatch, capsys):
    root, _ = kb3
    monkeypatch.setenv("POLICYKB_HOME", str(root / "home"))
    assert cli.main(["docs"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("central-2023"))
    assert "提纲" in line and "非官方全文" in line
    assert cli.main(["docs", "--json"]) == 0
    docs = {d["id"]: d for d in json.loads(capsys.readouterr().out)}
    assert docs["jiangsu-2024-beautiful-jiangsu"]["status"] == "outline"
    assert "不是官方全文" in docs["jiangsu-2024-beautiful-jiangsu"]["meta"]["outline_notice"]
    assert cli.main(["show", "central-2023-beautiful-china"]) == 0
    out = capsys.readouterr().out
    assert "不是官方全文" in out.splitlines()[1]
    assert "（二十四）改革完善体制机制〔未核实〕" in out
    assert cli.main(["show", "central-2023-beautiful-china#part_4__art_6"]) == 0
    out = capsys.readouterr().out
    assert "不是官方全文" in out and "〔部分核实〕" in out
    assert cli.main(["parse", str(CENTRAL)]) == 0
    assert "提纲" in capsys.readouterr().out


def test_read_outline_rejects_non_mapping(tmp_path):
    from kb.errors import CorpusError

    p = tmp_path / "x.outline.yaml"
    p.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="mapping"):
        read_outline(p)
