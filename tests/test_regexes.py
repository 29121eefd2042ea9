"""Table-driven tests of the numbering and 文号 patterns, in ASCII and full-width forms."""

import pytest

from indexer import regexes as rx
from indexer.normalize import normalize_line
from indexer.structure import cn_to_int, normalise_doc_number, numbering, parse_date


@pytest.mark.parametrize("line, type_, marker, num", [
    ("一、总体要求", "cn_comma", "一、", 1),
    ("十二、其他", "cn_comma", "十二、", 12),
    ("(五)持续深入打好蓝天碧水净土保卫战。", "cn_paren", "（五）", 5),
    ("（二十二）强化科技支撑。", "cn_paren", "（二十二）", 22),
    ("1．加强组织领导。", "num_dot", "1．", 1),
    ("1.加强组织领导。", "num_dot", "1.", 1),
    ("12、开展检查。", "num_dot", "12、", 12),
    ("(3)每季度报送一次。", "num_paren", "（3）", 3),
    ("（3）每季度报送一次。", "num_paren", "（3）", 3),
    ("②建立台账。", "circled", "②", 2),
    ("第一章 总则", "chapter", "第一章", 1),
    ("第二节 监督", "section", "第二节", 2),
    ("第三十五条 本办法自公布之日起施行。", "tiao", "第三十五条", 35),
    ("第100条 附则。", "tiao", "第100条", 100),
])
def test_numbering_forms(line, type_, marker, num):
    hit = numbering(normalize_line(line))
    assert hit is not None, line
    name, m = hit
    assert (name, m["marker"], cn_to_int(m["num"])) == (type_, marker, num)


@pytest.mark.parametrize("line", [
    "2024年9月26日",              # a date, not item 2024
    "1.5倍以上",                  # a decimal, not item 1
    "一是加强领导，二是强化保障。",  # 一是 is not numbering
    "根据《意见》，现提出如下实施意见。",
    "（此件公开发布）",
])
def test_not_numbering(line):
    assert numbering(normalize_line(line)) is None


@pytest.mark.parametrize("text, expected", [
    ("扬府发〔2024〕118号", "扬府发〔2024〕118号"),
    ("扬府发[2024]118号", "扬府发〔2024〕118号"),
    ("扬府发【2024】118号", "扬府发〔2024〕118号"),
    ("扬府发(2024)118号", "扬府发〔2024〕118号"),
    ("扬府发（2024）118号", "扬府发〔2024〕118号"),
    ("苏政办发〔2023〕5号", "苏政办发〔2023〕5号"),
    ("国函〔2021〕010号", "国函〔2021〕10号"),
    ("宝政发 〔2024〕 56 号", "宝政发〔2024〕56号"),
])
def test_doc_number_forms(text, expected):
    m = rx.DOC_NUMBER.search(text)
    assert m is not None
    assert normalise_doc_number(m) == expected


@pytest.mark.parametrize("text", ["2024年118号", "〔2024〕118号", "扬府发2024118号"])
def test_doc_number_rejects(text):
    assert rx.DOC_NUMBER.search(text) is None


@pytest.mark.parametrize("n, s", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (22, "二十二"),
                                  (99, "九十九"), (105, "一百零五"), (0, "零"), (110, "一百一十"),
                                  (1000, "一千"), (1005, "一千零五"), (1010, "一千零一十"), (9999, "九千九百九十九")])
def test_chinese_numerals(n, s):
    from kb.official_citation import int_to_cn

    assert cn_to_int(s) == n
    if n:
        assert int_to_cn(n) == s


@pytest.mark.parametrize("n, s", [(10000, "一万"), (10010, "一万零一十"), (100000, "十万"), (1100000, "一百一十万"),
                                  (123456789, "一亿二千三百四十五万六千七百八十九"), (10**12 + 5, "一万亿零五")])
def test_chinese_numerals_of_any_size(n, s):
    from kb.official_citation import int_to_cn

    assert int_to_cn(n) == s
    with pytest.raises(ValueError):
        int_to_cn(-1)


@pytest.mark.parametrize("line, iso", [
    ("2024年9月26日", "2024-09-26"),
    ("二〇二四年九月二十六日", "2024-09-26"),
    ("2024年13月", None),
])
def test_dates(line, iso):
    assert parse_date(line) == iso
