"""Links across a corpus of many documents (ours, across provinces, levels and years): only
between documents that can be upstream, and right where they are strong."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT
from kb.models import Document

MULTI = Path(__file__).parent / "fixtures" / "multi_corpus"


@pytest.fixture(scope="module")
def multi_home(tmp_path_factory):
    from indexer.build import build

    corpus = tmp_path_factory.mktemp("multi")
    shutil.copytree(CORPUS, corpus, dirs_exist_ok=True)
    shutil.copytree(MULTI, corpus, dirs_exist_ok=True)
    home = tmp_path_factory.mktemp("home")
    build(corpus, home, progress=None)
    return home


def test_strong_links_only_between_documents_that_can_be_upstream(multi_home, monkeypatch, capsys):
    from policykb.cli import main

    monkeypatch.setenv("POLICYKB_HOME", str(multi_home))
    assert main(["eval-align", str(ROOT / "eval" / "align_gold.tsv"), str(ROOT / "eval" / "align_multi.tsv"),
                 "--pairs", str(ROOT / "eval" / "align_multi_pairs.tsv"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["corpus"]
    assert out["strong_cannot_be_upstream"] == 0, out["cross_examples"]
    assert out["strong_judged"] >= 100 and out["strong_precision"] >= 0.9, out["wrong_examples"]


def test_every_aligned_link_is_between_a_labelled_pair(multi_home):
    """Weak links too: another province, a later date or another subject gets no link at all."""
    from indexer.align_evaluate import read_pairs
    from kb import open_kb

    pairs = read_pairs(ROOT / "eval" / "align_multi_pairs.tsv")
    kb = open_kb(multi_home)
    rows = kb.reader.query("SELECT source_id, target_id, data FROM links WHERE kind = 'aligned'")
    linked = {(s.split("#")[0], t.split("#")[0]) for s, t, _ in rows}
    assert linked <= pairs
    assert ("hangzhou-2023-rural-sewage", "zhejiang-2022-rural-sewage") in linked  # no citation: by jurisdiction
    for s, t, data in rows:
        evidence = json.loads(data)["evidence"]
        reason = [e for e in evidence if e.startswith("候选依据：")]
        assert len(reason) == 1 and ("引用" in reason[0] or "上级行政区" in reason[0] or "中央文件" in reason[0])
        assert not any("关键词" in e or "摘要" in e or "未核实" in e for e in evidence)


def test_yangzhou_lake_article_aligns_with_the_central_water_article(multi_home):
    """（六）全面推进高宝邵伯湖综合治理 implements central （六）持续深入打好碧水保卫战: a shared indicator
    (水质) and rare shared words, not the generic words it shares with （七）净土."""
    from kb import open_kb

    kb = open_kb(multi_home)
    ups = [e for e in kb.trace("yangzhou-2024-118#part_3__art_6")["upstream"]
           if e["kind"] == "aligned" and e["doc_id"] == "central-2023-beautiful-china"]
    assert ups[0]["article_no"] == 6


def _doc(issuer: str, level: str, date: str | None = "2024-01-01", title: str = "") -> Document:
    return Document("x", title, None, issuer, date, level, "full", "")


@pytest.mark.parametrize("issuer, level, place", [
    ("扬州市人民政府", "municipal", ("江苏", "扬州", None)),
    ("中共江苏省委 江苏省人民政府", "provincial", ("江苏", None, None)),
    ("宝应县人民政府", "county", ("江苏", "扬州", "宝应")),
    ("南京市鼓楼区人民政府", "county", ("江苏", "南京", "鼓楼")),
    ("鼓楼区人民政府", "county", (None, None, None)),  # 南京、福州、开封 all have one
    ("某某市人民政府", "municipal", (None, None, None)),
    ("广西壮族自治区人民政府办公厅", "provincial", ("广西", None, None)),
])
def test_place_of_a_document(issuer, level, place):
    from indexer.jurisdiction import place_of

    p = place_of(_doc(issuer, level))
    assert (p.province, p.city, p.county) == place
    assert bool(p.note) == (None in place[:{"provincial": 1, "municipal": 2, "county": 3}[level]])


def test_relation_says_why():
    from indexer.jurisdiction import relation

    ok, why = relation(_doc("江苏省人民政府", "provincial", "2023-01-01"), _doc("宝应县人民政府", "county"))
    assert ok and "上级行政区" in why and "发布在先" in why
    assert relation(_doc("湖南省人民政府", "provincial"), _doc("扬州市人民政府", "municipal")) == \
        (False, "不同地区（湖南 / 江苏·扬州）")
    ok, why = relation(_doc("国务院", "central", "2025-01-01"), _doc("扬州市人民政府", "municipal"))
    assert not ok and "晚于" in why
    ok, why = relation(_doc("国务院", "central", None), _doc("扬州市人民政府", "municipal"))
    assert ok and "日期不详" in why
    ok, why = relation(_doc("扬州市人民政府", "municipal"), _doc("鼓楼区人民政府", "county"))
    assert not ok and "不详" in why  # a place that cannot be told is not linked to a known other place
    assert not relation(_doc("扬州市人民政府", "municipal"), _doc("江苏省人民政府", "provincial"))[0]


def test_one_generic_shared_word_is_no_link():
    from indexer import align

    assert not align.specific("改善") and not align.specific("生活")
    assert align.specific("碳市场") and align.specific("噪声")  #噪声 is a subject keyword


def test_an_upstream_word_inside_a_longer_downstream_word_is_shared_but_not_across_words():
    """节水 (upstream) inside 节水型 (downstream) is shared evidence; 河长 is not inside 大运河 + 长江."""
    from indexer import align
    from kb.models import Provision

    def unit(words: tuple[str, ...]) -> align.Unit:
        p = Provision(id="d#part_1", doc_id="d", kind="article", parent=None, seq=0, part_no=1, article_no=None,
                      item_no=None, clause_no=None, heading="", text="", start=0, end=0)
        return align.Unit(p, "", "", "", 0.5, frozenset(), words)

    up = align.Upstream.build("u", [unit(("节水", "资源", "河长"))])
    assert set(align.shared_terms(unit(("节水型", "城市", "资源化")), up, 0)) == {"节水", "资源"}
    assert align.shared_terms(unit(("大运河", "长江")), up, 0) == []
