"""The query language: a string → a small boolean tree. Pure; never raises on user input.

Syntax (full-width forms are read as half-width, so ＡＮＤ（…）＂…＂ work too)::

    碳达峰 船舶            both words (implicit AND; relaxed to OR when nothing matches)
    "无废城市"  “无废城市”   an exact phrase (no synonyms, no partial matching)
    碳达峰 OR 碳中和        either
    碳达峰 AND NOT 船舶     NOT (or a leading -, as in -船舶) excludes
    (噪声 OR 扬尘) 治理     parentheses group

Operators are the upper-case words AND, OR, NOT; lower-case ``and`` is a
word. NOT binds tightest, then AND, then OR. A query that does not parse
(unbalanced quotes or parentheses, a dangling operator, only exclusions) is
searched as its plain words instead, and ``parse`` says so in ``notices``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.errors import QuerySyntaxError

MAX_CHARS = 200  # longer queries are cut (a pasted paragraph is not a query)
MAX_UNITS = 24  # words/phrases beyond this are dropped

# Half-width forms of the full-width characters users type in queries.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = ord(" ")

OPERATORS = {"AND", "OR", "NOT"}
QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
# A lexeme: a quoted phrase (possibly unterminated), a parenthesis, or a word.
LEXEME_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<phrase>(?P<open>["“「『])(?P<body>[^"“”「」『』]*)(?P<close>["”」』])?)
  | (?P<paren>[()])
  | (?P<word>[^\s()"“”「」『』]+)
    """,
    re.X,
)

NOTICE_SYNTAX = "查询语法有误（{why}），已按普通词检索"
NOTICE_TRUNCATED = f"查询过长，只使用了前 {MAX_CHARS} 个字符"
NOTICE_TOO_MANY = f"检索词过多，只使用了前 {MAX_UNITS} 个"
NOTICE_ONLY_NOT = "查询只有排除条件（NOT），请至少给出一个要检索的词"
NOTICE_EMPTY = "查询中没有可检索的词"


# ---------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    text: str  # as typed (width-folded)


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class And:
    items: tuple
    implicit: bool = False  # written without AND: may be relaxed to OR


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass
class ParsedQuery:
    tree: object | None  # None: nothing to search
    notices: list[str]


# ---------------------------------------------------------------------------
# Lexing and parsing
# ---------------------------------------------------------------------------

def _lex(text: str) -> list[tuple[str, str]]:
    out = []
    for m in LEXEME_RE.finditer(text):
        kind = m.lastgroup if m.lastgroup in ("space", "paren", "word") else "phrase"
        if kind == "space":
            continue
        if kind == "phrase":
            if m.group("close") is None or QUOTES[m.group("open")] != m.group("close"):
                out.append(("badquote", m.group("body")))
            else:
                out.append(("phrase", m.group("body")))
        elif kind == "paren":
            out.append((m.group(), m.group()))
        elif m.group() in OPERATORS:
            out.append((m.group(), m.group()))
        elif m.group().startswith("-") and len(m.group()) > 1:
            out.append(("NOT", "-"))
            out.append(("word", m.group()[1:]))
        else:
            out.append(("word", m.group()))
    return out


class _Parser:
    """query := or ; or := and (OR and)* ; and := not ([AND] not)* ; not := NOT not | atom"""

    def __init__(self, lexemes):
        self.lx = lexemes
        self.i = 0

    def peek(self):
        return self.lx[self.i][0] if self.i < len(self.lx) else None

    def take(self):
        self.i += 1
        return self.lx[self.i - 1]

    def parse(self):
        if not self.lx:
            return None
        node = self.or_()
        if self.peek() is not None:
            raise QuerySyntaxError(f"多余的“{self.lx[self.i][1]}”")
        return node

    def or_(self):
        items = [self.and_()]
        while self.peek() == "OR":
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self):
        items, implicit = [self.not_()], True
        while self.peek() not in (None, "OR", ")"):
            if self.peek() == "AND":
                self.take()
                implicit = False
            items.append(self.not_())
        return items[0] if len(items) == 1 else And(tuple(items), implicit)

    def not_(self):
        if self.peek() == "NOT":
            self.take()
            return Not(self.not_())
        return self.atom()

    def atom(self):
        kind = self.peek()
        if kind is None:
            raise QuerySyntaxError("运算符后缺少检索词")
        if kind == "(":
            self.take()
            if self.peek() == ")":
                raise QuerySyntaxError("空括号")
            if self.peek() is None:
                raise QuerySyntaxError("括号不配对")
            node = self.or_()
            if self.peek() != ")":
                raise QuerySyntaxError("括号不配对")
            self.take()
            return node
        if kind == "word":
            return Word(self.take()[1])
        if kind == "phrase":
            return Phrase(self.take()[1])
        if kind == "badquote":
            raise QuerySyntaxError("引号不配对")
        raise QuerySyntaxError(f"“{self.lx[self.i][1]}”的位置不对")


def _positive(node) -> bool:
    """Whether the tree can match anything without a universe to subtract from."""
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_positive(x) for x in node.items)
    if isinstance(node, Or):
        return all(_positive(x) for x in node.items)
    return True


def _plain(lexemes) -> object | None:
    """The fallback: every word and phrase body as plain words (implicit AND)."""
    words = [text for kind, text in lexemes if kind in ("word", "phrase", "badquote")]
    if not words:  # the query was only operators: search them as words
        words = [text for kind, text in lexemes if kind in OPERATORS]
    items = tuple(Word(w) for part in words for w in part.split() if w.strip())
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items, implicit=True)


def leaves(node) -> list:
    if node is None:
        return []
    if isinstance(node, (Word, Phrase)):
        return [node]
    if isinstance(node, Not):
        return leaves(node.item)
    return [x for item in node.items for x in leaves(item)]


def _cap_units(node, budget: list[int]):
    """Drop leaves beyond ``MAX_UNITS`` (keeps the tree shape; empty groups vanish)."""
    if isinstance(node, (Word, Phrase)):
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        return node
    if isinstance(node, Not):
        inner = _cap_units(node.item, budget)
        return Not(inner) if inner is not None else None
    items = tuple(x for x in (_cap_units(i, budget) for i in node.items) if x is not None)
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return And(items, node.implicit) if isinstance(node, And) else Or(items)


def parse(query: str) -> ParsedQuery:
    """Parse a user query; malformed input falls back to plain words with a notice."""
    notices: list[str] = []
    text = (query or "").translate(_WIDTH)
    text = "".join(c if c.isprintable() else " " for c in text)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        notices.append(NOTICE_TRUNCATED)
    lexemes = _lex(text)
    try:
        tree = _Parser(lexemes).parse()
        if tree is not None and not _positive(tree):
            notices.append(NOTICE_ONLY_NOT)
            return ParsedQuery(None, notices)
    except QuerySyntaxError as e:
        notices.append(NOTICE_SYNTAX.format(why=e))
        tree = _plain(lexemes)
    if tree is not None and len(leaves(tree)) > MAX_UNITS:
        tree = _cap_units(tree, [MAX_UNITS])
        notices.append(NOTICE_TOO_MANY)
    return ParsedQuery(tree, notices)


def relax(node):
    """The tree with every implicit AND turned into OR (for a second try)."""
    if isinstance(node, And):
        items = tuple(relax(x) for x in node.items)
        return Or(items) if node.implicit else And(items, False)
    if isinstance(node, Or):
        return Or(tuple(relax(x) for x in node.items))
    if isinstance(node, Not):
        return Not(relax(node.item))
    return node


def has_implicit_and(node) -> bool:
    if isinstance(node, And) and node.implicit:
        return True
    if isinstance(node, (And, Or)):
        return any(has_implicit_and(x) for x in node.items)
    if isinstance(node, Not):
        return has_implicit_and(node.item)
    return False


def to_string(node) -> str:
    """A readable, re-parseable form of a tree (shown as the interpreted query)."""
    if node is None:
        return ""
    if isinstance(node, Word):
        return node.text
    if isinstance(node, Phrase):
        return f'"{node.text}"'
    if isinstance(node, Not):
        return f"NOT {to_string(node.item)}"
    sep = " " if isinstance(node, And) and node.implicit else (" AND " if isinstance(node, And) else " OR ")
    inner = sep.join(to_string(x) for x in node.items)
    return f"({inner})"
