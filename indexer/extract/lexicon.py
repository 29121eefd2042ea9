"""The extractor's data files, loaded once: lexicons, topics and entity patterns.

Everything the rules know about words lives in package data, under version control:

* ``kb/data/departments.yaml`` and ``kb/data/places.yaml`` — government bodies, their
  aliases (发改委 = 发展改革委), level prefixes and places, read by ``kb.names`` (the read
  side canonicalises a ``--party`` filter with the same data);
* ``indexer/data/extract_lexicon.yaml`` — action verbs, adverbs, role cues, time words,
  units and qualifiers;
* ``indexer/data/topics.yaml`` — topic keyword → lead department, for inferred parties;
* ``indexer/data/entity_patterns.jsonl`` — the entity patterns (one JSON object a line,
  ``label``/``id`` as in spaCy's EntityRuler, ``regex`` with ``{MACRO}``
  placeholders filled from the lexicons, see ``indexer.extract.patterns``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import lru_cache

from kb import names as kb_names
from kb.datafiles import data_path
from kb.datafiles import read_yaml as _read_yaml
from kb.errors import DataFileError
from kb.names import Department, Names, canonical_name, longest_first, split_prefix  # noqa: F401 (re-exported)

DATA_PACKAGE = "indexer"


def _data_path(name: str):
    return data_path(DATA_PACKAGE, name)


def read_yaml(name: str) -> dict:
    return _read_yaml(_data_path(name), f"indexer/data/{name}")


def read_jsonl(name: str) -> list[dict]:
    path = _data_path(name)
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DataFileError(f"indexer/data/{name}: missing; restore the file from git") from None
    for i, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataFileError(f"indexer/data/{name}:{i}: not valid JSON ({e.msg}); "
                                "each line must be one JSON object") from None
        if not isinstance(obj, dict) or "label" not in obj or not ("regex" in obj or "pattern" in obj):
            raise DataFileError(f"indexer/data/{name}:{i}: a pattern needs \"label\" and "
                                "\"regex\" or \"pattern\"")
        out.append(obj)
    return out


@dataclass(frozen=True)
class Lexicon(Names):
    """The names of ``kb.names`` plus the extractor's own words and topics."""
    words: dict  # extract_lexicon.yaml as read
    topics: tuple[tuple[str, str], ...]  # (keyword, department name), longest keyword first

    def list(self, key: str) -> list[str]:
        value = self.words.get(key)
        if not isinstance(value, list):
            raise DataFileError(f"indexer/data/extract_lexicon.yaml: '{key}' must be a list")
        return [str(v) for v in value]

    def mapping(self, key: str) -> dict:
        value = self.words.get(key)
        if not isinstance(value, dict):
            raise DataFileError(f"indexer/data/extract_lexicon.yaml: '{key}' must be a mapping")
        return value


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """Read every data file once per process."""
    base = kb_names.load()
    words = read_yaml("extract_lexicon.yaml")
    topics = read_yaml("topics.yaml")

    known = {d.name for d in base.departments}
    topic_pairs = []
    for t in topics.get("topics") or []:
        lead = t.get("lead")
        if lead not in known:
            raise DataFileError(f"indexer/data/topics.yaml: lead '{lead}' is not a department name in "
                                "kb/data/departments.yaml; add it there or fix the spelling")
        for kw in t.get("keywords") or []:
            topic_pairs.append((str(kw), lead))
    topic_pairs.sort(key=lambda p: -len(p[0]))

    return Lexicon(**{f.name: getattr(base, f.name) for f in fields(Names)},
                   words=words, topics=tuple(topic_pairs))


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
            raise DataFileError(f"{where}: anaphor #{i} needs an 'id' and a 'regex'")
        try:
            re.compile(str(e["regex"]))
        except re.error as err:
            raise DataFileError(f"{where}: anaphor '{e['id']}' has an invalid regex ({err}); fix it") from None
        number = str(e.get("number") or "one")
        if number not in ("one", "many"):
            raise DataFileError(f"{where}: anaphor '{e['id']}': number must be 'one' or 'many', not '{number}'")
        specs.append(AnaphorSpec(str(e["id"]), str(e["regex"]), tuple(str(a) for a in e.get("accepts") or ()),
                                 number, bool(e.get("resolve", True))))
    roles = {}
    for word, rs in (data.get("role_collectives") or {}).items():
        bad = [r for r in rs or () if r not in ("lead", "support", "owner")]
        if bad or not rs:
            raise DataFileError(f"{where}: role_collectives '{word}' must list roles among lead, support, owner")
        roles[str(word)] = tuple(rs)
    return Anaphora(tuple(specs), roles)
