"""Query tree → plan: each word or phrase becomes a ``Unit`` an engine can match.

A unit carries everything an engine needs, already analysed with the same
token streams as the index (``kb.analysis``):

* ``forms``: what was typed, then its synonyms (``kb/data/synonyms.txt``),
  each with its query-mode jieba words and bigrams and a weight;
* ``partial``: for a plain (unquoted) unit of several words, the words on
  their own (湖泊生态修复 → 湖泊, 生态修复, 生态, 修复), and their synonyms,
  so a clause that says it differently still matches, below the exact ones.
  Stop words and single characters are not partial forms; a word of four or
  more characters is also split into its longest dictionary words
  (碳达峰碳中和 → 碳达峰, 碳中和) — never a three-character word, so 马克思 is
  never looked for as 马克.

A quoted phrase has one form and no partial forms: it matches only where its
words stand together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.analysis import CJK_RE, JOINER, JOINERS, SOFT, bigram_tokens, fold, split_word, word_tokens
from kb.search import query as q
from kb.search.ranking import SYNONYM_WEIGHT
from kb.search.vocab import stopwords, synonyms

NOTICE_DROPPED = "已忽略不含可检索字词的部分：{items}"
SPLIT_MIN = 4  # words this long are also looked for as their dictionary sub-words


@dataclass(frozen=True)
class Form:
    text: str  # folded
    words: tuple[str, ...]  # jieba words, query mode, in order
    bigrams: tuple[str, ...]  # bigram-field tokens, query mode, in order
    weight: float = 1.0
    synonym: bool = False

    def pattern(self) -> re.Pattern:
        """Where this form stands in folded text: its words in order, with at most
        soft separators between them (蜀冈瘦西湖 finds 蜀冈—瘦西湖, as the bigram
        field does; see ``kb.analysis``). Latin letters and digits at either end
        must not continue a longer word (pm2 is not marked inside pm2.5)."""
        return _pattern(self.text, self.words)


@lru_cache(maxsize=4096)
def _pattern(text: str, words: tuple[str, ...]) -> re.Pattern:
    joiner = f"[{re.escape(JOINERS)}]"
    body = f"[{re.escape(SOFT)}]*".join(re.escape(w).replace(JOINER, joiner) for w in words)
    head = r"(?<![0-9a-z])" if text[:1].isascii() and text[:1].isalnum() else ""
    tail = r"(?![0-9a-z]|\.[0-9])" if text[-1:].isascii() and text[-1:].isalnum() else ""
    return re.compile(head + body + tail)


@dataclass(frozen=True)
class Unit:
    typed: str
    exact: bool
    forms: tuple[Form, ...]
    partial: tuple[Form, ...] = ()


def make_form(text: str, weight: float = 1.0, synonym: bool = False) -> Form | None:
    words = tuple(t.text for t in word_tokens(text))
    if not words:
        return None
    return Form(fold(text).strip(), words, tuple(t.text for t in bigram_tokens(text)), weight, synonym)


def _pieces(words: tuple[str, ...]) -> list[str]:
    stop = stopwords()
    out: list[str] = []
    for w in words:
        if w in stop or (len(w) == 1 and CJK_RE.match(w)):
            continue
        out.append(w)
        if len(w) >= SPLIT_MIN and CJK_RE.match(w):
            out.extend(p for p in split_word(w) if p not in stop)
    return list(dict.fromkeys(out))


def make_unit(leaf) -> Unit | None:
    typed = leaf.text
    first = make_form(typed)
    if first is None:
        return None
    if isinstance(leaf, q.Phrase):
        return Unit(typed, True, (first,))
    syn = synonyms()
    forms = [first] + [f for s in syn(typed) if (f := make_form(s, SYNONYM_WEIGHT, True))]
    seen = {f.text for f in forms}
    partial: list[Form] = []
    pieces = _pieces(first.words)
    if len(pieces) > 1 or (pieces and pieces[0] != first.text):
        for piece in pieces:
            for text, weight, is_syn in [(piece, 1.0, False)] + [(s, SYNONYM_WEIGHT, True) for s in syn(piece)]:
                f = make_form(text, weight, is_syn)
                if f is not None and f.text not in seen:
                    seen.add(f.text)
                    partial.append(f)
    return Unit(typed, False, tuple(forms), tuple(partial))


def plan(tree, notices: list[str] | None = None):
    """The tree with leaves replaced by units; leaves with nothing searchable are dropped."""
    dropped: list[str] = []
    out = _plan(tree, dropped)
    if dropped and notices is not None:
        notices.append(NOTICE_DROPPED.format(items="、".join(dict.fromkeys(dropped))))
    return out


def _plan(node, dropped: list[str]):
    if node is None:
        return None
    if isinstance(node, (q.Word, q.Phrase)):
        unit = make_unit(node)
        if unit is None:
            dropped.append(node.text)
        return unit
    if isinstance(node, q.Not):
        inner = _plan(node.item, dropped)
        return q.Not(inner) if inner is not None else None
    items = tuple(x for x in (_plan(i, dropped) for i in node.items) if x is not None)
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return q.And(items, node.implicit) if isinstance(node, q.And) else q.Or(items)


def positive_units(node) -> list[Unit]:
    """Units a hit may contain (not under NOT): what highlighting marks."""
    if isinstance(node, Unit):
        return [node]
    if isinstance(node, q.Not) or node is None:
        return []
    return [u for item in node.items for u in positive_units(item)]


def is_positive(node) -> bool:
    """Whether the plan can match without a universe to subtract from."""
    if isinstance(node, q.Not):
        return False
    if isinstance(node, q.And):
        return any(is_positive(x) for x in node.items)
    if isinstance(node, q.Or):
        return all(is_positive(x) for x in node.items)
    return node is not None
