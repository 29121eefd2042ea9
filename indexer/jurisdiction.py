"""Which documents can be upstream of which: levels, places and dates.

A document implements documents of a higher level *in its own jurisdiction
chain*: central → its province → its (prefecture-level) city → its county. The
place of a document is read from its issuer (then its title) against the
gazetteer ``indexer/data/jurisdictions.yaml``; what cannot be read is
"unknown", and said so. ``relation(up, down)`` answers whether ``up`` can be
upstream of ``down`` and why (the reason is shown as link evidence):

* ``up`` must be of a higher level (central 0 < provincial 1 < municipal 2 < county 3);
* central documents are upstream of every lower document;
* a provincial (municipal) document only of documents of the same province (city);
  where either place is unknown the answer is no — a document whose place cannot be
  told is never taken as upstream of a document of a different known place;
* ``up`` must not be issued after ``down``; where a date is unknown the pair is
  kept and the reason says the order could not be checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.datafiles import data_path, read_yaml
from kb.labels import LEVEL as LEVEL_CN
from kb.models import Document

LEVEL_RANK = {"central": 0, "provincial": 1, "municipal": 2, "county": 3}


@dataclass(frozen=True)
class Gazetteer:
    provinces: frozenset[str]  # stems: 江苏 …
    city_province: dict[str, str]  # city stem → province stem
    county_cities: dict[str, tuple[str, ...]]  # county stem → the city stems that have it
    province_re: re.Pattern
    city_re: re.Pattern
    county_re: re.Pattern


def _alternation(stems, suffixes) -> re.Pattern:
    names = sorted({s for s in stems if len(s) >= 2}, key=len, reverse=True)
    sufs = sorted(suffixes, key=len, reverse=True)
    return re.compile("(" + "|".join(map(re.escape, names)) + ")(?:" + "|".join(map(re.escape, sufs)) + ")")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    data = read_yaml(data_path("indexer", "jurisdictions.yaml"), "indexer/data/jurisdictions.yaml")
    city_province: dict[str, str] = {}
    county_cities: dict[str, list[str]] = {}
    for prov, cities in (data.get("provinces") or {}).items():
        for city, counties in (cities or {}).items():
            city_province[city] = prov
            for c in counties or []:
                county_cities.setdefault(c, []).append(city)
    provinces = frozenset(data.get("provinces") or {})
    return Gazetteer(provinces, city_province, {k: tuple(v) for k, v in county_cities.items()},
                     _alternation(provinces, data["province_suffix"] + ["委"]),
                     _alternation(city_province, data["city_suffix"]),
                     _alternation(county_cities, data["county_suffix"]))


@dataclass(frozen=True)
class Place:
    """Where a document applies. ``None`` fields are unknown (``note`` says what could not be told)."""

    level: str
    province: str | None = None
    city: str | None = None
    county: str | None = None
    note: str = ""

    def label(self) -> str:
        if self.level == "central":
            return "中央"
        return "·".join(p for p in (self.province, self.city, self.county) if p) or "地区不详"


def _first(pattern: re.Pattern, texts: list[str]) -> list[str]:
    for t in texts:
        found = [m.group(1) for m in pattern.finditer(t)]
        if found:
            return found
    return []


def place_of(doc: Document) -> Place:
    """The document's place, read from its issuer, else its title."""
    level = doc.level if doc.level in LEVEL_RANK else "county"
    if level == "central":
        return Place("central")
    g = gazetteer()
    texts = [t for t in (doc.issuer, doc.title) if t]
    provinces = _first(g.province_re, texts)
    cities = [c for c in _first(g.city_re, texts) if c not in g.provinces]
    province = provinces[0] if provinces else None
    if level == "provincial":
        return Place(level, province, note="" if province else "发文机关所属省份不详")
    city = cities[0] if cities else None
    if city and province and g.city_province.get(city) != province:
        return Place(level, province, None, note=f"{city}市不属于{province}（据地名表），所属城市不详")
    if level == "municipal":
        if not city:
            return Place(level, province, note="发文机关所属城市不详")
        return Place(level, g.city_province[city], city)
    counties = [c for c in _first(g.county_re, texts) if c not in g.city_province or c in g.county_cities]
    county = counties[0] if counties else None
    if not county:
        return Place(level, province, city, note="发文机关所属县（市、区）不详")
    owners = [c for c in g.county_cities[county] if not city or c == city]
    if len(owners) != 1:
        why = "地名表中有多个同名县（市、区）" if owners else f"{county}不属于{city}市（据地名表）"
        return Place(level, province, city, None, note=f"{why}，所属城市不详")
    return Place(level, g.city_province[owners[0]], owners[0], county)


def relation(up: Document, down: Document, up_place: Place | None = None,
             down_place: Place | None = None) -> tuple[bool, str]:
    """Can ``up`` be upstream of ``down``? (yes/no, the reason in Chinese)."""
    ru, rd = LEVEL_RANK.get(up.level, 9), LEVEL_RANK.get(down.level, 9)
    if ru >= rd:
        return False, f"{LEVEL_CN.get(up.level, up.level)}文件不是{LEVEL_CN.get(down.level, down.level)}文件的上级"
    pu = up_place or place_of(up)
    pd = down_place or place_of(down)
    if pu.level != "central":
        fields = (("province", "省份"),) if pu.level == "provincial" else (("province", "省份"), ("city", "城市"))
        for field, name in fields:
            a, b = getattr(pu, field), getattr(pd, field)
            if a is None:
                return False, f"上级文件所属{name}不详（{pu.note}），不作为其他地区文件的上级"
            if b is None:
                return False, f"本文件所属{name}不详（{pd.note}），不对标{pu.label()}文件"
            if a != b:
                return False, f"不同地区（{pu.label()} / {pd.label()}）"
    if up.date and down.date:
        if up.date > down.date:
            return False, f"上级文件晚于本文件发布（{up.date} > {down.date}）"
        when = f"发布在先（{up.date}）"
    else:
        when = "发文日期不详，未核对先后"
    where = "中央文件" if pu.level == "central" else f"上级行政区（{pu.label()}）"
    return True, f"{where}，{when}"
