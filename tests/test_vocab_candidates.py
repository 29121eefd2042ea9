"""indexer.vocab_candidates: candidates for the user dictionary and the synonym table, from corpus text."""

from __future__ import annotations

import pytest

from conftest import CORPUS
from indexer.vocab_candidates import candidates, main, single_runs, suffixed_names


@pytest.mark.parametrize("words, runs", [
    (["落实", "碳", "达", "峰", "行动"], ["碳达峰", "落实碳达峰", "碳达峰行动"]),
    (["无", "废", "城市"], ["无废", "无废城市"]),
    (["推进", "绿色", "发展"], []),
    (["的", "了"], ["的了"]),
])
def test_single_character_runs(words, runs):
    assert list(single_runs(words)) == runs


def test_suffixed_names():
    assert list(suffixed_names(["构建", "高邮", "湖", "生态"])) == ["高邮湖"]
    assert list(suffixed_names(["一", "湖", "一策"])) == []


def test_candidates_from_text():
    text = "加快“公转水”建设，推广生态环境导向的开发（EOD）模式。"
    cut = lambda t: [w for w in t.split("/")]  # a segmentation given by hand
    found = candidates([text], is_word=lambda w: w in {"公转水"}, cut=lambda t: list(t), min_count=2)
    assert found["quoted"] == []  # 公转水 is a word already
    assert [pair for pair, _ in found["abbreviations"]] == ["推广生态环境导向的开发 | EOD"]
    found = candidates(["治理/芒稻/河/和/芒稻/河"], is_word=lambda w: False, cut=cut)
    assert ("芒稻河", 2) in found["names"]


def test_cli_prints_the_four_lists(capsys):
    assert main([str(CORPUS)]) == 0
    out = capsys.readouterr().out
    assert out.count("## ") == 4 and "EOD" in out
