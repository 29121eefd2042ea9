"""Which way a quantitative indicator is stricter, and the verdict of a target against its upstream.

    direction("细颗粒物平均浓度")      → "lower"   (a lower concentration is stricter)
    direction("空气质量优良天数比率")  → "higher"
    verdict(28, 25, "lower")         → "looser"  (扬州 2035 PM2.5 28 against the national 25: 宽于上级)

The direction comes from ``kb/data/indicators.tsv`` (keyword → direction; the longest keyword
found in the name decides). An indicator no keyword matches has no direction, and then there is
no verdict: it is never guessed.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from kb.labels import VERDICT

DIRECTIONS = ("lower", "higher")
BETTER = "优于"  # a target written as 优于国家目标 / 优于省定目标 states its own verdict
DATA = resources.files("kb") / "data" / "indicators.tsv"


@lru_cache(maxsize=1)
def lexicon() -> tuple[tuple[str, str], ...]:
    """(keyword, direction) pairs, longest keyword first."""
    pairs = []
    for n, line in enumerate(DATA.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        keyword, _, direction = (s.strip() for s in line.partition("\t"))
        if direction not in DIRECTIONS:
            raise ValueError(f"kb/data/indicators.tsv line {n}: direction '{direction}' is not one of "
                             f"{', '.join(DIRECTIONS)}; write 'keyword<TAB>lower' or 'keyword<TAB>higher'")
        pairs.append((keyword, direction))
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def direction(indicator: str | None) -> str | None:
    """"lower" or "higher" (which values are stricter), or None when the lexicon does not know."""
    name = indicator or ""
    return next((d for k, d in lexicon() if k in name), None)


def verdict(mine, upstream, way: str | None) -> str | None:
    """stricter / looser / equal of a lower-level value against the upstream one, or None
    (not two numbers, or no known direction)."""
    if way is None or not isinstance(mine, (int, float)) or not isinstance(upstream, (int, float)):
        return None
    if mine == upstream:
        return "equal"
    lower_is_stricter = way == "lower"
    return "stricter" if (mine < upstream) == lower_is_stricter else "looser"


def number(v) -> str:
    """3.0 → "3", 0.25 → "0.25"."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def compare(down: dict, up: dict) -> dict:
    """The difference and verdict of a downstream target (``compare_targets`` row shape) against
    its upstream match: ``difference`` (None unless both are numbers in the same unit),
    ``difference_text`` (+3 微克/立方米), ``direction``, ``verdict`` and ``verdict_text``
    (严于上级 / 宽于上级 / 持平上级, or why there is none)."""
    a, b = down.get("value"), up.get("value")
    numbers = isinstance(a, (int, float)) and isinstance(b, (int, float))
    same_unit = numbers and (down.get("unit") or "") == (up.get("unit") or "")
    way = direction(up.get("indicator")) or direction(down.get("indicator"))
    diff = round(a - b, 4) if same_unit else None
    code = verdict(a, b, way) if same_unit else None
    if diff is None:
        diff_text = "—"
    else:
        diff_text = ("" if diff == 0 else "+" if diff > 0 else "−") + number(abs(diff)) + " " + (up.get("unit") or "")
        diff_text = diff_text.strip()
    stated = down.get("qualifier") or ""
    if code:
        text = VERDICT[code]
    elif a is None and stated.startswith(BETTER):  # 优于国家目标: the text itself says stricter
        code, text = "stricter", f"{VERDICT['stricter']}（原文：{stated}）"
    elif not numbers:
        text = "无法比较（" + ("本级" if not isinstance(a, (int, float)) else "上级") + "目标不是数值）"
    elif not same_unit:
        text = "无法比较（单位不同）"
    else:
        text = "无法判断（指标方向未知）"
    return {"difference": diff, "difference_text": diff_text, "direction": way, "verdict": code,
            "verdict_text": text}
