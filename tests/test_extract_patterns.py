"""Table-driven tests of the extractor's patterns: bodies, places, time phrases, quantities, annotations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.extract import lexicon as lx
from indexer.extract.nlp import get_nlp, matches as doc_matches
from indexer.extract.parties import parse_annotations, running_text_parties
from indexer.extract.patterns import cue_patterns, find_matches
from indexer.extract.times import interpret


def labelled(text: str, label: str) -> list[str]:
    return [m.text for m in find_matches(text) if m.label == label]


# ---------------------------------------------------------------------------
# Government bodies and places
# ---------------------------------------------------------------------------

ORG_CASES = [
    # jieba segments 由市 / 生态环境局: matching must not depend on that.
    ("由市生态环境局牵头", ["市生态环境局"]),
    ("将年度工作情况书面报市生态环境局", ["市生态环境局"]),
    ("县住房城乡建设局负责", ["县住房城乡建设局"]),
    ("美丽扬州建设工作由市生态文明建设领导小组统筹推进", ["市生态文明建设领导小组"]),
    ("各县（市、区）人民政府要", ["各县（市、区）人民政府"]),
    ("由经济技术开发区管委会负责", ["经济技术开发区管委会"]),
    ("各镇人民政府落实", ["各镇人民政府"]),
    ("市各有关部门按职责分工负责", ["市各有关部门"]),
    ("向市委、市政府报告", ["市委", "市政府"]),
    ("充分发挥生态环境部门职能作用", ["生态环境部门"]),
    ("扬州市生态环境局", ["扬州市生态环境局"]),
    ("县美丽宝应建设工作专班负责", ["县美丽宝应建设工作专班"]),
    ("安宜镇人民政府", ["安宜镇人民政府"]),
    ("县委办公室", ["县委办公室"]),
    # Not bodies: 城市 is not the level 市, 布局 is not a bureau, 《…办法》 is a title.
    ("统筹城市功能品质提升和城市空间布局优化", []),
    ("落实《江苏省生态文明教育促进办法》", []),
    ("统筹设立市县两级生态环境保护专项资金", []),
    ("充分发挥政府投资引导作用", []),
]


@pytest.mark.parametrize("text,expected", ORG_CASES)
def test_bodies(text, expected):
    assert labelled(text, "ORG") == expected


@pytest.mark.parametrize("text,expected", [
    ("推进宝应县、高邮市、江都区建立生态产品价值实现机制", ["宝应县", "高邮市", "江都区"]),
    ("落实《江苏省生态文明教育促进办法》", ["江苏省"]),
    ("城市更新行动", []),
])
def test_places(text, expected):
    assert labelled(text, "PLACE") == expected


@pytest.mark.parametrize("written,canonical", [
    ("市发改委", "市发展改革委"),
    ("县住建局", "县住房城乡建设局"),
    ("市政府", "市人民政府"),
    ("扬州市环保局", "扬州市生态环境局"),
    ("县美丽宝应建设工作专班", "县美丽宝应建设工作专班"),  # unknown bodies are kept as written
])
def test_aliases(written, canonical):
    assert lx.canonical_name(written) == canonical


def test_spacy_pipeline_expands_entities_to_jieba_tokens():
    nlp = get_nlp()
    assert nlp.tokenizer.segmenter == "jieba"  # not char, not pkuseg
    doc = nlp("由市生态环境局牵头")
    exact = [m for m in doc_matches(doc) if m.label == "ORG"]
    assert [(m.text, m.start, m.end) for m in exact] == [("市生态环境局", 1, 7)]
    # The token span grows to jieba's boundaries (由市 / 生态环境局); the exact match does not.
    ents = [(e.text, e.label_) for e in doc.ents]
    assert ents == [("由市生态环境局", "ORG")]
    assert "policykb_entities" in doc.spans and "policykb_cues" in doc.spans


def test_nlp_is_built_once():
    assert get_nlp() is get_nlp()


# ---------------------------------------------------------------------------
# Time phrases
# ---------------------------------------------------------------------------

TIME_CASES = [
    # text, kind, year, month, recurring
    ("到2027年", "deadline", 2027, None, None),
    ("2025年底前", "deadline", 2025, 12, None),
    ("2026年6月底前", "deadline", 2026, 6, None),
    ("2025年12月31日前", "deadline", 2025, 12, None),
    ("展望2035年", "deadline", 2035, None, None),
    ("力争到2030年", "deadline", 2030, None, None),
    ("“十四五”期间", "period", 2025, None, None),
    ("十五五时期", "period", 2030, None, None),
    ("2024—2026年", "period", 2026, None, None),
    ("每季度", "recurring", None, None, "每季度"),
    ("每半年", "recurring", None, None, "每半年"),
    ("2024年起", "start", 2024, None, None),
    ("2024年9月26日", "date", 2024, 9, None),
    ("较2020年", "baseline", 2020, None, None),
    ("6月底前", "deadline", 2024, 6, None),  # the document's year
    ("年底前", "deadline", 2024, 12, None),
]


@pytest.mark.parametrize("text,kind,year,month,recurring", TIME_CASES)
def test_time_phrases(text, kind, year, month, recurring):
    ms = [m for m in find_matches(text) if m.label == "TIME"]
    assert [m.text for m in ms] == [text]
    t = interpret(ms[0], doc_year=2024)
    assert (t.kind, t.year, t.month, t.recurring) == (kind, year, month, recurring)


def test_period_bounds():
    t = interpret([m for m in find_matches("“十四五”期间") if m.label == "TIME"][0])
    assert t.period == (2021, 2025)


# ---------------------------------------------------------------------------
# Quantities
# ---------------------------------------------------------------------------

QUANTITY_CASES = [
    ("95%左右", "number", {"value": "95", "unit": "%", "post": "左右"}),
    ("1172.77平方千米以上", "number", {"value": "1172.77", "unit": "平方千米", "post": "以上"}),
    ("28微克/立方米左右", "number", {"value": "28", "unit": "微克/立方米", "post": "左右"}),
    ("120万立方米", "number", {"value": "120", "mult": "万", "unit": "立方米"}),
    ("30万千瓦", "number", {"value": "30", "mult": "万", "unit": "千瓦"}),
    ("Ⅲ类", "class", {"value": "Ⅲ类"}),
    ("全覆盖", "coverage", {"value": "全覆盖"}),
    ("优于国家目标", "benchmark", {"qualifier": "优于国家目标", "object": "国家目标"}),
]


@pytest.mark.parametrize("text,kind,groups", QUANTITY_CASES)
def test_quantities(text, kind, groups):
    ms = [m for m in find_matches(text) if m.label == "QUANTITY"]
    assert [(m.text, m.id) for m in ms] == [(text, kind)]
    assert {k: v for k, v in ms[0].groups.items() if k != "post" or v} == groups


@pytest.mark.parametrize("text", ["以降低PM2.5浓度为主线", "到2027年", "“1+3”重点功能区", "扬府发〔2024〕118号"])
def test_not_quantities(text):
    assert labelled(text, "QUANTITY") == []


# ---------------------------------------------------------------------------
# Annotations and running-text roles
# ---------------------------------------------------------------------------


def roles(parties):
    return sorted((p.name, p.role) for p in parties)


# Names as the text writes them (县住建局, 区城市管理局); the alias-normalised form is
# ``Party.canonical`` (tests/test_extract_surface.py).
ANNOTATION_CASES = [
    ("完成治理。（牵头单位：县水利局；配合单位：县自然资源和规划局、各镇人民政府）",
     [("县水利局", "lead"), ("县自然资源和规划局", "support"), ("各镇人民政府", "support")], None),
    ("推进试点。（市发展改革委牵头，市各有关部门按职责分工负责）",
     [("市发展改革委", "lead"), ("市各有关部门", "support")], None),
    ("推进试点。（市发改委牵头，各县（市、区）人民政府配合）",
     [("市发改委", "lead"), ("各县（市、区）人民政府", "support")], None),
    ("完成整治。（责任单位：县生态环境局、县水利局）",
     [("县生态环境局", "lead"), ("县水利局", "lead")], None),
    ("完成造林。（牵头单位：县自然资源和规划局；配合单位：县林业站；完成时限：2026年12月底前）",
     [("县自然资源和规划局", "lead"), ("县林业站", "support")], (2026, 12)),
    ("补齐短板。（牵头单位：县住建局；配合单位：县城乡水务有限公司（县供水公司））",
     [("县住建局", "lead"), ("县城乡水务有限公司", "support")], None),
    ("推进建设。（牵头部门：区城市管理局；协办单位：区市场监管局）",
     [("区城市管理局", "lead"), ("区市场监管局", "support")], None),
    ("推进改革。（责任单位：市发展改革委（牵头），市工信局、市财政局）",
     [("市发展改革委", "lead"), ("市工信局", "support"), ("市财政局", "support")], None),
    # A bracket without a role cue is not an annotation.
    ("积极推广生态环境导向的开发（EOD）模式。", [], None),
]


@pytest.mark.parametrize("text,expected,deadline", ANNOTATION_CASES)
def test_annotations(text, expected, deadline):
    ms = find_matches(text)
    anns = parse_annotations(text, 0, ms, doc_year=2024)
    assert roles([p for a in anns for p in a.parties]) == sorted(expected)
    for a in anns:
        for p in a.parties:
            assert p.source == "explicit" and text[p.start:p.end] == p.evidence
    got = next(((a.deadline.year, a.deadline.month) for a in anns if a.deadline), None)
    assert got == deadline


RUNNING_CASES = [
    ("推进宝应县、高邮市、江都区建立生态产品价值实现机制",
     [("宝应县", "owner"), ("高邮市", "owner"), ("江都区", "owner")]),
    ("美丽扬州建设工作由市生态文明建设领导小组统筹推进", [("市生态文明建设领导小组", "lead")]),
    ("将年度工作情况书面报市生态环境局", [("市生态环境局", "recipient")]),
    # 其 is returned as a reference to resolve (indexer.extract.anaphora), with its role: 由X + a verb
    # of its own (汇总) is X doing the work, not leading it (由X负责/牵头… leads)
    ("由其汇总后向市委、市政府报告", [("市政府", "recipient"), ("市委", "recipient"), ("其", "owner")]),
    ("区生态环境局会同区工信局制定方案", [("区生态环境局", "lead"), ("区工信局", "support")]),
    ("各镇人民政府要落实属地责任", [("各镇人民政府", "owner")]),
    ("各地各有关部门结合实际抓好落实", [("各地各有关部门", "owner")]),
    ("充分发挥生态环境部门职能作用", [("生态环境部门", "owner")]),
    ("市县镇（园区）三级环境安全管理体系建设", []),
]


@pytest.mark.parametrize("text,expected", RUNNING_CASES)
def test_running_text_roles(text, expected):
    ms = find_matches(text) + find_matches(text, cue_patterns())
    found = running_text_parties(text, 0, ms, [])
    assert roles([p for p, _ in found]) == sorted(expected)
    for p, _ in found:
        assert text[p.start:p.end] == p.evidence


# ---------------------------------------------------------------------------
# Any text: matches are exact spans of the text, in order, without overlaps per label
# ---------------------------------------------------------------------------

CHUNKS = ["由市生态环境局", "牵头", "，", "。", "；", "（", "）", "到2027年", "每季度", "95%左右", "Ⅲ类",
          "各县（市、区）人民政府", "推进", "宝应县", "、", "全覆盖", "2026年6月底前", "水质", "建设用地", "市", "县"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(CHUNKS), st.text(max_size=4)), max_size=20))
def test_matches_are_exact_spans(parts):
    text = "".join(parts)
    for patterns in (None, cue_patterns()):
        ms = find_matches(text, patterns)
        for m in ms:
            assert 0 <= m.start < m.end <= len(text)
            assert text[m.start:m.end] == m.text
        by_label = {}
        for m in ms:
            by_label.setdefault(m.label, []).append(m)
        for items in by_label.values():
            items.sort(key=lambda m: m.start)
            assert all(a.end <= b.start for a, b in zip(items, items[1:]))
