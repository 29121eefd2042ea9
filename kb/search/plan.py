"""Query tree → plan: each word or phrase becomes a ``Unit`` an engine can match.

A unit carries everything an engine needs, already analysed with the same
token streams as the index (``kb.analysis``):

* ``forms``: what was typed, then its synonyms (``kb/data/synonyms.txt`` and
  ``kb/data/thesaurus.txt``), each with its query-mode jieba words and bigrams and a
  weight. A clause that has one of them matches the unit.
* ``pieces``: for a plain (unquoted) unit of several words, its *content words* —
  the jieba words left when question words (谁负责, 怎么, 几类), frame words (要, 期间)
  and stop words are taken out (``kb.search.understand``) — each with its own
  synonyms. Neighbouring words that together are a thesaurus term are one piece
  (企业 | 环境信息公开, so 环境信息披露 is found). Pieces that are *generic* (a word in
  a large share of the clauses, or in ``kb/data/generic.txt``: 治理, 建设, 推广) only
  add to the score; a clause that has **every specific** piece (each as itself or a
  synonym) also matches the unit, below a whole-form match (all pieces generic:
  every piece). A clause with only some specific pieces is a *partial* match,
  shown apart (``kb.search.service``).
  A piece of four or more characters may also be matched by its dictionary
  sub-words together (生态修复 → 生态 + 修复), never a three-character word
  (马克思 is never looked for as 马克).

A quoted phrase has one form and no pieces: it matches only where its words
stand together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Callable

from kb.analysis import CJK_RE, JOINER, JOINERS, SOFT, bigram_tokens, fold, split_word, word_tokens
from kb.search import query as q
from kb.search.ranking import BAG_WEIGHT, SYNONYM_WEIGHT
from kb.search.understand import period_terms, question_words
from kb.search.vocab import stopwords, synonyms

NOTICE_DROPPED = "已忽略不含可检索字词的部分：{items}"
NOTICE_QUESTION = "已去掉提问用语，按内容词检索：{items}"
SPLIT_MIN = 4  # words this long are also looked for as their dictionary sub-words
MAX_MERGE = 4  # neighbouring words tried together as one thesaurus term
BAG_FORMS = 2  # forms of a piece also matched as their words together: what was typed and its first synonym (each is an And: the cost of a query)


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
class Piece:
    """A content word of a unit: matched as any of ``forms``, or as all forms of one of ``bags``."""

    text: str
    forms: tuple[Form, ...]
    bags: tuple[tuple[Form, ...], ...] = ()  # sub-words that together stand for the piece
    generic: bool = False


@dataclass(frozen=True)
class Unit:
    typed: str
    exact: bool
    forms: tuple[Form, ...]
    pieces: tuple[Piece, ...] = ()  # content words; every one must match (or a whole form)
    asks: tuple[str, ...] = ()  # question kinds cut out of it (kb.search.understand.KINDS)
    generic: bool = False  # one generic word (no pieces): no partial match rests on it alone

    @cached_property  # a frozen dataclass's __dict__ still takes it; asked for every hit
    def partial(self) -> tuple[Form, ...]:
        """Every form of every piece (what highlighting marks where no whole form stands)."""
        out, seen = [], {f.text for f in self.forms}
        for p in self.pieces:
            for f in p.forms + tuple(f for bag in p.bags for f in bag):
                if f.text not in seen:
                    seen.add(f.text)
                    out.append(f)
        return tuple(out)

    @property
    def specific(self) -> tuple[Piece, ...]:
        """The pieces a full match needs and a partial match may rest on (not generic)."""
        return tuple(p for p in self.pieces if not p.generic)


@lru_cache(maxsize=8192)
def make_form(text: str, weight: float = 1.0, synonym: bool = False) -> Form | None:
    """A form's words and bigrams (a pure function of its text: the synonyms of common words
    are analysed once per process)."""
    words = tuple(t.text for t in word_tokens(text))
    if not words:
        return None
    return Form(fold(text).strip(), words, tuple(t.text for t in bigram_tokens(text)), weight, synonym)


def expansions(term: str) -> tuple[str, ...]:
    """What else a term is searched as: thesaurus synonyms, then time expressions."""
    return tuple(dict.fromkeys(synonyms()(term) + period_terms(term)))


def _forms(text: str, weight: float = 1.0) -> tuple[Form, ...]:
    first = make_form(text, weight)
    if first is None:
        return ()
    out, seen = [first], {first.text}
    for s in expansions(text):
        f = make_form(s, weight * SYNONYM_WEIGHT, True)
        if f is not None and f.text not in seen:
            seen.add(f.text)
            out.append(f)
    return tuple(out)


def _content_words(text: str) -> list[str]:
    """The content words of ``text``: jieba words; neighbours that together are a thesaurus term
    or a time expression joined (企业 | 环境信息公开, 十五 + 五 → 十五五); a run of single
    characters jieba could not put into words joined as one unknown word (网 约 车 → 网约车);
    stop words, frame words (要, 期间) and lone characters left out."""
    stop, qw = stopwords(), question_words()
    words = _merge([t.text for t in word_tokens(text)])
    out: list[str] = []
    run: list[str] = []

    def flush():
        if len(run) > 1:
            out.append("".join(run))
        run.clear()

    for w in words:
        if len(w) == 1 and CJK_RE.match(w) and w not in stop and not qw.is_frame(w):
            run.append(w)
            continue
        flush()
        if w in stop or qw.is_frame(w):
            continue
        out.append(w)
    flush()
    return out


def _merge(words: list[str]) -> list[str]:
    """Neighbouring words that together are a thesaurus term (or a time expression) as one."""
    out, i = [], 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_MERGE), i + 1, -1):
            joined = "".join(words[i:j])
            if expansions(joined):
                out.append(joined)
                i = j
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _split(text: str) -> list[str]:
    """A long word as the dictionary words it is made of (耕地保护 → 耕地, 保护), when they
    cover it all; else [] (高宝邵伯湖 is not 邵伯湖, and 马克思 is never cut)."""
    if len(text) < SPLIT_MIN or not CJK_RE.match(text):
        return []
    subs = split_word(text)
    return subs if len(subs) > 1 and "".join(subs) == text else []


def make_piece(text: str, is_generic: Callable[[str], bool] | None = None) -> Piece | None:
    forms = _forms(text)
    if not forms:
        return None
    bags = []
    for f in forms[:BAG_FORMS]:
        subs = f.words if len(f.words) > 1 else _split(f.text)
        bag = tuple(b for s in subs if s not in stopwords() and not (len(s) == 1 and CJK_RE.match(s))
                    and (b := make_form(s, f.weight * BAG_WEIGHT)))
        if len(bag) > 1:
            bags.append(bag)
    return Piece(forms[0].text, forms, tuple(bags), bool(is_generic and is_generic(forms[0].text)))


def make_unit(leaf, is_generic: Callable[[str], bool] | None = None) -> Unit | None:
    typed = leaf.text
    if isinstance(leaf, q.Phrase):
        first = make_form(typed)
        return Unit(typed, True, (first,)) if first is not None else None
    parts, asks = question_words().split(typed)
    words = [w for part in parts for w in _content_words(part)]
    if len(words) == 1 and len(word_tokens(words[0])) == 1 and (subs := _split(words[0])):
        words = [w for w in subs if w not in stopwords()]  # 耕地保护: 耕地 and 保护, apart
    # A whole form is what was typed — unless it held question words: then only its content counts.
    forms = _forms(typed) if not asks else ()
    pieces = tuple(dict.fromkeys(p for w in words if (p := make_piece(w, is_generic)) is not None))
    if not forms and not pieces:
        return None
    if len(pieces) == 1 and forms and pieces[0].text == forms[0].text and not pieces[0].bags:
        pieces = ()  # one word: the unit is that word (a term of several words keeps its bags)
    if not forms and len(pieces) == 1:  # a question about one thing: that thing is the unit
        forms, pieces = pieces[0].forms, ()
    generic = not pieces and bool(is_generic and is_generic(forms[0].text))
    return Unit(typed, False, forms, pieces, tuple(asks), generic)


def plan(tree, notices: list[str] | None = None, is_generic: Callable[[str], bool] | None = None):
    """The tree with leaves replaced by units; leaves with nothing searchable are dropped.
    ``is_generic(word)`` marks generic pieces (from the index's document frequencies)."""
    dropped: list[str] = []
    out = _plan(tree, dropped, is_generic)
    if dropped and notices is not None:
        notices.append(NOTICE_DROPPED.format(items="、".join(dict.fromkeys(dropped))))
    if notices is not None:
        asked = [u for u in positive_units(out) if u.asks]
        if asked:
            notices.append(NOTICE_QUESTION.format(items="、".join(
                " ".join(p.text for p in u.pieces) or u.forms[0].text for u in asked)))
    return out


def _plan(node, dropped: list[str], is_generic):
    if node is None:
        return None
    if isinstance(node, (q.Word, q.Phrase)):
        unit = make_unit(node, is_generic)
        if unit is None:
            dropped.append(node.text)
        return unit
    if isinstance(node, q.Not):
        inner = _plan(node.item, dropped, is_generic)
        return q.Not(inner) if inner is not None else None
    items = tuple(x for x in (_plan(i, dropped, is_generic) for i in node.items) if x is not None)
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


@dataclass(frozen=True)
class PartialUnit:
    """A unit matched by any one of its specific pieces (engines: ``ranking.unit_query(partial=True)``)."""

    unit: Unit


def partial_plan(node):
    """What a partial match of ``node`` may rest on: a unit's specific pieces (any one of
    them); in an implicit AND (words separated by spaces) also any whole unit that is not
    generic; in an OR the partial matches of its items. Explicit AND and NOT are meant as
    written: nothing partial. None: nothing to look for. (The service subtracts the full
    matches.)"""
    if isinstance(node, Unit):
        return PartialUnit(node) if len(node.specific) > 1 else None
    if not isinstance(node, (q.And, q.Or)) or (isinstance(node, q.And) and not node.implicit):
        return None
    items = []
    for item in node.items:
        part = partial_plan(item)
        if part is None and isinstance(node, q.And) and isinstance(item, Unit) and not item.generic:
            part = item  # 碳达峰 船舶: a clause with 碳达峰 alone is a partial match
        if part is not None:
            items.append(part)
    if not items:
        return None
    return items[0] if len(items) == 1 else q.Or(tuple(items))
