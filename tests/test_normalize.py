import pytest

from indexer.normalize import normalize, normalize_query


@pytest.mark.parametrize("raw, expected", [
    ("各县(市、区)人民政府,市各直属单位:", "各县（市、区）人民政府，市各直属单位："),
    ("各县（市、区）人民政府，市各直属单位：", "各县（市、区）人民政府，市各直属单位："),
    ("面积保持在1172.77平方千米以上", "面积保持在1172.77平方千米以上"),
    ("投资1,000万元;10:30召开", "投资1,000万元；10:30召开"),
    ("降低ＰＭ２．５浓度", "降低PM2.5浓度"),
    ("水质稳定达到Ⅲ类", "水质稳定达到Ⅲ类"),  # no NFKC: Ⅲ stays Ⅲ
    ("扬府发〔2024〕118号", "扬府发〔2024〕118号"),  # 〔〕 untouched
    ("\ufeff标题\r\n\r\n\r\n\u3000\u3000正文。\xa0\n", "标题\n\n正文。"),
    ("a\x00b\x07c", "abc"),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_ascii_and_fullwidth_forms_normalise_alike():
    ascii_form = "(五)持续深入打好蓝天碧水净土保卫战。以降低PM2.5浓度为主线,大力推动减排;"
    full_form = "（五）持续深入打好蓝天碧水净土保卫战。以降低ＰＭ２．５浓度为主线，大力推动减排；"
    assert normalize(ascii_form) == normalize(full_form)


def test_query_normalisation_is_case_and_width_insensitive():
    assert normalize_query("ＰＭ２.５") == normalize_query("pm2.5") == "pm2.5"
