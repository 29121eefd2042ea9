"""The data model: every record the indexer writes and the kb reads.

Both sides import this one module. Records are frozen dataclasses; they carry
their evidence (the matched text and its character offsets into the
document's normalised text, see ``indexer.normalize``). Links between records
are ids, never objects, so records serialise to JSON and SQLite unchanged.

Provision ids follow the document's own numbering (see ``indexer.structure``)::

    yangzhou-2024-118#part_3__art_5__cl_4
    ^ document id     ^ 三、   ^ （五） ^ 4th sentence/semicolon item
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Callable

LEVELS = ("central", "provincial", "municipal", "county")
STATUSES = ("full", "outline")
PROVISION_KINDS = ("preamble", "part", "article", "item", "clause", "closing")
PARTY_ROLES = ("lead", "support", "owner", "recipient", "mentioned")
# resolved: read through a word that stands for a body named before (该局, 其, 上述部门), see Reference.
PARTY_SOURCES = ("explicit", "inferred", "inherited", "resolved")
REFERENCE_STATUSES = ("resolved", "ambiguous", "no_antecedent", "not_resolved")
LINK_KINDS = ("citation", "aligned", "confirmed")


def to_dict(record: Any) -> dict:
    """A record as a plain dict (JSON-ready); tuples become lists.

    Equal to ``dataclasses.asdict`` for these records (nested records become
    dicts, containers are copied) without its ``deepcopy`` of every string and
    number, which made it a third of the time of writing a large KB.
    """
    return _plain(record)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(v: Any) -> Any:
    cls = type(v)
    if cls in (str, int, float, bool) or v is None:
        return v
    names = _FIELD_NAMES.get(cls)
    if names is None and is_dataclass(v) and not isinstance(v, type):
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(v))
    if names is not None:
        return {n: _plain(getattr(v, n)) for n in names}
    if isinstance(v, (list, tuple)) and not hasattr(v, "_fields"):
        return cls(_plain(x) for x in v)
    if isinstance(v, dict):
        return cls((_plain(k), _plain(x)) for k, x in v.items())
    return deepcopy(v)  # anything else (not met in these records): copied, as asdict does


@dataclass(frozen=True)
class Citation:
    """A reference in the text to another document: 《title》 and/or 文号."""

    doc_id: str
    provision_id: str | None  # the clause (leaf provision) that cites it
    title: str | None  # without the 《》
    doc_number: str | None  # normalised, e.g. 扬府发〔2024〕118号
    text: str  # the matched text as it stands in the document
    start: int
    end: int
    resolved_id: str | None = None  # filled by citation resolution


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    doc_number: str | None
    issuer: str
    date: str | None  # YYYY-MM-DD
    level: str  # one of LEVELS
    status: str  # one of STATUSES
    source: str  # where the text came from (file name in corpus/, URL)
    recipients: tuple[str, ...] = ()
    text: str = ""  # the whole normalised text; provision offsets index into it
    body_start: int = 0  # the body (what provisions cover) is text[body_start:body_end]
    body_end: int = 0
    parts: int = 0
    articles: int = 0
    clauses: int = 0
    meta: dict = field(default_factory=dict)  # anything else: url, upstream, verified flags …
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provision:
    """One node of the document tree.

    ``start``/``end`` cover the provision and all its children; ``heading`` is
    the article's first sentence (or the part's title line) and is also a span
    of the text. Leaves (clauses, and containers without children) partition
    the body: in document order, they do not overlap and, with the containers'
    headings and markers, contain every non-space character of it.
    """

    id: str
    doc_id: str
    kind: str  # one of PROVISION_KINDS
    parent: str | None
    seq: int  # position in document order
    part_no: int | None
    article_no: int | None
    item_no: int | None
    clause_no: int | None
    heading: str | None
    text: str
    start: int
    end: int
    marker: str | None = None  # the numbering as written: 三、 （五） 1． 第三条 …
    label: str = ""  # human path: 第三部分 / （五）持续深入打好蓝天碧水净土保卫战
    depth: int = 0


@dataclass(frozen=True)
class Party:
    """A body and its part in a task.

    ``name`` is the body as the document writes it (县水务局, 市发改委): that is
    what users see. ``canonical`` is the lexicon's form (县水利局, 市发展改革委),
    used only to group, filter and search, so either name finds the party.
    A ``resolved`` party was read through a reference (该局要…): ``evidence`` /
    ``start`` / ``end`` are then the antecedent as written, ``anaphor*`` the
    referring word in the task's clause.
    """

    name: str
    role: str  # one of PARTY_ROLES
    source: str  # one of PARTY_SOURCES
    evidence: str  # the text that supports it (the span, the keyword, or 主送)
    start: int | None = None
    end: int | None = None
    canonical: str | None = None  # alias-normalised name (grouping, --party, search); None: same as name
    anaphor: str | None = None  # resolved parties: the referring word (该局, 其, 上述部门)
    anaphor_start: int | None = None
    anaphor_end: int | None = None
    # ``canonical`` is the issuer's own body inferred from a generic name (生态环境部门 in a city's
    # document → 市生态环境局; ``kb.names.generic_body``), not a spelling of ``name``:
    # ``canonical_note`` says so in Chinese.
    canonical_inferred: bool = False
    canonical_note: str = ""

    @property
    def key(self) -> str:
        """What parties are grouped and compared by: the canonical name, else the name."""
        return self.canonical or self.name


@dataclass(frozen=True)
class Reference:
    """A word in a task's clause that stands for a body named before it (该局, 该委, 其, 上述部门,
    各责任单位), and what it was resolved to.

    ``status``: ``resolved`` (``antecedents`` are the bodies as written, ``evidence``
    and ``antecedent_spans`` where they stand), ``ambiguous`` (several bodies could be
    meant; ``antecedents`` lists them), ``no_antecedent`` (no body before it in the
    article/item) or ``not_resolved`` (a form never resolved, e.g. 督促其整改 where 其 is
    the object). ``note`` says it in Chinese for the user.
    """

    text: str
    start: int
    end: int
    status: str  # one of REFERENCE_STATUSES
    role: str | None = None  # the role the sentence gives the referent (owner for 该局要…)
    antecedents: tuple[str, ...] = ()
    canonical: tuple[str, ...] = ()
    antecedent_spans: tuple[tuple[int, int], ...] = ()
    evidence: str = ""
    note: str = ""


@dataclass(frozen=True)
class Deadline:
    year: int | None
    month: int | None
    text: str
    source: str  # explicit | inherited
    recurring: str | None = None  # 每季度, 每年 …
    start: int | None = None
    end: int | None = None
    stages: tuple[int, ...] = ()  # inherited: the document's stage years (2025, 2030, 2035)
    period: tuple[int, int] | None = None  # “十四五”期间 → (2021, 2025)
    # explicit (written, or a month of the document's year: 6月底前) | document (全年 / 本年度: the
    # document's year as a whole, no deadline written — shown as 推断) | None (no year)
    year_source: str | None = None

    @property
    def year_inferred(self) -> bool:
        return self.year_source == "document"


@dataclass(frozen=True)
class Target:
    doc_id: str
    clause_id: str
    article_no: int | None
    year: int | None
    indicator: str
    value: float | str | None
    unit: str | None
    qualifier: str | None
    text: str
    start: int | None = None
    end: int | None = None
    verified: bool | str | None = None  # outline targets: True / False / "partial" (confirmed in a published source?)
    kind: str = "number"  # number | class (Ⅲ类) | coverage (全覆盖) | benchmark (优于国家目标) | outcome (达到…要求)
    verb: str | None = None  # the link verb as written: 保持在, 稳定达到, 下降到 …
    # explicit (a time phrase in force) | annotation (完成时限) | document (推断: a phrase naming no
    # year, 全年/年内/年底前, read as the document's own year) | None
    year_source: str | None = None

    @property
    def year_inferred(self) -> bool:
        """The year is not written at the target: it is the document's own (全年 in a 2026 工作要点)."""
        return self.year_source == "document"


@dataclass(frozen=True)
class Task:
    id: str
    clause_id: str
    doc_id: str
    article_no: int | None
    item_no: int | None
    text: str
    parties: tuple[Party, ...] = ()
    deadline: Deadline | None = None
    targets: tuple[Target, ...] = ()
    verbs: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None
    label: str = ""  # the clause's human path: 第三部分 / （五）持续深入打好蓝天碧水净土保卫战
    # Who is responsible, by the best source found: explicit | resolved | inferred | inherited |
    # unassigned (no lead, owner or support at all; recipients/mentions do not count).
    assignment: str = "unassigned"
    unassigned: bool = True
    references: tuple[Reference, ...] = ()  # 该局 / 其 / 上述部门 … in the task and how each was resolved
    # What the extractor could not read for this task, in Chinese for the user: an annotation
    # with a cue of responsibility that yielded no unit (括注“（…）”未读出责任单位).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A lower-level provision → the upstream provision it implements or cites."""

    source_id: str  # the lower-level (downstream) provision
    target_id: str  # the upstream provision
    kind: str  # one of LINK_KINDS
    score: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    id: str
    doc_id: str
    level: str
    kind: str
    part_no: int | None
    article_no: int | None
    heading: str | None
    text: str
    highlight: str
    score: float
    spans: tuple[tuple[int, int], ...] = ()  # highlighted character spans in ``text``
    label: str = ""
    status: str = "full"
    heading_spans: tuple[tuple[int, int], ...] = ()  # highlighted character spans in ``heading``
    heading_highlight: str = ""


# ---------------------------------------------------------------------------
# Rules over records, in one place each
# ---------------------------------------------------------------------------


def ancestors(p: Provision, parent: Callable[[str], Provision | None]) -> list[Provision]:
    """The containers of a provision, innermost first. ``parent`` looks an id up (``by_id.get``,
    ``KB.provision``); the walk stops at an id it does not find."""
    chain = []
    while p.parent:
        above = parent(p.parent)
        if above is None:
            break
        chain.append(above)
        p = above
    return chain


def _deadline_year(t: Task) -> int | None:
    """The year of the task's own deadline. An inherited deadline (the document's stage years,
    2025/2030/2035) has none, so nothing treats the document's horizon as the task's year."""
    return t.deadline.year if t.deadline and t.deadline.source == "explicit" else None


def task_years(t: Task) -> tuple[int, ...]:
    """The years a task states, sorted: its deadline's year and the years of its targets
    (what a ``--year`` filter matches)."""
    return tuple(sorted({y for y in (_deadline_year(t), *(g.year for g in t.targets)) if y}))


def task_year(t: Task) -> int | None:
    """The year a task is due: its deadline's year, else the year of its first dated target."""
    return _deadline_year(t) or next((g.year for g in t.targets if g.year), None)
