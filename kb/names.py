"""Names of government bodies (the parties of tasks): canonical forms and the data behind them.

``kb/data/departments.yaml`` lists every body with its aliases (发改委 = 发展改革委) and the
level prefixes that stand before a name (市, 县, 各县（市、区） …); ``kb/data/places.yaml``
lists the places that may stand there too (宝应县, 高邮市 …). The indexer reads the same
data (``indexer.extract.lexicon``) to find bodies in the text; the read side uses
``canonical_name`` to match a ``--party`` filter the way the extractor named the party, and
full-text search reads the bodies' synonym groups and tokenizer words from the same file
(``search:``; ``kb.search.vocab``, ``kb.analysis``), so every name of a body has one home.
This module imports neither spaCy nor jieba.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kb import labels
from kb.datafiles import data_path, read_yaml
from kb.errors import DataFileError


def longest_first(words) -> list[str]:
    """Unique words, longest first (so an alternation prefers 生态环境局 over 环境局)."""
    return sorted({w for w in words if w}, key=lambda w: (-len(w), w))


@dataclass(frozen=True)
class Department:
    name: str  # canonical, without level prefix: 发展改革委
    aliases: tuple[str, ...]
    stem: str | None
    levels: dict = field(default_factory=dict)  # provincial/central names
    # the other levels' names of the aliases (住房和城乡建设局 → 住房和城乡建设厅, 住建局 → 住建厅)
    level_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Names:
    departments: tuple[Department, ...]
    alias_to_name: dict  # every written form → canonical name (both without prefix)
    prefixes: tuple[str, ...]  # level prefixes (市, 各县（市、区） …)
    collective: tuple[str, ...]
    party_committee: str
    generic_suffixes: tuple[str, ...]
    zone_suffixes: tuple[str, ...]
    places: tuple[str, ...]
    search_synonyms: tuple[tuple[str, ...], ...]  # synonym groups of full-text search, in file order
    search_words: tuple[str, ...]  # names the search tokenizer keeps whole, in file order
    # words that, standing right before a generic ××部门, make it no one body (各级生态环境部门)
    generic_blockers: tuple[str, ...]

    def canonical_core(self, core: str) -> str:
        return self.alias_to_name.get(core, core)

    def department(self, name: str) -> Department | None:
        for d in self.departments:
            if d.name == name:
                return d
        return None

    def is_body(self, name: str) -> bool:
        """A name this data knows as a body: a department's name, alias, level name
        (生态环境厅) or stem + 部门, or a name ending in a generic suffix (…领导小组)."""
        return (name in self.alias_to_name or name.endswith(self.generic_suffixes)
                or any(name in d.levels.values() or name in d.level_aliases or (d.stem and name == d.stem + "部门")
                       for d in self.departments))


def _read(name: str) -> dict:
    return read_yaml(data_path("kb", name), f"kb/data/{name}")


def _level_aliases(name: str, aliases: tuple[str, ...], levels: dict) -> tuple[str, ...]:
    """The names an alias has at the provincial level when its name differs from the department's
    only in its last character (住房城乡建设局 → 住房城乡建设厅: 住房和城乡建设局 → 住房和城乡建设厅,
    住建局 → 住建厅); a branch (生态环境分局) has none. (Ministries are named in full in the data.)"""
    out = []
    for level in (levels.get("provincial"),) if levels.get("provincial") else ():
        if level == name or level[:-1] != name[:-1]:
            continue
        out += [a[:-1] + level[-1] for a in aliases if a.endswith(name[-1]) and "分" not in a and len(a) > 2]
    return tuple(dict.fromkeys(a for a in out if a not in levels.values()))


@lru_cache(maxsize=1)
def load() -> Names:
    """Read ``departments.yaml`` and ``places.yaml`` once per process."""
    deps = _read("departments.yaml")
    places = _read("places.yaml")

    departments = []
    alias_to_name = {}
    for entry in deps.get("departments") or []:
        if not isinstance(entry, dict) or not entry.get("name"):
            raise DataFileError("kb/data/departments.yaml: every department needs a 'name'")
        name, aliases = str(entry["name"]), tuple(str(a) for a in entry.get("aliases") or ())
        levels = dict(entry.get("levels") or {})
        d = Department(name, aliases, entry.get("stem"), levels, _level_aliases(name, aliases, levels))
        departments.append(d)
        alias_to_name.setdefault(d.name, d.name)
        for a in d.aliases:
            alias_to_name.setdefault(a, d.name)
        for a in d.level_aliases:  # 住房和城乡建设厅 is the provincial 住房城乡建设厅
            alias_to_name.setdefault(a, levels["provincial"])

    place_names: list[str] = list(places.get("provinces") or [])
    for city, counties in (places.get("jiangsu") or {}).items():
        place_names.append(city)
        place_names.extend(counties or [])
    place_names += list(places.get("cities") or []) + list(places.get("zones") or [])

    search = deps.get("search") or {}
    names = Names(
        departments=tuple(departments),
        alias_to_name=alias_to_name,
        prefixes=tuple(longest_first(deps.get("prefixes") or [])),
        collective=tuple(longest_first(deps.get("collective") or [])),
        party_committee=str(deps.get("party_committee") or "委"),
        generic_suffixes=tuple(longest_first(deps.get("generic_suffixes") or [])),
        zone_suffixes=tuple(longest_first(deps.get("zone_suffixes") or [])),
        places=tuple(longest_first(place_names)),
        search_synonyms=tuple(tuple(str(n) for n in group) for group in search.get("synonyms") or []),
        search_words=tuple(str(n) for n in search.get("words") or []),
        generic_blockers=tuple(longest_first((deps.get("generic_reference") or {}).get("not_after") or [])),
    )
    for n in (*(n for group in names.search_synonyms for n in group), *names.search_words):
        if not names.is_body(n):
            raise DataFileError(f"kb/data/departments.yaml: search name '{n}' is not a body of this file; "
                                "add it to a department's aliases (or fix the spelling)")
    if any(len(group) < 2 for group in names.search_synonyms):
        raise DataFileError("kb/data/departments.yaml: every search.synonyms group needs two or more names")
    return names


# A level prefix written as several levels or a kind of place at one level, beyond the listed ones:
# 县（市、区）司法局, 旗（县、市、区）, 各县（区、市）, 各沿海市农业农村局, 沿海各市人民政府, 各山区县,
# 各市、州人民政府, 各旗县市人民政府.
COMPOUND_PREFIX = (r"(?:各|(?:沿海|沿江|沿边|沿湖|沿黄|边境|山区|牧区)各)?(?:沿海|沿江|沿边|沿湖|沿黄|边境|山区|牧区)?"
                   r"[省市州盟县区旗乡镇](?:（[市县区州盟旗乡镇、]{1,8}）)"
                   r"|(?:各(?:沿海|沿江|沿边|沿湖|沿黄|边境|山区|牧区)|(?:沿海|沿江|沿边|沿湖|沿黄|边境|山区|牧区)各)"
                   r"[省市州盟县区旗乡镇]"
                   # 各市、州人民政府, 各县、市、区; 各旗县市, 各盟市, 各区县
                   r"|各[市县区州盟旗](?:、[市县区州盟旗]){1,3}(?![\u4e00-\u9fff]{0,2}[、和])|各[市县区州盟旗]{2,3}(?!场)")
_COMPOUND = re.compile(COMPOUND_PREFIX)


def split_prefix(name: str, names: Names | None = None) -> tuple[str, str]:
    """A body's name → (level prefix or place, the rest): 市发改委 → (市, 发改委),
    县（市、区）司法局 → (县（市、区）, 司法局)."""
    names = names or load()
    m = _COMPOUND.match(name)
    if m and len(name) > m.end():
        return m.group(), name[m.end():]
    for p in (*names.places, *names.prefixes):
        if name.startswith(p) and len(name) > len(p):
            return p, name[len(p):]
    return "", name


def canonical_name(name: str, names: Names | None = None) -> str:
    """The canonical form of a body's name: 市发改委 → 市发展改革委, 县住建局 → 县住房城乡建设局.

    Names the data does not know are returned unchanged (stripped). A bracket inside a name is
    the round one whichever the text used: 各市〔州〕人民政府 → 各市（州）人民政府.
    """
    if names is None:
        return _canonical_cached(name.strip())
    name = name.strip().replace("〔", "（").replace("〕", "）")
    prefix, core = split_prefix(name, names)
    return prefix + names.canonical_core(core)


@lru_cache(maxsize=65536)
def _canonical_cached(name: str) -> str:
    return canonical_name(name, load())


# ---------------------------------------------------------------------------
# The issuer's own bodies, and generic department names (生态环境部门)
# ---------------------------------------------------------------------------

ISSUER_LEVEL = re.compile(r"(省|市|县|区|旗|镇|乡)(?:人民政府|政府|委员会|党委|委)(?:办公室|办公厅)?$")
LEVEL_PREFIX = {"provincial": "省", "municipal": "市", "county": "县"}


def issuer_prefix(issuer: str | None) -> str | None:
    """The prefix an issuer writes before its own departments, read from its name: 市 for
    扬州市人民政府 (or 中共扬州市委 扬州市人民政府), 县 for 宝应县人民政府; None when the name does
    not say it (no issuer, a department as issuer)."""
    for name in reversed((issuer or "").split()):
        m = ISSUER_LEVEL.search(name)
        if m:
            return m.group(1)
    return None


def own_body(dept: str, level: str, issuer: str | None, names: Names | None = None) -> str:
    """A department (canonical name, no prefix) as the issuer's own body: 生态环境局 → 市生态环境局
    for 扬州市人民政府, 省生态环境厅 for a province, 生态环境部 for the centre (the lexicon's
    ``levels`` names). Without a level word in the issuer's name the prefix follows ``level``."""
    d = (names or load()).department(dept)
    if level == "central":
        return (d.levels.get("central") if d else None) or dept
    if level == "provincial":
        return "省" + ((d.levels.get("provincial") if d else None) or dept)
    return (issuer_prefix(issuer) or LEVEL_PREFIX.get(level, "")) + dept


GENERIC_SUFFIX = re.compile(r"(?:主管)?部门$")


def generic_department(name: str, names: Names | None = None) -> tuple[str, Department] | None:
    """A generic department name → (its level prefix as written, the department): 生态环境部门 →
    ('', 生态环境局), 市发展改革部门 → ('市', 发展改革委). Only a department's ``stem`` + 部门 (or
    主管部门) is one; 有关部门, 相关部门, 各部门 name no department and give None."""
    names = names or load()
    m = GENERIC_SUFFIX.search(name)
    if not m:
        return None
    head = name[:m.start()]
    known = set(names.places) | set(names.prefixes)
    for d in sorted((d for d in names.departments if d.stem), key=lambda d: -len(d.stem)):
        if head.endswith(d.stem):
            prefix = head[:-len(d.stem)]
            return (prefix, d) if prefix == "" or prefix in known or _COMPOUND.fullmatch(prefix) else None
    return None


@dataclass(frozen=True)
class GenericBody:
    body: str  # the issuer's own body the generic name is taken to be: 市生态环境局
    note: str  # the inference, said for the user


def generic_body(name: str, before: str, level: str | None, issuer: str | None, guessed=(),
                 names: Names | None = None) -> GenericBody | None:
    """The body a generic department name (生态环境部门) stands for in a document: the issuer's own
    body of that department (扬州市人民政府's 生态环境部门 → 市生态环境局), an inference the result says.

    Only when the document's level and place are known: ``level`` and ``issuer`` are not among the
    document's ``guessed`` facts, and the issuer's name says its level (扬州市人民政府; a department
    or no issuer says nothing), or the level is provincial (省) or central. Not when the name is
    written with another level's prefix (县生态环境部门 in a city's document), nor after a word
    in ``generic_reference.not_after`` (各级生态环境部门, 有关生态环境部门: several bodies), nor when
    the lexicon has no name of the department at that level. ``before`` is the text just before
    the name."""
    names = names or load()
    found = generic_department(name, names)
    if found is None or not level or "level" in guessed or "issuer" in guessed or not issuer:
        return None
    prefix, dept = found
    if any(before.endswith(w) for w in names.generic_blockers):
        return None
    if level in ("central", "provincial"):
        if not dept.levels.get(level) or prefix not in ("", LEVEL_PREFIX.get(level, "")):
            return None
    else:
        own = issuer_prefix(issuer)
        if own is None or prefix not in ("", own):
            return None
    body = own_body(dept.name, level, issuer, names)
    return GenericBody(body, f"原文为泛称“{name}”，按发文机关（{issuer}，{labels.level(level)}）推断为本级的{body}")
