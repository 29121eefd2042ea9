"""Citation resolution (indexer.resolve): titles, variants, short forms, anaphora, 文号."""

from __future__ import annotations

import pytest

from kb.models import Citation, Document
from indexer.citations import find_citations
from indexer.pipeline import parse_text
from indexer.resolve import CitationIndex, resolve_document, squash, title_keys


def doc(id_, title, number=None, **meta):
    return Document(id=id_, title=title, doc_number=number, issuer="", date=None, level="municipal",
                    status="full", source="", meta=meta)


CORPUS = [
    doc("central", "中共中央 国务院关于全面推进美丽中国建设的意见"),
    doc("jiangsu", "中共江苏省委 江苏省人民政府关于全面推进美丽江苏建设的实施意见",
        title_variants=["关于全面推进美丽江苏建设的实施意见"]),
    doc("yangzhou", "市政府关于全面推进美丽扬州建设的实施意见", "扬府发〔2024〕118号"),
    doc("plan", "湖东县农村人居环境整治提升行动方案（2025—2027年）", "湖政办发〔2025〕8号",
        notice_title="湖东县人民政府办公室关于印发《湖东县农村人居环境整治提升行动方案（2025—2027年）》的通知"),
    doc("a1", "甲县人民政府关于加强河道管理的通知"),
    doc("a2", "乙县人民政府关于加强河道管理的通知"),
]
INDEX = CitationIndex(CORPUS)


@pytest.mark.parametrize("title, expected", [
    ("中共中央国务院关于全面推进美丽中国建设的意见", "central"),        # no space between issuers
    ("中共中央 国务院关于全面推进美丽中国建设的意见", "central"),
    ("中共中央、国务院关于全面推进美丽中国建设的意见", "central"),      # 、 between issuers
    ("关于全面推进美丽中国建设的意见", "central"),                      # no issuer
    ("中共江苏省委江苏省人民政府关于全面推进美丽江苏建设的实施意见", "jiangsu"),
    ("扬州市人民政府关于全面推进美丽扬州建设的实施意见", "yangzhou"),  # 市政府 is an abbreviation
    ("湖东县农村人居环境整治提升行动方案（2025—2027年）", "plan"),
    ("湖东县人民政府办公室关于印发《湖东县农村人居环境整治提升行动方案（2025—2027年）》的通知", "plan"),
    ("湖东县人民政府办公室关于印发〈湖东县农村人居环境整治提升行动方案（2025—2027年）〉的通知", "plan"),
    ("关于加强河道管理的通知", None),                                   # ambiguous: two documents
    ("甲县人民政府关于加强河道管理的通知", "a1"),
    ("江苏省人民政府关于全面推进美丽中国建设的意见", None),            # another issuer's document
    ("江苏省生态文明教育促进办法", None),                              # not in the corpus
])
def test_by_title(title, expected):
    assert INDEX.by_title(title) == expected


def test_by_number():
    assert INDEX.by_number("扬府发〔2024〕118号") == "yangzhou"
    assert INDEX.by_number("扬府发〔2024〕119号") is None


def test_title_keys_ignore_spaces_and_quotes():
    a, _, _ = title_keys("中共中央 国务院关于全面推进美丽中国建设的意见")
    b, _, _ = title_keys("《中共中央国务院关于全面推进美丽中国建设的意见》")
    assert a & b
    assert squash("《 中共中央  国务院关于… 》") == "中共中央国务院关于…"


def _cite(title=None, number=None, text=None, start=0):
    text = text or (f"《{title}》" if title else number)
    return Citation("d", None, title, number, text, start, start + len(text))


def test_short_forms_and_anaphora_take_the_most_recent_full_citation():
    cites = [
        _cite("中共中央国务院关于全面推进美丽中国建设的意见", start=0),
        _cite("中共江苏省委江苏省人民政府关于全面推进美丽江苏建设的实施意见", start=40),
        _cite("意见", start=100),          # → the most recent title ending in 意见: Jiangsu's 实施意见
        _cite("实施意见", start=120),
        _cite(None, None, "上述文件", start=140),
        _cite("方案", start=160),          # no earlier 方案: unresolved
        _cite("江苏省生态文明教育促进办法", start=200),
        _cite(None, None, "上述文件", start=240),  # the most recent full citation is external
        _cite(None, "扬府发〔2024〕118号", start=260),
        _cite(None, None, "该意见", start=300),    # a 文号-only citation has no type: back to a 意见 title
        _cite(None, "要求扬府发〔2024〕118号", start=320),  # prose swallowed by the 文号 pattern
    ]
    out = resolve_document(cites, INDEX)
    assert [c.resolved_id for c in out] == [
        "central", "jiangsu", "jiangsu", "jiangsu", "jiangsu", None, None, None, "yangzhou", "jiangsu", "yangzhou"]
    assert (out[-1].doc_number, out[-1].text, out[-1].start) == ("扬府发〔2024〕118号", "扬府发〔2024〕118号", 322)


def test_anaphora_found_only_after_a_citation():
    text = "根据上述文件精神。贯彻《中共中央国务院关于全面推进美丽中国建设的意见》，落实上述文件要求。"
    cites = find_citations("d", text, 0, len(text), [])
    assert [c.text for c in cites] == ["《中共中央国务院关于全面推进美丽中国建设的意见》", "上述文件"]


def test_resolution_through_the_pipeline():
    text = ("某县人民政府关于加强测试工作的通知\n\n各镇人民政府：\n\n"
            "为贯彻《市政府关于全面推进美丽扬州建设的实施意见》（扬府发〔2024〕118号），按照《实施意见》"
            "和上述文件要求，结合扬府发〔2024〕118号文件精神，现通知如下。\n\n一、总体要求\n\n（一）加强领导。抓好落实。")
    pd = parse_text(text, {"id": "t"})
    out = resolve_document(pd.citations, INDEX)
    assert [(c.text, c.resolved_id) for c in out] == [
        ("《市政府关于全面推进美丽扬州建设的实施意见》（扬府发〔2024〕118号）", "yangzhou"),
        ("《实施意见》", "yangzhou"),
        ("上述文件", "yangzhou"),
        ("扬府发〔2024〕118号", "yangzhou"),
    ]
