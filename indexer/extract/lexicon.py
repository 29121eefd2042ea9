"""The extractor's data files, loaded once: lexicons, topics and entity patterns.

Everything the rules know about words lives in ``indexer/data/`` (package
data, under version control):

* ``departments.yaml`` — government bodies, their aliases (发改委 = 发展改革委)
  and the level prefixes that stand before them (市, 县, 各县（市、区） …);
* ``places.yaml`` — places (宝应县, 高邮市 …);
* ``extract_lexicon.yaml`` — action verbs, adverbs, role cues, time words,
  units and qualifiers;
* ``topics.yaml`` — topic keyword → lead department, for inferred parties;
* ``entity_patterns.jsonl`` — the entity patterns (one JSON object a line,
  ``label``/``id`` as in spaCy's EntityRuler, ``regex`` with ``{MACRO}``
  placeholders filled from the lexicons, see ``indexer.extract.patterns``).

This module imports neither spaCy nor jieba, so the read side (``kb.api``
canonicalising a ``--party`` filter) can use it cheaply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from kb.errors import PolicyKBError

DATA_PACKAGE = "indexer"
DATA_DIR = "data"


class LexiconError(PolicyKBError):
    """A data file of the extractor is missing or malformed."""


def _data_path(name: str):
    return resources.files(DATA_PACKAGE).joinpath(DATA_DIR, name)


def read_yaml(name: str) -> dict:
    path = _data_path(name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"indexer/data/{name}: missing; reinstall the package or restore the file "
                           "from git") from None
    except yaml.YAMLError as e:
        raise LexiconError(f"indexer/data/{name}: not valid YAML ({str(e).splitlines()[0]}); "
                           "fix the file") from None
    if not isinstance(data, dict):
        raise LexiconError(f"indexer/data/{name}: expected a mapping at the top level")
    return data


def read_jsonl(name: str) -> list[dict]:
    path = _data_path(name)
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LexiconError(f"indexer/data/{name}: missing; restore the file from git") from None
    for i, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise LexiconError(f"indexer/data/{name}:{i}: not valid JSON ({e.msg}); "
                               "each line must be one JSON object") from None
        if not isinstance(obj, dict) or "label" not in obj or not ("regex" in obj or "pattern" in obj):
            raise LexiconError(f"indexer/data/{name}:{i}: a pattern needs \"label\" and "
                               "\"regex\" or \"pattern\"")
        out.append(obj)
    return out


def longest_first(words) -> list[str]:
    """Unique words, longest first (so an alternation prefers 生态环境局 over 环境局)."""
    return sorted({w for w in words if w}, key=lambda w: (-len(w), w))


@dataclass(frozen=True)
class Department:
    name: str  # canonical, without level prefix: 发展改革委
    aliases: tuple[str, ...]
    stem: str | None
    levels: dict = field(default_factory=dict)  # provincial/central names


@dataclass(frozen=True)
class Lexicon:
    departments: tuple[Department, ...]
    alias_to_name: dict  # every written form → canonical name (both without prefix)
    prefixes: tuple[str, ...]  # level prefixes (市, 各县（市、区） …)
    collective: tuple[str, ...]
    party_committee: str
    generic_suffixes: tuple[str, ...]
    zone_suffixes: tuple[str, ...]
    places: tuple[str, ...]
    words: dict  # extract_lexicon.yaml as read
    topics: tuple[tuple[str, str], ...]  # (keyword, department name), longest keyword first

    def canonical_core(self, core: str) -> str:
        return self.alias_to_name.get(core, core)

    def department(self, name: str) -> Department | None:
        for d in self.departments:
            if d.name == name:
                return d
        return None

    def list(self, key: str) -> list[str]:
        value = self.words.get(key)
        if not isinstance(value, list):
            raise LexiconError(f"indexer/data/extract_lexicon.yaml: '{key}' must be a list")
        return [str(v) for v in value]

    def mapping(self, key: str) -> dict:
        value = self.words.get(key)
        if not isinstance(value, dict):
            raise LexiconError(f"indexer/data/extract_lexicon.yaml: '{key}' must be a mapping")
        return value


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """Read every data file once per process."""
    deps = read_yaml("departments.yaml")
    places = read_yaml("places.yaml")
    words = read_yaml("extract_lexicon.yaml")
    topics = read_yaml("topics.yaml")

    departments = []
    alias_to_name = {}
    for entry in deps.get("departments") or []:
        if not isinstance(entry, dict) or not entry.get("name"):
            raise LexiconError("indexer/data/departments.yaml: every department needs a 'name'")
        d = Department(str(entry["name"]), tuple(str(a) for a in entry.get("aliases") or ()),
                       entry.get("stem"), dict(entry.get("levels") or {}))
        departments.append(d)
        alias_to_name.setdefault(d.name, d.name)
        for a in d.aliases:
            alias_to_name.setdefault(a, d.name)

    place_names: list[str] = list(places.get("provinces") or [])
    for city, counties in (places.get("jiangsu") or {}).items():
        place_names.append(city)
        place_names.extend(counties or [])
    place_names += list(places.get("cities") or []) + list(places.get("zones") or [])

    known = {d.name for d in departments}
    topic_pairs = []
    for t in topics.get("topics") or []:
        lead = t.get("lead")
        if lead not in known:
            raise LexiconError(f"indexer/data/topics.yaml: lead '{lead}' is not a department name in "
                               "departments.yaml; add it there or fix the spelling")
        for kw in t.get("keywords") or []:
            topic_pairs.append((str(kw), lead))
    topic_pairs.sort(key=lambda p: -len(p[0]))

    return Lexicon(
        departments=tuple(departments),
        alias_to_name=alias_to_name,
        prefixes=tuple(longest_first(deps.get("prefixes") or [])),
        collective=tuple(longest_first(deps.get("collective") or [])),
        party_committee=str(deps.get("party_committee") or "委"),
        generic_suffixes=tuple(longest_first(deps.get("generic_suffixes") or [])),
        zone_suffixes=tuple(longest_first(deps.get("zone_suffixes") or [])),
        places=tuple(longest_first(place_names)),
        words=words,
        topics=tuple(topic_pairs),
    )


def split_prefix(name: str, lex: Lexicon | None = None) -> tuple[str, str]:
    """A body's name → (level prefix or place, the rest): 市发改委 → (市, 发改委)."""
    lex = lex or load()
    for p in (*lex.places, *lex.prefixes):
        if name.startswith(p) and len(name) > len(p):
            return p, name[len(p):]
    return "", name


def canonical_name(name: str, lex: Lexicon | None = None) -> str:
    """The canonical form of a body's name: 市发改委 → 市发展改革委, 县住建局 → 县住房城乡建设局.

    Names the lexicon does not know are returned unchanged (stripped).
    """
    if lex is None:
        return _canonical_cached(name.strip())
    name = name.strip()
    prefix, core = split_prefix(name, lex)
    return prefix + lex.canonical_core(core)


@lru_cache(maxsize=65536)
def _canonical_cached(name: str) -> str:
    return canonical_name(name, load())


# ---------------------------------------------------------------------------
# References to bodies named before (anaphora.yaml)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnaphorSpec:
    id: str
    regex: str
    accepts: tuple[str, ...]  # endings the antecedent's name must have; () = any body
    number: str  # one | many
    resolve: bool = True


@dataclass(frozen=True)
class Anaphora:
    anaphors: tuple[AnaphorSpec, ...]
    role_collectives: dict  # collective word (各责任单位) → roles of the annotation it stands for

    def spec(self, anaphor_id: str) -> AnaphorSpec | None:
        return next((a for a in self.anaphors if a.id == anaphor_id), None)


@lru_cache(maxsize=1)
def anaphora() -> Anaphora:
    """The reference words of ``indexer/data/anaphora.yaml`` (该局, 其, 上述部门 …), validated."""
    import re

    data = read_yaml("anaphora.yaml")
    where = "indexer/data/anaphora.yaml"
    specs = []
    for i, e in enumerate(data.get("anaphors") or [], 1):
        if not isinstance(e, dict) or not e.get("id") or not e.get("regex"):
            raise LexiconError(f"{where}: anaphor #{i} needs an 'id' and a 'regex'")
        try:
            re.compile(str(e["regex"]))
        except re.error as err:
            raise LexiconError(f"{where}: anaphor '{e['id']}' has an invalid regex ({err}); fix it") from None
        number = str(e.get("number") or "one")
        if number not in ("one", "many"):
            raise LexiconError(f"{where}: anaphor '{e['id']}': number must be 'one' or 'many', not '{number}'")
        specs.append(AnaphorSpec(str(e["id"]), str(e["regex"]), tuple(str(a) for a in e.get("accepts") or ()),
                                 number, bool(e.get("resolve", True))))
    roles = {}
    for word, rs in (data.get("role_collectives") or {}).items():
        bad = [r for r in rs or () if r not in ("lead", "support", "owner")]
        if bad or not rs:
            raise LexiconError(f"{where}: role_collectives '{word}' must list roles among lead, support, owner")
        roles[str(word)] = tuple(rs)
    return Anaphora(tuple(specs), roles)
