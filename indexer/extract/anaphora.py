"""References to a body named before: 该局要… / 由其汇总 / 上述部门要… / 各责任单位要….

A county plan often names a body once and then refers back to it::

    由县生态环境局牵头开展排查。该局要每季度通报进展。      该局 → 县生态环境局
    ……书面报市生态环境局，由其汇总后向市委、市政府报告。    其 → 市生态环境局
    县农业农村局、县生态环境局共同开展……。上述部门要……     上述部门 → both

``resolve`` is a pure function from a reference, the bodies named before it
(``Candidate``) and the text to a ``Resolution``. The rules, in order:

1. Only bodies in the same article/item (``scope_start``) and before the
   reference count; collectives (各有关部门, 各镇人民政府) never stand for 该局/其.
   The name must fit the word (``accepts`` in ``indexer/data/anaphora.yaml``):
   该局 means a body whose name ends in 局, 该委 one in 委/委员会.
2. Same sentence first: if the text before the reference in its sentence names
   exactly one fitting body, that is it. Several → the body something was just
   handed to, right before the reference (``报市生态环境局，由其汇总``: a recipient,
   nothing but a comma and 由 between), else **ambiguous** (``领导小组办公室设在县水务局，
   由其负责`` is not guessed: 其 is the office, which is no named body).
3. Otherwise the nearest earlier sentence that names a fitting body: exactly
   one → resolved, several → ambiguous (由县水利局、县住建局牵头。该局要… is not
   guessed).
4. ``number: many`` (上述部门) takes every fitting body of that sentence, the
   responsible ones (lead/support/owner) when the roles are known.
5. Forms with ``resolve: false`` (督促其整改: 其 is the object) are recorded as
   ``not_resolved``.

A resolved reference gives parties with ``source: "resolved"`` (never
``explicit``); an unresolved one gives none, and both are kept on the task as
``kb.models.Reference`` with a note in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.extract.lexicon import AnaphorSpec

SENTENCE_END = "。；;！？!?\n"
# Between a recipient and the reference that follows it directly: …报市生态环境局，由其汇总.
ADJACENT = re.compile(r"[，,]?(?:并|再|后|然后)?(?:由|交由)?")
RESPONSIBLE = ("lead", "support", "owner")


@dataclass(frozen=True)
class Candidate:
    """A body named in the text (an ORG match) that a reference may stand for."""

    name: str  # as written
    canonical: str
    start: int
    end: int
    role: str | None = None  # its role where it stands, when known
    collective: bool = False  # 各有关部门, 各镇人民政府 …


@dataclass(frozen=True)
class Resolution:
    status: str  # resolved | ambiguous | no_antecedent | not_resolved
    antecedents: tuple[Candidate, ...] = ()
    note: str = ""


def sentence_start(text: str, pos: int, floor: int = 0) -> int:
    """The start of the sentence holding ``pos`` (after the last 。；！？ or line break), not before ``floor``."""
    i = pos - 1
    while i >= floor and text[i] not in SENTENCE_END:
        i -= 1
    return max(i + 1, floor)


def fits(spec: AnaphorSpec, c: Candidate) -> bool:
    if c.collective:
        return False
    return not spec.accepts or c.name.endswith(tuple(spec.accepts))


def distinct(cands) -> list[Candidate]:
    """One candidate per body (市发改委 and 市发展改革委 are one), first mention kept, in text order."""
    seen, out = set(), []
    for c in sorted(cands, key=lambda c: c.start):
        if c.canonical not in seen:
            seen.add(c.canonical)
            out.append(c)
    return out


def names(cs) -> str:
    return "、".join(c.name for c in cs)


def resolve(spec: AnaphorSpec, word: str, start: int, candidates: list[Candidate], text: str,
            scope_start: int) -> Resolution:
    """What the reference ``word`` at ``start`` in ``text`` stands for (see the module docstring)."""
    if not spec.resolve:
        return Resolution("not_resolved", (), f"“{word}”在此处指被督促、指导的对象，原文未写明，不作推断")
    before = [c for c in candidates if scope_start <= c.start and c.end <= start and fits(spec, c)]
    if not before:
        return Resolution("no_antecedent", (), f"本条（项）中“{word}”之前没有可指代的单位，未解析")
    s0 = sentence_start(text, start, scope_start)
    window = [c for c in before if c.start >= s0]
    same_sentence = bool(window)
    if not window:
        last = max(before, key=lambda c: c.end)
        s1 = sentence_start(text, last.start, scope_start)
        window = [c for c in before if c.start >= s1]
    if spec.number == "many":
        responsible = [c for c in window if c.role is None or c.role in RESPONSIBLE]
        found = distinct(responsible or window)
        return Resolution("resolved", tuple(found), f"“{word}”指前文的{names(found)}")
    found = distinct(window)
    if len(found) == 1:
        return Resolution("resolved", tuple(found), f"“{word}”指前文的{found[0].name}")
    nearest = max(window, key=lambda c: c.end)
    if same_sentence and nearest.role == "recipient" and ADJACENT.fullmatch(text[nearest.end:start]):
        return Resolution("resolved", (nearest,), f"“{word}”指紧邻其前的报送对象{nearest.name}")
    return Resolution("ambiguous", tuple(found),
                      f"“{word}”可能指{names(found)}，无法确定，未解析")
