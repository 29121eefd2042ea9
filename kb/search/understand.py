"""Query understanding: what an official's query means, before it is searched.

* ``normalize``: traditional characters → simplified (OpenCC's ``t2s`` tables, from the
  ``opencc-python-reimplemented`` package: data, not a hand table), full width → half width,
  and number words → the digits documents write (百分之九十五 → 95%, 二〇二五年 → 2025年).
  Every change is reported, so the result can say what was searched.
* ``period_terms``: time expressions → what documents write for them. A five-year plan
  named by its number (十四五 → the 14th plan, 2021–2025) is computed, not listed: it
  also finds the plan's end year (到2025年), the year its targets are set for.
  Other expressions (本世纪中叶 ↔ 2050年) are in the thesaurus.
* ``question_parts``: question words (谁负责, 怎么, 哪些, 几类 … ``kb/data/question_words.txt``)
  are cut out of a query and not matched as content; what they ask for is kept
  (``who``: the result also lists the responsible parties of the hits' tasks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kb.analysis import fold
from kb.errors import ConfigError

QUESTION_WORDS = "question_words.txt"
KINDS = ("who", "which", "what", "how", "howmuch", "when", "frame")

_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = ord(" ")

# ---------------------------------------------------------------------------
# Chinese numerals
# ---------------------------------------------------------------------------

DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
_NUM_CHARS = "〇零○一二两三四五六七八九十百点"
_PERCENT_RE = re.compile(rf"百分之([{_NUM_CHARS}]+|[0-9]+(?:\.[0-9]+)?)")
_YEAR_RE = re.compile(r"([〇零○一二三四五六七八九]{4})(?=年)")
_PLAN_RE = re.compile(r"十([一二三四五六七八九])五")


def cn_number(text: str) -> str | None:
    """A Chinese numeral below 1000 (九十五, 二十八点五, 一百) as digits; None if it is not one."""
    whole, _, frac = text.partition("点")
    if frac and not all(c in DIGITS for c in frac):
        return None
    n, cur = 0, None
    for c in whole:
        if c in DIGITS:
            if cur is not None:
                return None  # two digits in a row: not a counted numeral
            cur = DIGITS[c]
        elif c in "十百":
            unit = 10 if c == "十" else 100
            n += (1 if cur is None else cur) * unit
            cur = None
        else:
            return None
    n += cur or 0
    if not whole:
        return None
    return str(n) + ("." + "".join(str(DIGITS[c]) for c in frac) if frac else "")


def _percent(m: re.Match) -> str:
    body = m.group(1)
    value = body if body[0].isdigit() else cn_number(body)
    return f"{value}%" if value is not None else m.group()


def _year(m: re.Match) -> str:
    return "".join(str(DIGITS[c]) for c in m.group(1))


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@dataclass(frozen=True)
class Normalized:
    text: str  # what is searched
    simplified: bool  # traditional characters were converted
    numbers: bool  # number words were rewritten


NOTICE_SIMPLIFIED = "已按简体字检索：{text}"
NOTICE_NUMBERS = "已把数字写法统一为文件中的写法：{text}"


def normalize(query: str) -> Normalized:
    text = (query or "").translate(_WIDTH)
    simple = _t2s().convert(text) if re.search(r"[\u3400-\u9fff]", text) else text
    numbered = _YEAR_RE.sub(_year, _PERCENT_RE.sub(_percent, simple))
    return Normalized(numbered, simple != text, numbered != simple)


def notices(n: Normalized) -> list[str]:
    out = []
    if n.simplified:
        out.append(NOTICE_SIMPLIFIED.format(text=n.text))
    if n.numbers:
        out.append(NOTICE_NUMBERS.format(text=n.text))
    return out


# ---------------------------------------------------------------------------
# Time expressions
# ---------------------------------------------------------------------------

FIRST_REGULAR_PLAN = (6, 1981)  # the 6th five-year plan, 1981–1985; every plan since runs five years


def plan_years(n: int) -> tuple[int, int]:
    """The years of the n-th five-year plan (n ≥ 6): 14 → (2021, 2025)."""
    start = FIRST_REGULAR_PLAN[1] + 5 * (n - FIRST_REGULAR_PLAN[0])
    return start, start + 4


def period_terms(term: str) -> tuple[str, ...]:
    """What documents write for a five-year plan named by its number: 十五五 → 2030年 (its
    end year, when its targets fall due) and 2026—2030年. Other terms: ()."""
    m = _PLAN_RE.fullmatch(fold(term).strip())
    if not m:
        return ()
    start, end = plan_years(10 + DIGITS[m.group(1)])
    return (f"{end}年", f"{start}—{end}年")


# ---------------------------------------------------------------------------
# Question words
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionWords:
    kinds: dict[str, str]  # folded phrase → kind
    pattern: re.Pattern | None

    @classmethod
    def parse(cls, text: str, name: str = QUESTION_WORDS) -> "QuestionWords":
        kinds: dict[str, str] = {}
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or parts[1] not in KINDS:
                raise ConfigError(f"{name} line {n}: write 'phrase kind', kind one of {', '.join(KINDS)}")
            kinds[fold(parts[0])] = parts[1]
        # Question phrases are cut out wherever they stand (谁负责X, X怎么处理); frame words
        # (要, 需要, 期间) only where segmentation makes them a word of their own: 要 is
        # no frame inside 主要 or 要素.
        alts = sorted((k for k, kind in kinds.items() if kind != "frame"), key=len, reverse=True)
        return cls(kinds, re.compile("|".join(map(re.escape, alts))) if alts else None)

    def split(self, text: str) -> tuple[list[str], list[str]]:
        """``text`` cut at question phrases: (the content pieces between them, the kinds asked)."""
        if self.pattern is None:
            return [text], []
        kinds = [self.kinds[m.group()] for m in self.pattern.finditer(fold(text))]
        parts = [p for p in self.pattern.split(fold(text)) if p.strip()]
        return parts, list(dict.fromkeys(kinds))

    def is_frame(self, word: str) -> bool:
        """A word that frames a request (要, 需要, 期间) and is no content of it."""
        return self.kinds.get(fold(word)) == "frame"


@lru_cache(maxsize=1)
def question_words() -> QuestionWords:
    return QuestionWords.parse((resources.files("kb") / "data" / QUESTION_WORDS).read_text(encoding="utf-8"))
