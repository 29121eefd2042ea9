"""The query-time vocabulary files: synonyms/abbreviations and stop words (``kb/data``).

The user dictionary (jieba words) is loaded by ``kb.analysis`` because the
index needs it too; these two only change how queries are read, so editing
them needs no rebuild.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kb import names
from kb.analysis import fold
from kb.errors import ConfigError

SYNONYMS = "synonyms.txt"
STOPWORDS = "stopwords.txt"

_SEP_RE = re.compile(r"\s*\|\s*")


def _key(term: str) -> str:
    return re.sub(r"\s+", "", fold(term))


@dataclass(frozen=True)
class Synonyms:
    table: dict[str, tuple[str, ...]]  # folded term → other terms, in file order

    def __call__(self, term: str) -> tuple[str, ...]:
        return self.table.get(_key(term), ())

    @classmethod
    def parse(cls, text: str, name: str = SYNONYMS, groups=()) -> "Synonyms":
        """The rules of ``text`` (synonyms.txt), then the equivalence ``groups`` given apart."""
        table: dict[str, list[str]] = {}

        def add(src: str, targets: list[str]) -> None:
            got = table.setdefault(_key(src), [])
            for t in targets:
                if _key(t) != _key(src) and t not in got:
                    got.append(t)

        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.count("=>") > 1:
                raise ConfigError(f"{name} line {n}: more than one '=>'; write one rule per line")
            if "=>" in line:
                left, right = (_SEP_RE.split(side.strip()) for side in line.split("=>"))
                if not all(left) or not all(right):
                    raise ConfigError(f"{name} line {n}: empty term around '|' or '=>'; fix or remove the line")
                for src in left:
                    add(src, right)
            else:
                group = _SEP_RE.split(line)
                if len(group) < 2 or not all(group):
                    raise ConfigError(f"{name} line {n}: a group needs two or more terms "
                                      "separated by '|' (or 'term => other | other')")
                for src in group:
                    add(src, group)
        for group in groups:
            for src in group:
                add(src, list(group))
        return cls({k: tuple(v) for k, v in table.items()})


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    """synonyms.txt and the bodies' groups of departments.yaml (``kb.names``)."""
    return Synonyms.parse((resources.files("kb") / "data" / SYNONYMS).read_text(encoding="utf-8"),
                          groups=names.load().search_synonyms)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = (resources.files("kb") / "data" / STOPWORDS).read_text(encoding="utf-8")
    return frozenset(fold(w) for line in text.splitlines()
                     if (w := line.split("#", 1)[0].strip()))
