"""kb.analysis: folding, jieba words with word positions, CJK bigrams, the Whoosh tokenizers."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema

from kb.analysis import (JIEBA, BigramTokenizer, WordTokenizer, bigram_tokens, fold, read_userdict,
                         split_word, word_tokens)

CLAUSE = "以降低ＰＭ２.５浓度为主线，深入推进长江、大运河、高宝邵伯湖群保护治理。"


def words(text, **kw):
    return [t.text for t in word_tokens(text, **kw)]


def bigrams(text, **kw):
    return [t.text for t in bigram_tokens(text, **kw)]


# ---------------------------------------------------------------------------
# Folding and offsets
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, folded", [
    ("ＰＭ２.５", "pm2.5"),
    ("PM2.5", "pm2.5"),
    ("ＥＯＤ模式", "eod模式"),
    ("（一）", "(一)"),
    ("蜀冈—瘦西湖", "蜀冈—瘦西湖"),
])
def test_fold_is_width_and_case_insensitive(raw, folded):
    assert fold(raw) == folded


@given(st.text(max_size=60))
@settings(max_examples=150, deadline=None)
def test_offsets_index_the_original_text(text):
    assert len(fold(text)) == len(text)
    for toks in (word_tokens(text, index=True), bigram_tokens(text, index=True)):
        for t in toks:
            assert 0 <= t.start < t.end <= len(text)
            assert t.text.replace("—", "")  # never an empty token
        assert [t.pos for t in toks] == sorted(t.pos for t in toks)


def test_word_positions_count_words_not_characters():
    toks = word_tokens(CLAUSE)
    assert [t.pos for t in toks] == list(range(len(toks)))
    for t in toks:
        assert fold(CLAUSE[t.start:t.end]) == t.text
    assert "pm2.5" in [t.text for t in toks]  # not pm2 / . / 5


def test_hard_separators_leave_a_position_gap_at_index_time():
    toks = {t.text: t.pos for t in word_tokens("推进综合治理，保护水源地", index=True)}
    assert toks["保护"] == toks["综合治理"] + 2
    toks = {t.text: t.pos for t in word_tokens("推进综合治理，保护水源地")}
    assert toks["保护"] == toks["综合治理"] + 1  # queries: every separator is soft


# ---------------------------------------------------------------------------
# The user dictionary
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("term", ["高宝邵伯湖", "无废城市", "新质生产力", "生态保护红线", "碳达峰", "细颗粒物",
                                  "发展改革委", "宝应湖"])
def test_policy_terms_are_one_word(term):
    assert words(f"加快{term}建设") == ["加快", term, "建设"]


@pytest.mark.parametrize("spelling", ["蜀冈—瘦西湖", "蜀冈-瘦西湖", "蜀冈－瘦西湖"])
def test_joined_names_are_one_word_in_any_dash(spelling):
    toks = word_tokens(f"{spelling}的景色")
    assert toks[0].text == "蜀冈—瘦西湖" and (toks[0].start, toks[0].end) == (0, 6)


def test_userdict_lines_and_comments():
    assert read_userdict("# 注释\n高宝邵伯湖 ns\n无废城市 5 nz  # 行尾注释\n\nＰＭ２.５\n") == [
        ("高宝邵伯湖", None, "ns"), ("无废城市", 5, "nz"), ("pm2.5", None, None)]


def test_split_word_uses_longest_dictionary_pieces():
    assert split_word("碳达峰碳中和") == ["碳达峰", "碳中和"]
    assert split_word("马克思主义") == ["马克思", "主义"]


def test_jieba_cache_lives_in_a_folder_we_can_write():
    tk = JIEBA.get()
    assert tk.tmp_dir and os.access(tk.tmp_dir, os.W_OK)


# ---------------------------------------------------------------------------
# Bigrams
# ---------------------------------------------------------------------------

def test_bigrams_make_substrings_findable():
    sub = bigrams("邵伯湖")
    full = bigrams("高宝邵伯湖群", index=True)
    i = full.index(sub[0])
    assert full[i:i + 4] == ["邵伯", "邵", "伯湖", "伯"]  # consecutive positions, with unigrams


def test_bigrams_keep_non_cjk_words_whole_and_join_across_soft_separators():
    assert bigrams("ＰＭ２.５浓度") == ["pm2.5", "浓度"]
    assert bigrams("“无废城市”建设") == ["无废", "废城", "城市", "市建", "建设"]
    assert bigrams("湖") == ["湖"]


# ---------------------------------------------------------------------------
# In Whoosh: phrase queries need word positions
# ---------------------------------------------------------------------------

DOCS = {
    "a": "推进高宝邵伯湖综合治理，保护水源地。",
    "b": "推进高宝邵伯湖保护，加强综合治理。",  # the same two words, apart
    "c": "综合治理高宝邵伯湖。",  # the same two words, the other way round
}


def _index(tmp_path, analyzer):
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=analyzer, phrase=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer() as w:
        for k, v in DOCS.items():
            w.add_document(id=k, text=v)
    return ix


def _ids(ix, q):
    with ix.searcher() as s:
        return sorted(h["id"] for h in s.search(q))


def test_phrase_query_finds_words_in_order(tmp_path):
    ix = _index(tmp_path, WordTokenizer())
    assert words("高宝邵伯湖综合治理") == ["高宝邵伯湖", "综合治理"]
    assert _ids(ix, wq.Phrase("text", words("高宝邵伯湖综合治理"))) == ["a"]
    assert _ids(ix, wq.And([wq.Term("text", "高宝邵伯湖"), wq.Term("text", "综合治理")])) == ["a", "b", "c"]
    assert _ids(ix, wq.Phrase("text", words("综合治理，保护"))) == []  # no phrase across a comma


def test_phrase_query_fails_with_the_stock_jieba_analyzer(tmp_path):
    """Why kb.analysis exists: ChineseAnalyzer stores character offsets as positions."""
    from jieba.analyse import ChineseAnalyzer

    ix = _index(tmp_path, ChineseAnalyzer())
    assert _ids(ix, wq.Phrase("text", ["高宝邵伯湖", "综合治理"])) == []


def test_bigram_phrase_finds_any_substring(tmp_path):
    ix = _index(tmp_path, BigramTokenizer())
    assert _ids(ix, wq.Phrase("text", bigrams("邵伯湖综合"))) == ["a"]
    assert _ids(ix, wq.Phrase("text", bigrams("邵伯湖"))) == ["a", "b", "c"]
    assert _ids(ix, wq.Phrase("text", bigrams("治理保护"))) == []  # the comma is a hard separator


def test_analyzers_are_pickled_by_their_stable_path(tmp_path):
    _index(tmp_path, WordTokenizer())
    ix = whoosh_index.open_dir(str(tmp_path))
    assert type(ix.schema["text"].analyzer).__module__ == "kb.analysis"
    assert _ids(ix, wq.Term("text", "水源地")) == ["a"]
