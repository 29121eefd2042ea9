"""Candidates for the search vocabulary, from the corpus:
``python -m indexer.vocab_candidates [corpus/]``.

Prints, for a person to review (nothing is added automatically):

1. **quoted terms** — “无废城市”, “公转水”: policy documents put their coined
   terms in quotes; those jieba does not know as one word;
2. **repeated phrases jieba breaks** — where jieba's segmentation of the text
   has two or more single characters in a row (碳/达/峰, 无/废/城市), that run,
   alone and with the word on either side, seen at least ``--min-count`` times:
   the classic sign of a word missing from the dictionary;
3. **names** — a word followed by a one-character place or body suffix in
   jieba's segmentation (高邮/湖, 江都/区, 生态环境/局): names jieba does not know;
4. **abbreviation pairs** — 全称（简称） written in the text, e.g.
   生态环境导向的开发（EOD）, candidates for ``kb/data/synonyms.txt``.

How to use the output is in docs/search.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from kb.analysis import JIEBA, USE_HMM, fold
from kb.paths import default_corpus

QUOTED_RE = re.compile(r"“(?P<term>[^“”，。；、\n]{2,12})”")
CJK_RE = re.compile(r"^[\u4e00-\u9fff]+$")
NAME_SUFFIXES = set("湖河江县区市镇乡村局委办厅园")
ABBREVIATION_RE = re.compile(
    r"(?P<full>[\u4e00-\u9fff]{2,20})[（(](?P<abbr>[A-Za-z][A-Za-z0-9]{1,9}|[\u4e00-\u9fff]{2,6})[）)]")


def single_runs(words: list[str]) -> Iterable[str]:
    """Runs of 2+ single Han characters in a segmentation, alone and with a neighbouring word."""
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j]) == 1 and CJK_RE.match(words[j]):
            j += 1
        if j - i >= 2:
            run = "".join(words[i:j])
            yield run
            if i > 0 and CJK_RE.match(words[i - 1]):
                yield words[i - 1] + run
            if j < len(words) and CJK_RE.match(words[j]):
                yield run + words[j]
        i = max(j, i + 1)


def suffixed_names(words: list[str]) -> Iterable[str]:
    for a, b in zip(words, words[1:]):
        if b in NAME_SUFFIXES and len(a) >= 2 and CJK_RE.match(a):
            yield a + b


def candidates(texts: Iterable[str], is_word: Callable[[str], bool], cut: Callable[[str], list[str]],
               min_count: int = 2) -> dict[str, list[tuple[str, int]]]:
    texts = list(texts)
    quoted: Counter = Counter()
    names: Counter = Counter()
    grams: Counter = Counter()
    pairs: Counter = Counter()
    for text in texts:
        quoted.update(m.group("term") for m in QUOTED_RE.finditer(text))
        pairs.update(f"{m.group('full')} | {m.group('abbr')}" for m in ABBREVIATION_RE.finditer(text))
        for line in text.splitlines():
            words = cut(line)
            grams.update(single_runs(words))
            names.update(suffixed_names(words))

    def keep(counter: Counter, at_least: int) -> list[tuple[str, int]]:
        out = [(t, c) for t, c in counter.items() if c >= at_least and not is_word(fold(t))]
        return sorted(out, key=lambda tc: (-tc[1], -len(tc[0]), tc[0]))

    return {"quoted": keep(quoted, 1), "repeated": keep(grams, min_count)[:200],
            "names": keep(names, 1), "abbreviations": sorted(pairs.items(), key=lambda x: -x[1])}


def corpus_texts(corpus: Path) -> list[str]:
    """The normalised text of every document, read as ``policykb build`` reads it."""
    from indexer.build import parse_corpus

    return [pd.document.text for pd in parse_corpus(corpus, progress=None)]


TITLES = {"quoted": "引号中的术语（jieba 不视为一个词）", "repeated": "反复出现、被 jieba 切碎的短语",
          "names": "地名、机构名（jieba 不认识）", "abbreviations": "全称（简称）：同义词候选"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m indexer.vocab_candidates",
                                 description="列出检索词表（用户词典、同义词）的候选词，供人工审核")
    ap.add_argument("corpus", nargs="?", type=Path, default=None, help="语料目录（默认 ./corpus）")
    ap.add_argument("--min-count", type=int, default=2, help="短语至少出现的次数（默认 2）")
    args = ap.parse_args(argv)
    tk = JIEBA.get()
    found = candidates(corpus_texts(args.corpus or default_corpus()), JIEBA.is_word,
                       lambda t: tk.lcut(fold(t), HMM=USE_HMM), args.min_count)
    for key, title in TITLES.items():
        print(f"## {title}（{len(found[key])}）")
        for term, count in found[key]:
            print(f"{term}\t{count}")
        print()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into head
        sys.exit(0)
