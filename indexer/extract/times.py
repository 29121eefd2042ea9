"""Time expressions → what they say: a deadline year (and month), a period, a recurrence.

``interpret`` reads the named groups of a TIME match (see
``indexer/data/entity_patterns.jsonl``) and returns a ``TimeInfo``:

    到2027年          deadline 2027
    2025年底前        deadline 2025-12
    2026年6月底前     deadline 2026-06
    “十四五”期间      period 2021–2025 (deadline 2025)
    2024—2026年       period 2024–2026 (deadline 2026)
    每季度            recurring 每季度
    每年12月底前      recurring 每年, month 12
    2024年起          start (not a deadline)
    较2020年          baseline (not a deadline)
    6月底前 / 年底前   deadline in the document's year (``relative``)
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from indexer.extract import lexicon as lx
from indexer.extract.patterns import CharMatch

DEADLINE_KINDS = ("deadline", "period")
_START_POSTS = ("起", "以来", "开始", "以后", "后")


@dataclass(frozen=True)
class TimeInfo:
    kind: str  # deadline | period | recurring | start | date | baseline
    year: int | None
    month: int | None
    recurring: str | None
    text: str
    start: int
    end: int
    period: tuple[int, int] | None = None
    relative: bool = False  # the year comes from the document's date (年底前, 6月底前)
    scope: bool = False  # 全年 / 本年度: the document's year as a whole, no deadline stated
    from_annotation: bool = False  # read from an annotation's 完成时限, not the running text

    @property
    def is_deadline(self) -> bool:
        return self.kind in DEADLINE_KINDS and (self.year is not None or self.month is not None)


def _month_word(part: str | None) -> int | None:
    if not part:
        return None
    words = lx.load().mapping("month_words")
    return int(words[part]) if part in words else None


def interpret(m: CharMatch, doc_year: int | None = None) -> TimeInfo:
    g = m.groups
    words = lx.load().words
    base = dict(text=m.text, start=m.start, end=m.end)
    if m.id == "recurring":
        label = words.get("recurring", {}).get(g.get("recur"), g.get("recur"))
        month = int(g["month"]) if g.get("month") else None  # 每年12月底前: every year, in December
        return TimeInfo("recurring", None, month, label, **base)
    if m.id == "plan_period":
        years = words.get("plan_periods", {}).get(g.get("plan"))
        if not years:
            return TimeInfo("date", None, None, None, **base)
        y0, y1 = int(years[0]), int(years[1])
        return TimeInfo("period", y1, None, None, period=(y0, y1), **base)
    if m.id == "year_range":
        y0, y1 = int(g["year0"]), int(g["year"])
        return TimeInfo("period", y1, _month_word(g.get("part")), None, period=(min(y0, y1), y1), **base)
    if m.id == "year_part":  # 上半年 / 第三季度末前: that part of the document's year
        return TimeInfo("deadline", doc_year, _month_word(g.get("part")), None, relative=True, **base)
    if m.id == "month_part":  # 6月中旬 / 9月第三周: in that month of the document's year
        return TimeInfo("deadline", doc_year, int(g["month"]), None, relative=True, **base)
    if m.id == "month_window":  # 4月10日至5月15日: a stage, due by the end of its window
        year = int(g["year_end"]) if g.get("year_end") else int(g["year"]) if g.get("year") else doc_year
        return TimeInfo("deadline", year, int(g["month"]), None, relative=not (g.get("year") or g.get("year_end")),
                        **base)
    post = g.get("post")
    if m.id in ("relative_year", "relative_month"):
        rel = g.get("rel")
        year = doc_year
        if rel == "明年" and doc_year:
            year = doc_year + 1
        month = int(g["month"]) if g.get("month") else _month_word(g.get("part"))
        kind = "start" if post in _START_POSTS else "deadline"
        scope = month is None and not post and rel in lx.load().list("year_scope_words")
        return TimeInfo(kind, year, month, None, relative=True, scope=scope, **base)
    # id "year" (and any user-added pattern with a year group)
    year = int(g["year"]) if g.get("year") else None
    month = int(g["month"]) if g.get("month") else _month_word(g.get("part"))
    if g.get("base"):
        kind = "baseline"  # 较2020年下降14%: the year compared with, not a deadline
    elif post in _START_POSTS:
        kind = "start"
    elif g.get("day") and not post and not g.get("pre"):
        kind = "date"  # 2024年9月26日: a date, not a deadline
    else:
        kind = "deadline"
    return TimeInfo(kind, year, month, None, **base)


def due_date(t: TimeInfo) -> TimeInfo:
    """A time read where the text gives the due date (a 完成时限 cell or label): a bare date there
    (2026年10月31日) is the deadline, not just a date."""
    if t.kind == "date" and t.year:
        return dataclasses.replace(t, kind="deadline")
    return t


def deadline_text(year: int | None, month: int | None, recurring: str | None = None) -> str:
    """A short Chinese rendering: 2026年6月 / 2027年 / 每季度 / 2025年12月（每季度）."""
    s = ""
    if year:
        s = f"{year}年" + (f"{month}月" if month else "")
    elif month:
        s = f"{month}月"
    if recurring:
        s = f"{s}（{recurring}）" if s else recurring
    return s


def time_patterns():
    """The TIME entity patterns (``entity_patterns.jsonl``): the one grammar of dates and years."""
    from indexer.extract.patterns import entity_patterns

    return tuple(p for p in entity_patterns() if p.label == "TIME")


def stated_years(text: str) -> set[int]:
    """Target years and deadlines written in ``text`` (到2027年, 2025年底前, “十四五”期间 …):
    the years of its deadline time phrases that carry a cue before or after the year. A bare
    year (2024年9月26日, 2020年以来, 较2020年) is a date, a start or a baseline, not a target."""
    from indexer.extract.patterns import find_matches

    out = set()
    for m in find_matches(text, time_patterns()):
        if m.id not in ("year", "year_range"):
            continue
        t = interpret(m)
        if t.is_deadline and t.year and (m.groups.get("pre") or m.groups.get("part") or m.groups.get("post")):
            out.add(t.year)
    return out


# A time that describes the object of 对 (对2025年排查录入的自建房逐栋复核): no time of the clause.
_DESCRIBED_OBJECT = re.compile(r"[\u4e00-\u9fff]{1,10}?的")


# A plan's name ending just before a bracketed period (林下经济发展规划（2026—2030年）).
_PLAN_NAME = re.compile(r"(?:规划|方案|计划|纲要|行动|意见)（$")


def describes_object(text: str, start: int, end: int) -> bool:
    """Whether the time phrase text[start:end] describes a thing, not when the work is due: the
    object of 对 (对2025年卫片下发的图斑) or of 将/把 (将2026年…指标分解下达), or the period in a plan's
    name (…发展规划（2026—2030年））. Shared by the deadlines (indexer.extract.tasks) and the targets."""
    if text[start - 1:start] == "对" and _DESCRIBED_OBJECT.match(text, end):
        return True
    if text[start - 1:start] in ("将", "把"):
        return True  # 6月底前将2026年取水总量控制指标分解下达: the year names the object moved, not when
    return bool(_PLAN_NAME.search(text, max(0, start - 3), start)) and text[end:end + 1] == "）"
