"""The backend seam: what every search engine (Whoosh, tantivy) implements.

An engine only stores records and evaluates a *planned* query
(``kb.search.plan``): units that already carry their jieba words, bigrams and
synonyms. Query parsing, synonym expansion, highlighting and result shaping
live outside the engine, so a new engine is one module with two classes::

    class MyEngine:
        name = "my"
        def build(self, index_dir, records): ...    # write an index of IndexRecord
        def open(self, index_dir) -> MyIndex: ...

    class MyIndex:
        def search(self, plan, filters, limit) -> EngineResult: ...

and one line in ``ENGINES``. Index each place (``text``, ``headings``,
``context``) twice, from ``kb.analysis.word_tokens(value, index=True)`` and
``kb.analysis.bigram_tokens(value, index=True)``: mind that the bigram stream
puts single characters at the position of a bigram (several tokens per
position) and both streams skip a position at hard separators; a unit form
matches as the phrase of its ``words`` or of its ``bigrams`` (query-mode
tokens, consecutive positions). The engine is chosen by ``$POLICYKB_ENGINE``
(default ``whoosh`` up to ``LARGE_CORPUS`` clauses, ``tantivy`` above, see
``build_choice``); ``policykb build`` writes the
chosen engine's index into ``<build>/index/<engine name>/``, and a search uses
the engine whose index its build holds unless ``$POLICYKB_ENGINE`` says
otherwise (``build_engine``). Field weights every engine applies are in
``kb.search.ranking``; the token streams are ``kb.analysis.word_tokens`` and
``kb.analysis.bigram_tokens``.
"""

from __future__ import annotations

import functools
import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

from kb.errors import ConfigError

ENV = "POLICYKB_ENGINE"
DEFAULT = "whoosh"
# name → "module:Class"; imported only when chosen.
ENGINES = {
    "whoosh": "kb.search.whoosh_engine:WhooshEngine",
    "tantivy": "kb.search.tantivy_engine:TantivyEngine",
}
INDEX_DIR = "index"


@dataclass(frozen=True)
class IndexRecord:
    """One searchable provision (a leaf: a clause, or a container without children).

    ``text`` is what a hit shows and highlights; ``heading`` is the nearest
    container heading (shown with the hit), ``headings`` every heading above the
    provision inside its part (ranked as the heading field), ``context`` the
    part heading and the document's title, 文号 and issuer (a weak signal).
    """

    id: str
    doc_id: str
    seq: int  # position in the whole corpus, document order: ties rank in reading order
    level: str
    status: str
    kind: str
    part_no: int | None
    article_no: int | None
    item_no: int | None
    label: str
    heading: str | None
    text: str
    headings: str = ""
    context: str = ""
    years: tuple[int, ...] = ()  # target years and deadlines
    parties: tuple[str, ...] = ()  # responsible parties from tasks
    label_chars: int = 0  # leading characters of ``text`` that are a label, not content (目标〔未核实〕：)

    @property
    def content(self) -> str:
        """What the ``text`` field indexes: the text without its label (shown and highlighted whole)."""
        return self.text[self.label_chars:] if self.label_chars else self.text


@dataclass(frozen=True)
class Filters:
    doc: str | None = None
    level: str | None = None
    year: int | None = None
    parties: tuple[str, ...] | None = None  # any of these names; None = no party filter


@dataclass(frozen=True)
class EngineHit:
    id: str
    score: float
    record: dict  # the stored IndexRecord fields


@dataclass
class EngineResult:
    total: int
    hits: list[EngineHit] = field(default_factory=list)


class Index(Protocol):
    def search(self, plan, filters: Filters, limit: int) -> EngineResult: ...

    # Term statistics of a field (``text``, ``text_bi``, ``headings`` …), for generic words and
    # spelling help (``kb.search.stats``).
    def num_docs(self) -> int: ...

    def doc_freq(self, field: str, term: str) -> int: ...

    def terms(self, field: str) -> list[tuple[str, int]]: ...


class Engine(Protocol):
    name: str

    def build(self, index_dir: Path, records: Iterable[IndexRecord]) -> None: ...

    def add(self, index_dir: Path, records: Iterable[IndexRecord]) -> None: ...  # to a built index

    def records(self, index_dir: Path) -> int: ...  # how many the index holds

    def open(self, index_dir: Path) -> Index: ...


def engine_name(name: str | None = None) -> str:
    return (name or os.environ.get(ENV) or DEFAULT).strip().lower()


# Above this many clauses the Whoosh engine (pure Python, every match scored)
# answers broad queries slowly: about 0.3 s at 10^4, 0.5–1 s at 2·10^4 and 5 s at 10^5
# (p95, `policykb bench`); tantivy stays in milliseconds at every size.
LARGE_CORPUS = 10_000
LARGE_DEFAULT = "tantivy"  # the engine a build of a large corpus uses when $POLICYKB_ENGINE is not set


def build_choice(clauses: int) -> str:
    """The engine a build of ``clauses`` clauses writes: ``$POLICYKB_ENGINE`` if set, else
    Whoosh (the default) up to ``LARGE_CORPUS`` clauses and tantivy above."""
    if os.environ.get(ENV, "").strip():
        return engine_name()
    return LARGE_DEFAULT if clauses > LARGE_CORPUS else DEFAULT


def scale_advice(clauses: int, name: str | None = None) -> str | None:
    """What the build's output says about the engine for this size: that the default moved to
    tantivy (no engine asked for), or that tantivy would answer faster (Whoosh asked for)."""
    asked = name or os.environ.get(ENV, "").strip()
    if clauses <= LARGE_CORPUS:
        return None
    if not asked:
        return (f"本语料有 {clauses} 条句子（超过 {LARGE_CORPUS} 条），已自动使用 {LARGE_DEFAULT} 检索引擎（大库查询更快）；"
                f"要用 Whoosh，设置 {ENV}=whoosh 后重新构建")
    if engine_name(asked) == "whoosh":
        return (f"本语料有 {clauses} 条句子，Whoosh 引擎在此规模下宽泛查询较慢；建议改用 tantivy 引擎："
                f"{ENV}=tantivy policykb build（见 docs/performance.md）")
    return None


def get_engine(name: str | None = None) -> Engine:
    """The engine called ``name``, else ``$POLICYKB_ENGINE``, else Whoosh."""
    name = engine_name(name)
    if name not in ENGINES:
        raise ConfigError(f"{ENV}={name!r} is not a search engine; use one of: {', '.join(sorted(ENGINES))}")
    module, cls = ENGINES[name].split(":")
    return getattr(importlib.import_module(module), cls)()


def build_engine(build_dir: Path) -> str:
    """The engine to search a build with: ``$POLICYKB_ENGINE`` if set, else the engine whose
    index the build holds (``POLICYKB_ENGINE=tantivy policykb build`` writes a tantivy index,
    and later searches use it without the variable), else the default."""
    if os.environ.get(ENV, "").strip():
        return engine_name()
    return _built_engine(str(build_dir))


@functools.lru_cache(maxsize=64)
def _built_engine(build_dir: str) -> str:
    # A build folder never changes once written, so its answer can be kept.
    root = Path(build_dir) / INDEX_DIR
    built = sorted(p.name for p in root.iterdir() if p.name in ENGINES) if root.is_dir() else []
    return DEFAULT if DEFAULT in built or not built else built[0]


def index_dir(build_dir: Path, name: str) -> Path:
    return Path(build_dir) / INDEX_DIR / name
