"""The fast paths of ``kb.analysis`` give exactly what their definitions give.

An index build tokenizes millions of characters, so the hot paths are written for speed:
jieba's dictionary cut computed directly (``_cut``), bigram chains built with C loops
(``bigram_spans``), whole-string lower-casing (``fold``). Each is compared here with the
plain definition — jieba itself, the unit-at-a-time bigram stream, the per-character fold —
on the real corpus and on generated text.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from kb import analysis
from kb.analysis import JIEBA, RUN_RE, _bigram_tokens_by_unit, _cut, bigram_spans, bigram_tokens, fold

CORPUS_TEXT = "".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
HAN = sorted({c for c in CORPUS_TEXT if "\u4e00" <= c <= "\u9fff"})
# Han characters jieba does not treat as Han (extension A, 〇, the end of the block).
ODD_HAN = ["\u3400", "\u4dbf", "\u3007", "\u9fd6", "\u9fff", "\uf900"]
SEPARATORS = list(" 、—-·“”《》，。；：（）\n") + ["\u3000"]
WORDS = ["pm2.5", "PM2.5", "ＰＭ２．５", "1172.77", "co2", "1+n", "ΑΣ", "İ", "ア"]


def _jieba(run: str) -> list[tuple[str, int, int]]:
    return list(JIEBA.get().tokenize(run, HMM=analysis.USE_HMM))


def test_cut_equals_jieba_on_every_run_of_the_corpus():
    runs = [m.group() for m in RUN_RE.finditer(fold(CORPUS_TEXT)) if m.lastgroup == "cjk"]
    assert len(runs) > 300
    tk = JIEBA.get()
    assert [_cut(tk, r) for r in runs] == [_jieba(r) for r in runs]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(HAN + ODD_HAN), min_size=1, max_size=40))
def test_cut_equals_jieba_on_any_run(chars):
    run = "".join(chars)
    assert _cut(JIEBA.get(), run) == _jieba(run)


@settings(max_examples=400, deadline=None)
@given(st.integers(0, len(CORPUS_TEXT) - 1), st.integers(1, 60))
def test_cut_equals_jieba_on_corpus_substrings(start, length):
    run = "".join(c for c in CORPUS_TEXT[start:start + length] if re.match(r"[\u4e00-\u9fd5]", c))
    if run:
        assert _cut(JIEBA.get(), run) == _jieba(run)


_pieces = st.lists(st.one_of(st.sampled_from(HAN[:60] + ODD_HAN[:2]), st.sampled_from(SEPARATORS),
                             st.sampled_from(WORDS)), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(_pieces, st.booleans())
def test_bigram_spans_equal_the_unit_at_a_time_stream(text, index):
    assert bigram_tokens(text, index=index) == _bigram_tokens_by_unit(text, index=index)
    assert [tuple(t) for t in bigram_tokens(text, index=index)] == bigram_spans(text, index=index)


def test_bigram_spans_equal_the_unit_at_a_time_stream_on_the_corpus():
    for para in CORPUS_TEXT.split("\n"):
        for index in (True, False):
            assert bigram_tokens(para, index=index) == _bigram_tokens_by_unit(para, index=index)


def _fold_per_character(text: str) -> str:
    out = text.translate(analysis._FOLD)
    if out.isascii():
        return out
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in out)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=20))
def test_fold_equals_folding_each_character(text):
    assert fold(text) == _fold_per_character(text)
    assert len(fold(text)) == len(text)


def test_fold_keeps_length_where_lower_would_not():
    for text in ("İstanbul 生态", "ΟΔΟΣ 环境", "ΑΣ", "Σ", "ẞ 碳达峰"):
        assert fold(text) == _fold_per_character(text) and len(fold(text)) == len(text)
