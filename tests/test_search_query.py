"""The query side without an index: query language, planning, synonyms, highlights."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.errors import ConfigError
from kb.search import query as q
from kb.search.highlight import find_spans, mark, merge
from kb.search.plan import is_positive, make_unit, plan, positive_units
from kb.search.vocab import Synonyms, synonyms


def parsed(text):
    p = q.parse(text)
    return q.to_string(p.tree), p.notices


# ---------------------------------------------------------------------------
# Query language
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, tree", [
    ("碳达峰", "碳达峰"),
    ("碳达峰 船舶", "(碳达峰 船舶)"),
    ('"无废城市"', '"无废城市"'),
    ("“无废城市”", '"无废城市"'),
    ("＂无废城市＂", '"无废城市"'),
    ("碳达峰 OR 碳中和", "(碳达峰 OR 碳中和)"),
    ("碳达峰 AND NOT 船舶", "(碳达峰 AND NOT 船舶)"),
    ("碳达峰 -船舶", "(碳达峰 NOT 船舶)"),
    ("(噪声 OR 扬尘) 治理", "((噪声 OR 扬尘) 治理)"),
    ("（噪声 ＯＲ 扬尘） 治理", "((噪声 OR 扬尘) 治理)"),
    ("a OR b c", "(a OR (b c))"),  # AND binds tighter than OR
    ("碳达峰 and 船舶", "(碳达峰 and 船舶)"),  # lower case is a word
])
def test_query_language(text, tree):
    assert parsed(text) == (tree, [])


@pytest.mark.parametrize("text, tree, why", [
    ('"', "", "引号不配对"),
    ('"无废城市', "无废城市", "引号不配对"),
    ("(", "", "括号不配对"),
    ("(碳达峰", "碳达峰", "括号不配对"),
    ("碳达峰)", "碳达峰", "多余的“)”"),
    ("()", "", "空括号"),
    ("AND", "AND", "“AND”的位置不对"),
    ("碳达峰 AND", "碳达峰", "运算符后缺少检索词"),
    ("OR 碳达峰", "碳达峰", "“OR”的位置不对"),
])
def test_malformed_queries_fall_back_to_plain_words(text, tree, why):
    got, notices = parsed(text)
    assert got == tree
    assert notices == [q.NOTICE_SYNTAX.format(why=why)]


def test_only_exclusions_is_refused_with_a_notice():
    assert parsed("NOT 碳达峰") == ("", [q.NOTICE_ONLY_NOT])
    assert parsed("-船舶") == ("", [q.NOTICE_ONLY_NOT])


def test_long_queries_are_cut():
    tree, notices = parsed("碳" * 5000)
    assert tree == "碳" * q.MAX_CHARS and notices == [q.NOTICE_TRUNCATED]
    tree, notices = parsed(" ".join(f"词{i}" for i in range(60)))
    assert len(q.leaves(q.parse(" ".join(f"词{i}" for i in range(60))).tree)) == q.MAX_UNITS
    assert q.NOTICE_TOO_MANY in notices


HOSTILE = ['"', "(", ")", "AND", "OR NOT", "*", "**?", "碳" * 5000, "<script>alert(1)</script>",
           "' OR 1=1 --", "'; DROP TABLE provisions; --", "\x00\x01", "\u200b", "（（（", "“”", "NOT NOT",
           "-", "--", "a:b", "field:value", "碳达峰~2", "碳达峰^3", "\\", "%_%"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_parse_and_plan(text):
    p = q.parse(text)
    notices = list(p.notices)
    planned = plan(p.tree, notices)
    assert planned is None or is_positive(planned) or any("NOT" in n for n in notices)


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_any_text_parses_and_plans(text):
    p = q.parse(text)
    plan(p.tree, list(p.notices))


# ---------------------------------------------------------------------------
# Units, synonyms
# ---------------------------------------------------------------------------

def test_units_carry_synonyms_and_partial_words():
    u = make_unit(q.Word("ＰＭ２.５"))
    assert [f.text for f in u.forms] == ["pm2.5", "细颗粒物"] and u.forms[1].synonym
    u = make_unit(q.Word("湖泊生态修复"))
    texts = [f.text for f in u.partial]
    assert {"湖泊", "生态修复", "生态", "修复"} <= set(texts)
    assert make_unit(q.Word("马克思")).partial == ()  # never looked for as 马克


def test_exact_phrases_have_no_synonyms_or_partial_forms():
    u = make_unit(q.Phrase("PM2.5"))
    assert [f.text for f in u.forms] == ["pm2.5"] and u.partial == ()


def test_units_without_searchable_characters_are_dropped_with_a_notice():
    notices = []
    tree = plan(q.parse("* 碳达峰").tree, notices)
    assert [u.typed for u in positive_units(tree)] == ["碳达峰"]
    assert notices == ["已忽略不含可检索字词的部分：*"]


def test_synonym_table_syntax():
    syn = Synonyms.parse("# c\n甲 | 乙 | 丙\n丁 => 戊 | 己\nＡ | b\n")
    assert syn("甲") == ("乙", "丙") and syn("丙") == ("甲", "乙")
    assert syn("丁") == ("戊", "己") and syn("戊") == ()
    assert syn("a") == ("b",) and syn("B") == ("Ａ",)


@pytest.mark.parametrize("line", ["甲", "甲 |", "甲 => ", "甲 => 乙 => 丙", "| 乙"])
def test_synonym_table_errors_name_the_line(line):
    with pytest.raises(ConfigError, match="line 2"):
        Synonyms.parse(f"# 注释\n{line}\n")


def test_shipped_synonyms_cover_the_documented_abbreviations():
    syn = synonyms()
    assert "细颗粒物" in syn("PM2.5") and "pm2.5" in [s.lower() for s in syn("细颗粒物")]
    assert "碳达峰碳中和" in syn("双碳") and "发展改革委" in syn("发改委")
    assert "蓝天" in syn("大气") and "细颗粒物" in syn("空气质量")


# ---------------------------------------------------------------------------
# Highlights
# ---------------------------------------------------------------------------

def spans_of(query, text):
    p = q.parse(query)
    return [text[s:e] for s, e in find_spans(text, positive_units(plan(p.tree)))]


def test_the_context_is_matched_by_forms_and_the_text_also_by_every_piece():
    """A title that mentions 环境 does not lift a clause found for 生态环境 through its piece
    环境; the text and headings match the whole form, or every piece together (an And)."""
    from whoosh import query as wq

    from kb.search.whoosh_engine import unit_query

    unit = plan(q.parse("生态环境").tree)
    assert [p.text for p in unit.pieces] == ["生态", "环境"]
    match, context = unit_query(unit).children()
    per_form = 2  # the form's words and its bigrams
    whole = [x for x in match.subqueries if not isinstance(x, wq.And)]
    (every,) = [x for x in match.subqueries if isinstance(x, wq.And)]
    assert len(whole) == per_form * 2 * len(unit.forms)  # text, headings
    assert len(every.subqueries) == len(unit.pieces)
    assert len(context.subqueries) == per_form * len(unit.forms)
    assert {field for field, _ in context.iter_all_terms()} == {"context", "context_bi"}


def test_highlight_marks_whole_forms_never_their_pieces():
    text = "学习马克思主义，马克·吐温，马克。"
    assert spans_of("马克思", text) == ["马克思"]


def test_highlight_marks_a_word_inside_a_longer_name_exactly():
    assert spans_of("邵伯湖", "深入推进高宝邵伯湖群保护治理") == ["邵伯湖"]


def test_highlight_is_case_and_width_insensitive_and_spans_index_the_original():
    text = "以降低ＰＭ２．５浓度为主线"
    assert spans_of("pm2.5", "以降低PM2.5浓度为主线") == ["PM2.5"]
    assert spans_of("ＰＭ２.５", "以降低PM2.5浓度") == ["PM2.5"]
    assert spans_of("pm2", "PM2.5与PM2") == ["PM2"]  # not inside PM2.5
    assert spans_of("浓度", text) == ["浓度"]


def test_highlight_uses_synonyms_then_partial_words():
    assert spans_of("空气质量", "到2027年，细颗粒物平均浓度优于国家目标") == ["细颗粒物"]
    # 湖体 is a thesaurus synonym of the piece 湖泊
    assert spans_of("湖泊生态修复", "开展湖体水生植被生态修复，建成美丽湖泊") == ["湖体", "生态修复", "湖泊"]


def test_highlight_skips_excluded_words():
    assert spans_of("碳达峰 NOT 碳中和", "落实碳达峰碳中和") == ["碳达峰"]


def test_mark_escapes_html_and_merges_overlaps():
    assert merge([(3, 5), (0, 2), (1, 3), (7, 8)]) == ((0, 5), (7, 8))
    assert mark("<b>碳达峰</b>", [(3, 6)]) == "&lt;b&gt;<mark>碳达峰</mark>&lt;/b&gt;"
