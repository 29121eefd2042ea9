"""A parsed document → its tasks (with parties and deadlines) and targets.

How a document is read (``extract_document``):

1. Every clause goes through the spaCy pipeline once (``nlp.pipe``), which
   finds bodies, places, time phrases, quantities, action verbs and topic
   keywords with exact character offsets.
2. The parts whose heading is a goal heading (总体要求, 主要目标 …) state
   goals: their time phrases are the document's *stage years*, their
   clauses yield targets but no tasks. The preamble yields neither.
3. A clause is cut before each time phrase that opens a comma segment
   (严格生态保护红线监管，|到2035年，…面积保持在…以上，确保…); each piece in
   which an action verb stands in command position (after adverbs, a time
   phrase, or a body) is a task; a piece without one joins the task before it.
4. Parties: annotations (the clause's own, else the next one closing a sentence
   of its paragraph, else the one closing its item or article, else one in the
   heading of its item, article or part), then the running text, plus the
   owners of any blanket rule before it (以下任务均由各镇人民政府负责落实，不再一一
   列出). With no explicit lead or owner, the topic table gives an *inferred*
   lead (keyword as evidence) and the document's 主送 become *inherited*
   recipients; a piece joining actions whose inferred leads differ is one task
   per action (``_split_actions``).
   A word standing for a body named before (该局要…, 由其汇总, 上述部门要…,
   各责任单位要…) takes its role from the same cues and is resolved by
   ``indexer.extract.anaphora`` to the nearest body before it in the article/item
   when that is unambiguous: the party is ``source: "resolved"`` with the
   antecedent as evidence; every such word is kept on the task as a ``Reference``.
5. Deadline: the time phrase in force at the task's verb — its scope runs to
   the next time phrase or the end of the sentence (a clause ending in ；
   passes it on to the next) — plus any recurrence (每季度); else the
   annotation's 完成时限; else the stage years, as ``inherited`` (``stages``
   lists them; ``year`` stays null).
6. Targets: ``indexer.extract.targets`` over every clause, the year being the
   time phrase in force at the value.

Task ids are ``<clause id>__task_<n>``, n counting the tasks of the clause.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kb import names as kb_names
from kb.models import Deadline, Document, Party, Provision, Reference, Target, Task, ancestors
from indexer.extract import anaphora as an
from indexer.extract import lexicon as lx
from indexer.extract import parties as pt
from indexer.extract.patterns import CharMatch, find_matches
from indexer.extract import tables
from indexer.extract.targets import FoundTarget, find_targets
from indexer.extract.times import TimeInfo, describes_object, interpret

TITLE_RE = re.compile(r"《[^《》]*》")
PURPOSE_CLAUSE = re.compile(
    r"^(?:为了|为)[^。]*(?:制定|制订|出台)本(?:办法|规定|条例|细则|方案|实施方案|意见|实施意见|计划|要点|通告|公告|规则|决定)。?$")
ANNEX_LINE = re.compile(r"^附件(?:\d{1,2}|[一二三四五六七八九十]{1,3})?[：:]?[^。；]{0,60}$")
SEGMENT_SEPS = "，；：。！？｜"  # ｜ separates the cells of a table row
RESPONSIBLE = ("lead", "owner", "support")


@dataclass
class ClauseInfo:
    clause: Provision
    matches: list[CharMatch]
    annotations: list[pt.Annotation]
    skip: list[tuple[int, int]]
    running: list = None  # (Party, CharMatch) pairs of the running text, see parties.running_text_parties


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def department_for(dept: str, doc: Document) -> str:
    """A department of the topic table as the issuer's own body: 生态环境局 → 市生态环境局."""
    return kb_names.own_body(dept, doc.level, doc.issuer)


def own_level_bodies(task: Task, doc: Document) -> Task:
    """A generic department name the text gives a task (充分发挥生态环境部门职能作用) grouped under
    the issuer's own body (市生态环境局), said to be inferred (``kb.names.generic_body``); the name
    as written and the party's role and source stay as read."""
    guessed = tuple((doc.meta or {}).get("guessed") or ())
    parties, changed = [], False
    for p in task.parties:
        g = None
        if p.source in ("explicit", "resolved") and p.start is not None:
            at = doc.text.find(p.name, p.start, max(p.end or 0, p.start + len(p.name)))  # the evidence may be longer
            at = p.start if at < 0 else at
            g = kb_names.generic_body(p.name, doc.text[max(0, at - 4):at], doc.level, doc.issuer, guessed)
        if g is not None:
            p = replace(p, canonical=g.body, canonical_inferred=True, canonical_note=g.note)
            changed = True
        parties.append(p)
    return replace(task, parties=tuple(_dedupe(parties))) if changed else task


# …，2026年底前完成。（牵头单位：…）: a deadline after the work, followed by nothing but a
# verb of completion, dates the work before it rather than starting a task of its own.
POSTPOSED_DEADLINE = re.compile(r"(?:全部|基本|全面)?(?:完成|建成|到位|落实到位|实现)[。；]?(?:（[^）]*）)?[。；]?$")


# 2027年6月底前完成一期工程 / 6月底前，建成…: a time phrase followed by a verb of completion is the
# milestone of the work named just before it. Not 实现 (2026年6月底前，实现…全覆盖 states an outcome).
MILESTONE = re.compile(r"[，]?(?:全部|基本|全面)?(?:完成|建成)")


@lru_cache(maxsize=1)
def _generic_bigrams() -> frozenset[str]:
    return frozenset(lx.load().list("generic_bigrams"))


def _shares_word(a: str, b: str) -> bool:
    """Do two pieces of text share a two-character word that is not a generic one?"""
    def grams(s: str) -> set[str]:
        return {s[i:i + 2] for i in range(len(s) - 1) if re.fullmatch(r"[\u4e00-\u9fff]{2}", s[i:i + 2])}
    return bool((grams(a) & grams(b)) - _generic_bigrams())


def _inside(pos: int, spans) -> bool:
    return any(s <= pos < e for s, e in spans)


def _segments(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Comma segments of text[a:b] (relative offsets), outside brackets."""
    out, depth, seg = [], 0, a
    for i in range(a, b):
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
        elif depth == 0 and ch in SEGMENT_SEPS:
            if i > seg:
                out.append((seg, i))
            seg = i + 1
    if seg < b:
        out.append((seg, b))
    return out


# ---------------------------------------------------------------------------
# Task verbs
# ---------------------------------------------------------------------------

# A subject that is no body, then 应当/必须 (设置人应当…, 生产经营单位必须…): an obligation, a task.
OBLIGED = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:应当|必须)")


@lru_cache(maxsize=1)
def _command_words() -> tuple[list[str], list[str], list[str], list[str]]:
    lex = lx.load()
    return (lx.longest_first(lex.list("adverbs") + lex.list("modals") + lex.list("enumerators")),
            lx.longest_first(lex.list("frames")), lex.list("disposal"), lx.longest_first(lex.list("subject_frames")))


def command_verbs(text: str, offset: int, a: int, b: int, matches: list[CharMatch],
                  skip: list[tuple[int, int]]) -> list[CharMatch]:
    """Action verbs of text[a:b] that stand in command position.

    In each comma segment: after optional time phrases, bodies (with 由 / 要 /
    负责 …) and adverbs, the next word must be an action verb. A segment that
    opens with a frame (围绕…, 针对…) or names a lead (由X…) counts any verb in it.
    """
    adverbs, frames, disposal, subject_frames = _command_words()
    verbs = [m for m in matches if m.label == "ACTION" and not _inside(m.start, skip)]
    by_start = {m.start - offset: m for m in verbs}
    skippable = {}
    bodies = set()
    for m in matches:
        if m.label in ("TIME", "ORG", "PLACE", "ANAPHOR") and not _inside(m.start, skip):
            s = m.start - offset
            skippable[s] = max(skippable.get(s, s), m.end - offset)
            if m.label in ("ORG", "ANAPHOR"):
                bodies.add(s)
    found: list[CharMatch] = []
    for s, e in _segments(text, a, b):
        i = s
        while i < e and text[i] in " 、“”":
            i += 1
        obliged = OBLIGED.match(text, i, e)
        if obliged:  # 设置人应当每年…检测 (a 办法's duty of whoever it names): the verb after the modal
            i = obliged.end()
        hit = None
        after_object = None
        subject_end = skippable[i] if i in bodies else None  # the segment opens with a body
        frame_at = None  # 区财政局按照…标准落实资金 / 某站每月对在建项目开展…: a frame after the body
        for _ in range(12):
            if i in by_start:
                hit = by_start[i]
                if text[hit.end - offset:hit.end - offset + 1] == "的":
                    hit = None  # 市人民政府印发的《…》: a verb describing a noun orders nothing
                break
            if text[i:i + 1] in disposal:  # 将年度工作情况书面报…: the verb follows the object
                after_object = i + 1
                break
            if text.startswith("由其", i):
                i += 2
            elif i in skippable:
                i = skippable[i]
            elif text[i:i + 1] in "由向" and i + 1 in skippable:  # 由X牵头… / 向X报告…
                i = skippable[i + 1]
            elif text[i:i + 1] in "、和及与" and i + 1 in skippable:
                i += 1
            else:
                w = next((x for x in adverbs if text.startswith(x, i)), None)
                if not w:
                    if i > s:
                        frame_at = next((i + len(x) for x in (*frames, *subject_frames) if text.startswith(x, i)), None)
                    break
                i += len(w)
        if hit is not None:
            found.append(hit)
            continue
        # 由X统筹推进 inside a segment: the verb after the body.
        lead_at = [skippable[k] for k in skippable if s < k < e and text[k - 1:k] == "由"]
        opener = next((x for x in frames if text.startswith(x, s)), None)
        # 县司法局联合同级人社部门开展… / 市财政局按照…标准安排…: a body opening the segment is its
        # subject, and the first verb after it is its work however much stands between.
        after = min(lead_at) if lead_at else (s + len(opener) if opener else after_object or frame_at or subject_end)
        if after is not None:
            inner = [v for v in verbs if after <= v.start - offset < e]
            if inner:
                found.append(inner[0])
    return found


# ---------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------


def _paragraphs(text: str, clauses: list[Provision]) -> list[tuple[int, int]]:
    """The lines of ``text`` that hold clauses (the body's paragraphs), as (start, end)."""
    out: list[tuple[int, int]] = []
    for c in clauses:
        if out and c.start < out[-1][1]:
            continue
        a = text.rfind("\n", 0, c.start) + 1
        b = text.find("\n", c.end)
        out.append((a, len(text) if b < 0 else b))
    return out


def _heading_offset(doc: Document, p: Provision) -> int | None:
    if not p.heading:
        return None
    i = doc.text.find(p.heading, p.start, p.end)
    return i if i >= 0 else None


def heading_deadline(c: Provision, ctx: "DocumentContext") -> TimeInfo | None:
    """（一）摸底排查阶段（2026年2月—3月）。各村完成…: the time in the heading sentence of the
    clause's article or item (a stage's window, a 5月底前), when the heading is not part of the
    clause's own text (a heading ending in ： is)."""
    for anc in ctx.chain(c):
        if anc.kind not in ("article", "item") or not anc.heading:
            continue
        off = _heading_offset(ctx.document, anc)
        if off is None or off <= c.start < off + len(anc.heading):
            return None
        if anc.id not in ctx.heading_due:  # read once per heading, not once per clause under it
            times = [interpret(m, ctx.doc_year) for m in ctx.matches.within(off, off + len(anc.heading))
                     if m.label == "TIME"]
            ctx.heading_due[anc.id] = next((t for t in reversed(times) if t.is_deadline), None)
        return ctx.heading_due[anc.id]
    return None


def _stage_years(infos: list[ClauseInfo], goal: set[str], doc_year) -> tuple[int, ...]:
    years = set()
    for ci in infos:
        if ci.clause.id in goal:
            for m in ci.matches:
                if m.label == "TIME" and not _inside(m.start, ci.skip):
                    t = interpret(m, doc_year)
                    if t.is_deadline and t.year and not t.relative:
                        years.add(t.year)
    return tuple(sorted(years))


# ---------------------------------------------------------------------------
# The document: a dispatcher over small stages
# ---------------------------------------------------------------------------
#
# ``extract_document`` builds a ``DocumentContext`` once (the spaCy matches, the table rows,
# the annotations that speak for a container or a paragraph, the reference candidates), then
# runs each clause through the stages below. Each stage is a function of its inputs only:
#
#   _extract_annotations            clause → ClauseInfo (own annotations, skipped spans, running text)
#   _extract_container_annotations  infos → annotations of items/articles (heading or closing one)
#   _extract_paragraph_annotations  infos → annotations closing a paragraph of several sentences
#   _extract_times                  ClauseInfo + carried time → ClauseTimes (time phrase in force)
#   _extract_targets                clause → Target records
#   _extract_pieces                 clause → pieces [start, end, command verbs] (one task each)
#   _extract_deadline               piece → Deadline
#   _extract_parties                piece → parties (annotation, running text, inferred, inherited)


class Matches:
    """The document's spaCy matches sorted by start, with the ones inside a span on demand."""

    def __init__(self, found: list[CharMatch]):
        self.all = found
        self._starts = [m.start for m in found]

    def within(self, a: int, b: int) -> list[CharMatch]:
        i = bisect.bisect_left(self._starts, a)
        out = []
        while i < len(self.all) and self.all[i].start < b:
            if self.all[i].end <= b:
                out.append(self.all[i])
            i += 1
        return out


@dataclass
class DocumentContext:
    """What every clause stage may read about its document (built once by ``extract_document``)."""

    document: Document
    by_id: dict[str, Provision]
    doc_year: int | None
    matches: Matches
    rows: list[tables.Row]
    container_ann: dict[str, pt.Annotation] = field(default_factory=dict)
    heading_ann: set[str] = field(default_factory=set)  # the containers whose annotation is in their heading
    para_ann: dict[str, pt.Annotation] = field(default_factory=dict)
    # (start, owners, only where no one is named?) of blanket rules
    blanket: list[tuple[int, list[Party], bool]] = field(default_factory=list)
    stages: tuple[int, ...] = ()
    heading_due: dict[str, TimeInfo | None] = field(default_factory=dict)  # see heading_deadline
    inherited: tuple[str, int | None, int | None] = ("主送", None, None)  # evidence, start, end
    candidates: list[an.Candidate] = field(default_factory=list)
    name_span: dict = field(default_factory=dict)

    def under_safeguards(self, p: Provision) -> bool:
        """Is ``p`` in a part on how the work is done (保障措施, 工作要求 …)? A blanket rule for the
        task items (以下任务均由各镇人民政府负责落实) does not reach there: its duties name their own bodies."""
        words = lx.load().list("safeguard_headings")
        return any(a.kind == "part" and a.heading and any(w in a.heading for w in words) for a in self.chain(p))

    def chain(self, p: Provision) -> list[Provision]:
        """The provision's containers, innermost first."""
        return ancestors(p, self.by_id.get)

    def __post_init__(self):
        self._row_starts = [r.start for r in self.rows]

    def row_of(self, c: Provision) -> tables.Row | None:
        k = bisect.bisect_right(self._row_starts, c.start) - 1
        return self.rows[k] if k >= 0 and c.start < self.rows[k].end else None

    def scope_start(self, c: Provision) -> int:
        """References look back within the clause's article/item (else its paragraph)."""
        box = next((a for a in self.chain(c) if a.kind in ("article", "item")), None)
        return box.start if box is not None else paragraph_start(self.document.text, c.start)


def paragraph_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _extract_matches(document: Document, clauses: list[Provision], nlp) -> Matches:
    """The spaCy matches of the paragraphs holding ``clauses``, in document offsets.

    The pipeline runs once per paragraph (an article or item with its clauses), not per
    clause: jieba and the rules cost less per character on longer texts, and a paragraph
    also holds the headings. Matches never cross 。；, so each clause takes the matches
    inside it.
    """
    from indexer.extract.nlp import matches as doc_matches

    paras = _paragraphs(document.text, clauses)
    found: list[CharMatch] = []
    for (ps, pe), d in zip(paras, nlp.pipe([document.text[a:b] for a, b in paras], batch_size=64)):
        found.extend(m.shifted(ps) for m in doc_matches(d))
    # 该镇人民政府 / 该局 are references, not bodies: a reference wins over an ORG it overlaps.
    refs_at = [(m.start, m.end) for m in found if m.label == "ANAPHOR"]
    if refs_at:
        found = [m for m in found if m.label != "ORG" or not any(s < m.end and m.start < e for s, e in refs_at)]
    # 县财政局、审计局、统计局: the later names share the first one's level
    members = pt.shared_prefix_members(document.text, found)
    # 领导小组办公室设在… after 成立县…领导小组: the short name of the one group the document names
    groups = pt.short_group_members(document.text, found)
    # … each replacing the same name read alone (without its level, or in short)
    return Matches(_replacing(_replacing(found, groups), members))


def _replacing(found: list[CharMatch], new: list[CharMatch]) -> list[CharMatch]:
    """``found`` with ``new`` ORG matches in place of the ORG matches of the same spans, in order."""
    if not new:
        return found
    spans = {(m.start, m.end) for m in new}
    return sorted([m for m in found if (m.start, m.end) not in spans or m.label != "ORG"] + new,
                  key=lambda c: (c.start, -(c.end - c.start), c.label))


def _extract_annotations(c: Provision, ctx: DocumentContext) -> ClauseInfo:
    """A clause's own annotations (brackets, a label line, its table row), the spans the
    running text skips, and the parties of the running text."""
    ms = ctx.matches.within(c.start, c.end)
    anns = pt.parse_annotations(c.text, c.start, ms, ctx.doc_year)
    skip = [(a.start, a.end) for a in anns]
    if not anns and (label_line().match(c.text) or duty_sentence(c.text, c.start, ms)):
        # 责任单位：区水务局，各镇（街道） on its own line, or a sentence that only assigns the
        # sentences before it: 省住房城乡建设厅、省生态环境厅按职责分工负责。
        anns = label_line_annotations(c, ms, ctx.doc_year)
        skip += [(c.start, c.end)]
    # Rows of responsibility tables (任务分工表): each row's party and deadline cells act as
    # an annotation of its task cells (indexer/extract/tables.py).
    row = ctx.row_of(c)
    if row is not None and not row.header:
        if row.kind == "tasks" or any(r in ("lead", "support", "responsible", "owner") for r in row.roles):
            anns.append(tables.row_annotation(row, ctx.document.text, ctx.matches.within(row.start, row.end),
                                              ctx.doc_year))
        skip += tables.skipped_cells(row)
    skip += [(c.start + m.start(), c.start + m.end()) for m in TITLE_RE.finditer(c.text)]
    return ClauseInfo(c, ms, anns, skip, pt.running_text_parties(c.text, c.start, ms, skip))


def _extract_container_annotations(provisions: list[Provision], infos: list[ClauseInfo],
                                   ctx: DocumentContext) -> dict[str, pt.Annotation]:
    """Annotations that speak for a whole item/article: one in its heading, or one closing
    its last own clause (with any annotation lines after it)."""
    out: dict[str, pt.Annotation] = {}
    for p in provisions:
        # 二、重点任务（州住房城乡建设局总牵头）: a part's heading speaks for all its items
        if p.kind in ("part", "article", "item") and p.heading and any(b in p.heading for b in "（(〔"):
            off = _heading_offset(ctx.document, p)
            if off is not None:
                ms = ctx.matches.within(off, off + len(p.heading)) or [
                    m.shifted(off) for m in find_matches(p.heading)]
                anns = pt.parse_annotations(p.heading, off, ms, ctx.doc_year)
                if anns:
                    out[p.id] = anns[-1]
                    ctx.heading_ann.add(p.id)
    pt.apply_first_listed(list(out.values()) + [a for ci in infos for a in ci.annotations]
                          + pt.first_listed_lines(ctx.document.text))
    own_clauses: dict[str, list[ClauseInfo]] = {}
    for ci in infos:
        if ci.clause.parent:
            own_clauses.setdefault(ci.clause.parent, []).append(ci)
    for parent, cis in own_clauses.items():
        if ctx.by_id.get(parent) is None or ctx.by_id[parent].kind not in ("article", "item"):
            continue
        # The annotation ending its last sentence, together with any annotation lines after it
        # (责任单位：… / 完成时限：… each on a line of its own).
        closing: list[pt.Annotation] = []
        for ci in reversed(cis):
            if person_line().match(ci.clause.text):
                continue  # 责任领导：王某 among the label lines
            a = closing_annotation(ci)
            if a is None:
                break
            closing.append(a)
            if not _annotation_only(ci):
                break
        if closing:
            out.setdefault(parent, _merge_annotations(list(reversed(closing))))
    return out


def _extract_paragraph_annotations(text: str, infos: list[ClauseInfo]) -> dict[str, pt.Annotation]:
    """Within a paragraph, an annotation closing a sentence speaks for the sentences before it
    back to the previous annotated one (…方案。改造雨水管网25公里〔A、B〕。新建小区…（C负责）。):
    clause id → the annotation that follows it in its paragraph."""
    by_para: dict[int, list[ClauseInfo]] = {}
    for ci in infos:
        by_para.setdefault(paragraph_start(text, ci.clause.start), []).append(ci)
    out: dict[str, pt.Annotation] = {}
    for cis in by_para.values():
        after: pt.Annotation | None = None
        run: list[pt.Annotation] = []  # annotation-only clauses in a row: 牵头单位：A；配合单位：B；完成时限：…
        for ci in reversed(cis):
            a = closing_annotation(ci)
            if a is not None:
                run = [a] + run if _annotation_only(ci) and run else [a]
                after = _merge_annotations(run) if len(run) > 1 else a
                if not _annotation_only(ci):
                    run = []
            elif after is not None:
                run = []
                out[ci.clause.id] = after
    return out


def applicable_annotation(ci: ClauseInfo, ctx: DocumentContext) -> tuple[list[Party], pt.Annotation | None]:
    """The parties and the deadline annotation that apply to a clause: its own, else its
    paragraph's, else the nearest container's."""
    own = [a for a in ci.annotations if a.parties]
    own_dl = next((a for a in ci.annotations if a.deadline or a.open_deadline), None)
    parties = [p for a in own for p in a.parties]
    dl = own_dl
    pa = ctx.para_ann.get(ci.clause.id)
    if pa is not None:
        if not parties and pa.parties:
            parties = list(pa.parties)
        if dl is None and (pa.deadline or pa.open_deadline):
            dl = pa
    # 二、重点任务（市发展改革委总牵头） over 国网供电公司负责实施…: a heading's parties are for the
    # sentences that name no one of their own
    names_own = any(p.role in ("lead", "owner") and p.source == "explicit" for p, _ in ci.running)
    for anc in ctx.chain(ci.clause):
        a = ctx.container_ann.get(anc.id)
        if a is None:
            continue
        if not parties and a.parties and not (names_own and anc.id in ctx.heading_ann):
            parties = list(a.parties)
        if dl is None and (a.deadline or a.open_deadline):
            dl = a
        if parties and dl:
            break
    return parties, dl


@dataclass(frozen=True)
class ClauseTimes:
    """The time phrases of a clause and the one carried in from the clause before it."""

    times: list[TimeInfo]
    deadlines: list[TimeInfo]
    carry: TimeInfo | None

    def at(self, pos: int) -> TimeInfo | None:
        """The deadline in force at ``pos``: the last one before it, else the carried one."""
        before = [t for t in self.deadlines if t.start < pos]
        return before[-1] if before else self.carry

    def carried_on(self, c: Provision) -> TimeInfo | None:
        """What this clause passes to the next one. A time phrase opening the clause
        (到2025年，A；B。) governs the rest of the sentence; one inside it (…，2025年10月底前完成
        主体工程；) stops at the semicolon."""
        if not c.text.rstrip().endswith(("；", ";")):
            return None
        opening = next((t for t in self.deadlines if t.start - c.start <= 2), None)
        return self.at(c.end) if opening is not None else self.carry


def _extract_times(ci: ClauseInfo, doc_year, carry: TimeInfo | None) -> ClauseTimes:
    text, off = ci.clause.text, ci.clause.start
    # 对2025年排查录入的自建房逐栋复核: a time describing the object of 对 is no time of the clause
    times = [interpret(m, doc_year) for m in ci.matches if m.label == "TIME" and not _inside(m.start, ci.skip)
             and not describes_object(text, m.start - off, m.end - off)]
    return ClauseTimes(times, [t for t in times if t.is_deadline], carry)


def _extract_targets(ci: ClauseInfo, ct: ClauseTimes, ann_dl: pt.Annotation | None, row: tables.Row | None,
                     document: Document, doc_year: int | None, in_preamble: bool) -> tuple[list[Target], bool]:
    """(the clause's targets, does it say how often some work recurs?). The year is the time phrase
    in force at the value, else the item's 完成时限; a row of a table of targets gives a value per
    year column. Figures that say where things stand are no targets: a year gone by (2025年，全省
    进出口总额3860亿元 in a 2026 plan), a number before the tasks with no year and no verb to reach
    it (全市住房公积金缴存职工41.2万人, 全县耕地保有量为68.4万亩), a sentence of what is (截至2025年底…,
    全镇已完成…), a standard for each one (每个行政村至少设置1处), how often work recurs (每周至少巡河1次 — work all the same)."""
    c = ci.clause

    def target_time(pos: int) -> TimeInfo | None:
        t = ct.at(pos)
        if t is None and ann_dl is not None and ann_dl.deadline is not None and ann_dl.deadline.is_deadline:
            return replace(ann_dl.deadline, from_annotation=True)  # the item's 完成时限
        return t

    found = find_targets(c.text, c.start, ci.matches, target_time, ci.skip)
    if row is not None and row.kind == "targets":  # 指标｜单位｜2025年｜2027年: a value per year column
        found = [FoundTarget(**t) for t in tables.row_targets(row, document.text, doc_year)] \
            if c.start <= row.start < c.end else []
    # how often, or how much for each one (每个漂流点至少配备4名): work all the same, a task without a target
    recurs = any(f.kind in ("frequency", "standard") for f in found)
    found = [f for f in found if f.kind not in ("frequency", "standard") and not (doc_year and f.year and f.year < doc_year)
             and not (in_preamble and f.year is None and f.verb in (None, "", "为", "是") and f.kind == "number")
             and not _where_things_stand(c.text, f.end - c.start, f, doc_year)]
    return [Target(
        doc_id=document.id, clause_id=c.id, article_no=c.article_no, year=f.year,
        indicator=f.indicator, value=f.value, unit=f.unit, qualifier=f.qualifier, text=f.text,
        start=f.start, end=f.end, kind=f.kind, verb=f.verb, year_source=f.year_source)
        for f in found], recurs


# A sentence that says where things stand: 截至2025年底，… / 目前，… (a date before the document's,
# or none) and a figure of work already done (全镇已完成…5630户，建成…36座).
_STANDING = re.compile(r"(?:截至|截止到?|到目前为止|目前|当前|现阶段)(?:(?P<year>(?:19|20)\d{2})年)?")
_ALREADY_DONE = re.compile(r"已(?:经)?(?:累计)?(?:完成|建成|实现|有|达到|创建|培育|建立|开展|改造|治理|形成|投入|发放|办理|安装|配备)"
                           r"(?!的)")


def _where_things_stand(text: str, rel: int, f: FoundTarget, doc_year: int | None) -> bool:
    """Whether the figure at ``rel`` of ``text`` states what is, not what is to be reached: its
    sentence opens with a date gone by (a 全年 in it is that year) or states work already done, and
    the figure names no year of its own that is still to come."""
    at = max(text.rfind(ch, 0, rel) for ch in "。；;\n") + 1
    sentence = text[at:rel]
    own_year = f.year is not None and f.year_source == "explicit" and (doc_year is None or f.year >= doc_year)
    if own_year:
        return False
    opening = _STANDING.match(sentence)
    if opening and (not opening["year"] or (doc_year and int(opening["year"]) < doc_year)):
        return True
    return f.year is None and bool(_ALREADY_DONE.search(sentence))


def _dated_milestone(ci: ClauseInfo, ct: ClauseTimes, clause_targets: list[Target]) -> bool:
    """A goal that is work to finish by a date (到2027年底，全区基本完成…改造任务 / 2026年6月底前，全面
    完成…排查): a segment opening with a deadline whose verb is one of completion, with no value
    in it (those are targets)."""
    text, off = ci.clause.text, ci.clause.start
    milestone = _milestone_verbs()
    for t in ct.deadlines:
        a = t.start - off
        if a < 0 or (a > 0 and text[a - 1] not in "，：；。"):
            continue
        b = next((k for k in range(t.end - off, len(text)) if text[k] in "；。"), len(text))
        if any(a <= x.start - off < b for x in clause_targets):
            continue
        if any(m.label == "ACTION" and a <= m.start - off < b and text[m.start - off:m.end - off] in milestone
               and not _inside(m.start, ci.skip) for m in ci.matches):
            return True
    return False


@lru_cache(maxsize=1)
def _milestone_verbs() -> frozenset[str]:
    return frozenset(lx.load().list("milestone_verbs"))


def _extract_pieces(ci: ClauseInfo, ct: ClauseTimes, row: tables.Row | None,
                    has_targets: bool, has_ann_parties: bool, has_own_parties: bool = False,
                    doc_year: int | None = None) -> list[list]:
    """The clause cut into pieces [start, end, command verbs] (offsets relative to the clause),
    one task each.

    A clause is cut before each time phrase that opens a comma segment; a piece without a
    verb of command joins the piece before it. A table row's task cells are its pieces.
    """
    text, off = ci.clause.text, ci.clause.start
    cuts = [t.start - off for t in ct.deadlines
            if t.start > off and text[t.start - off - 1] in "，：；"
            and not POSTPOSED_DEADLINE.match(text, t.end - off)]
    bounds = [0, *cuts, len(text)]
    pieces: list[list] = []
    if row is not None:
        # A table row is a task by being in the table: its task cells are the pieces (a cell
        # with a verb of command preferred), whether or not a verb stands in command position.
        cells = [(max(s, off) - off, min(e, off + len(text)) - off) for s, e in row.cells_of("task")
                 if s < off + len(text) and e > off and s < e]
        pieces = [[a, b, command_verbs(text, off, a, b, ci.matches, ci.skip)] for a, b in cells]
        pieces = [p for p in pieces if p[2]] or pieces[:1]
    milestone = _milestone_verbs()
    for a, b in zip(bounds, bounds[1:]) if row is None else ():
        vs = command_verbs(text, off, a, b, ci.matches, ci.skip)
        if not vs and not any(p[2] for p in pieces) and any(
                a <= t.start - off <= a + 1 and not (doc_year and t.year and t.year < doc_year) for t in ct.deadlines):
            # 到2027年，全市大中型灌区全部完成现代化改造: a dated milestone whose subject is the
            # work, not a body, states an action all the same (its verb of completion); after
            # a task it stays part of that task (…加快管网更新，2027年底前累计改造…); after bodies
            # and roles only (X牵头，Y配合，年底前关闭…) it is their task; a year gone by (2025年全镇
            # 完成义务植树8.6万株) reports what was done.
            vs = [m for m in ci.matches if m.label == "ACTION" and a <= m.start - off < b
                  and not _inside(m.start, ci.skip) and text[m.start - off:m.end - off] in milestone][:1]
        if not vs and pieces:
            pieces[-1][1] = b
        else:
            pieces.append([a, b, vs])
    pieces = [p for p in pieces if p[2] or row is not None]
    if not pieces and has_targets and has_ann_parties:
        # 到2027年，受污染耕地安全利用率稳定在94%以上。（牵头单位：…）: an outcome someone
        # is named for is a task even without a verb of command.
        pieces = [[0, len(text), []]]
    if not pieces and any(p.role == "owner" and (pt.OWNER_NOUN.search(p.evidence or "") or pt.DUTY_CLAIM.search(p.evidence or ""))
                          for p, _ in ci.running):
        # 各园区服务中心是本园区安全生产的第一责任主体: naming the body that answers for the work is a
        # duty, a task without a verb of its own
        pieces = [[0, len(text), []]]
    if not pieces and has_own_parties:
        # 2025年底前，全省钢铁企业全面完成超低排放改造。（省生态环境厅牵头…）: a sentence with a verb
        # of action whose own annotation names who does it is a task, whatever its subject.
        verbs = [m for m in ci.matches if m.label == "ACTION" and not _inside(m.start, ci.skip)]
        if verbs:
            pieces = [[0, len(text), verbs[:1]]]
    return pieces


# A year's budget: a bare year (2026年) over money set aside (安排…不少于850万元); 年内投入… is
# money due within the year.
_BARE_YEAR = re.compile(r"(?:19|20)\d{2}年(?:度)?")
_BUDGET = re.compile(r"(?:安排|投入|筹集|落实|统筹|保障|下达|拨付|争取)[\u4e00-\u9fff“”]{0,20}?"
                     r"(?:不少于|不低于|达到|超过)?\d+(?:\.\d+)?(?:万|亿)?元")


def _extract_deadline(ci: ClauseInfo, ct: ClauseTimes, pieces: list[list], n: int,
                      ann_dl: pt.Annotation | None, stages: tuple[int, ...],
                      heading_dl: TimeInfo | None = None) -> Deadline | None:
    """The deadline of piece ``n`` (1-based): the time phrase in force at its verb, else one
    inside it, else the milestone after it, else the annotation's 完成时限, else the stage years."""
    text, off = ci.clause.text, ci.clause.start
    a, b, vs = pieces[n - 1]
    a_abs, b_abs = off + a, off + b
    v0 = vs[0].start if vs else b_abs  # no verb: the time phrase in force over the piece
    t = ct.at(v0)
    if t is None:
        # 加快淘汰…，到2027年，…占比达到95%以上: a deadline inside the task's own
        # text (after its verb) still dates the task.
        t = next((x for x in ct.deadlines if a_abs <= x.start < b_abs), None)
    if t is None and n < len(pieces):
        # 实施退圩还湖工程，2027年6月底前完成一期工程: the milestone that follows (a time phrase,
        # then 完成/建成) dates the work named before it in the same sentence — when it is about
        # the same thing (they share a word: 工程); 制定提升方案，3月底前完成燃煤锅炉排查 is two works.
        t = next((x for x in ct.deadlines if x.start == off + pieces[n][0]
                  and MILESTONE.match(text, x.end - off)
                  and _shares_word(text[a:b], text[x.end - off:pieces[n][1]])), None)
    rec = next((x for x in ct.times if x.kind == "recurring" and a_abs <= x.start < b_abs), None)
    recurring = rec.recurring if rec else None
    dl_text = None
    if t is None and ann_dl is not None and ann_dl.deadline is not None:
        t = ann_dl.deadline  # the annotation's 完成时限
        dl_text = ann_dl.deadline_text
    if t is None and heading_dl is not None:
        t = heading_dl  # the stage's window in the heading sentence of the article
    elif t is not None and t.relative and t.year and heading_dl is not None and heading_dl.year \
            and not heading_dl.relative and t.kind == "deadline":
        # （三）总结评估阶段（2027年7月—9月）。…9月30日前形成评估报告: a month or 年底前 named
        # without a year, inside a stage of a stated year, is in that year
        t = replace(t, year=heading_dl.year)
    if recurring is None and ann_dl is not None and ann_dl.open_deadline and t is None:
        recurring = ann_dl.open_deadline  # 完成时限：长期坚持
        rec = ann_dl
    if t is not None and _BARE_YEAR.fullmatch(t.text) and _BUDGET.search(text, a, b):
        t = None  # 2026年安排资金不少于850万元: the year the money is for (its target's year), no deadline
    if t is not None:
        # 每年12月底前 / 每年汛前5月底前: every year — not when the recurrence is another segment's
        # (各中小学校要在5月底前开展…，每周利用…进行提醒)
        governs = recurring and not (isinstance(rec, TimeInfo) and rec.start is not None and t.start is not None and (
            rec.start > t.start or any(ch in text[rec.end - off:t.start - off] for ch in "，；。")))
        year = None if (governs and t.relative) else t.year
        year_source = None if year is None else "document" if t.scope else "explicit"
        return Deadline(year, t.month, dl_text or t.text, "explicit",
                        recurring or t.recurring, t.start, t.end, period=t.period, year_source=year_source)
    if recurring is not None:
        text_ = rec.text if isinstance(rec, TimeInfo) else (ann_dl.deadline_text or recurring)
        month = rec.month if isinstance(rec, TimeInfo) else None  # 每年12月: every December
        return Deadline(None, month, text_, "explicit", recurring, rec.start, rec.end)
    if stages:
        # No year of its own: the stage years are listed, the year stays empty, so
        # nothing downstream mistakes the document's horizon for this task's deadline.
        return Deadline(None, None, "、".join(f"{y}年" for y in stages) + "（文件阶段目标）",
                        "inherited", None, None, None, stages=stages)
    return None


def _extract_blanket_rules(infos: list[ClauseInfo]) -> list[tuple[int, list[Party], bool]]:
    """以下任务均由各镇人民政府负责落实，不再一一列出: a sentence naming the implementers of every
    later task. Returns (where the rule starts, its units as explicit owners — 牵头 after a unit
    makes it the lead); such a sentence is no task itself, and 不再列出 is no unit. An
    annotation saying the same (（各镇人民政府负责落实，以下不再列出）) holds for the later tasks too. The
    flag: the rule holds only for the tasks that name no one (凡未注明责任单位的，均由…)."""
    defaults = lx.load().list("default_rules")
    words = lx.load().list("blanket_rules") + defaults
    out = []
    for ci in infos:
        text = ci.clause.text
        if not any(w in text for w in words):
            continue
        orgs = pt.prefer_orgs([m for m in ci.matches if m.label in ("ORG", "PLACE") and not _inside(m.start, ci.skip)])
        parties = []
        for m in orgs:
            # 均由X牵头，Y、Z配合: each body takes the cue that ends its comma segment
            k = m.end - ci.clause.start
            seg = text[k:next((i for i in range(k, len(text)) if text[i] in "，,；;。"), len(text))]
            role = ("lead" if text.startswith("牵头", k) or seg.endswith("牵头") else
                    "support" if seg.endswith(("配合", "协助", "参与", "协办")) else "owner")
            parties.append(Party(pt.org_name(m), role, "explicit", text.rstrip("。；"), ci.clause.start,
                                 ci.clause.start + len(text.rstrip("。；")), canonical=pt.org_canonical(m)))
        if parties:
            out.append((ci.clause.start, parties, any(w in text for w in defaults)))
    for ci in infos:  # （各镇人民政府负责落实，以下不再列出）: the annotation's units, for the later tasks too
        for a in ci.annotations:
            k = min((a.text.find(w) for w in words if w in a.text), default=-1)
            if k < 0 or not a.parties:
                continue
            # （牵头单位：X；责任单位：Y。以下任务均需Z落实，不再一一列出）: only the rule's own sentence (Z) is the
            # rule; its units own this clause's task and every later one
            seg = a.start + max(a.text.rfind(x, 0, k) for x in "。；;") + 1
            owners = [replace(p, role="owner") for p, (s, _e) in zip(a.parties, a.name_spans) if s >= seg]
            if owners:
                out.append((ci.clause.start - 1, owners, False))
    return sorted(out, key=lambda x: x[0])


def _extract_parties(ci: ClauseInfo, a_abs: int, b_abs: int, ann_parties: list[Party], running: list,
                     references: list[Reference], extra: list[Party], ctx: DocumentContext
                     ) -> tuple[list[Party], tuple[Reference, ...]]:
    """The parties of the piece text[a_abs:b_abs] and the references inside it.

    The annotation's parties, the running text's responsible parties (any in the clause)
    and other parties inside the piece; with no explicit lead or owner, an *inferred* lead
    from the topic table; with no explicit responsible party, the document's 主送 as
    *inherited* recipients.
    """
    parties: list[Party] = list(ann_parties)
    # 县住建局负责编制…（牵头单位：县住建局）: the annotation states the body's role; the running
    # text's 负责 (an owner on its own) says nothing more.
    stated = {p.key for p in ann_parties if p.role in ("lead", "support")}
    for p, _m in running:
        at = p.anaphor_start if p.source == "resolved" else p.start
        if p.role == "owner" and p.key in stated:
            continue
        if p.role in RESPONSIBLE or a_abs <= at < b_abs:
            parties.append(p)
    refs = tuple(r for r in references if r.role in RESPONSIBLE or a_abs <= r.start < b_abs)
    parties += extra
    if not ctx.under_safeguards(ci.clause):
        # 凡未注明责任单位的，均由各村负责落实: a rule for the tasks that name no one only
        named = any(p.source == "explicit" and p.role in ("lead", "support", "owner") for p in parties)
        blanket = [p for start, owners, unnamed_only in ctx.blanket if start < ci.clause.start
                   and not (named and unnamed_only) for p in owners]
        said = {(p.start, p.key) for p in blanket}
        parties = [p for p in parties if (p.start, p.key) not in said]  # the rule's own units, read as owners
        parties += blanket
    parties = _dedupe(parties)
    explicit_resp = [p for p in parties if p.source in ("explicit", "resolved") and p.role in ("lead", "owner")]
    specific = [p for p in explicit_resp if not _collective(p.name)]
    has_lead = any(p.role == "lead" for p in explicit_resp)
    if not has_lead and not specific:
        guess = _infer(ci.matches, a_abs, b_abs, ci.skip, ctx.document)
        if guess:
            parties.append(guess)
    if not explicit_resp:
        evidence, s, e = ctx.inherited
        for r in ctx.document.recipients:
            parties.append(Party(r, "recipient", "inherited", evidence, s, e, canonical=lx.canonical_name(r)))
    return parties, refs


def _no_task_clauses(provisions: list[Provision], clauses: list[Provision], ctx: DocumentContext
                     ) -> tuple[set[str], set[str], set[str]]:
    """(goal clauses, preamble clauses, clauses that yield no task): the preamble, goal parts
    (总体要求, 主要目标 …), a list of attachments (附件二：考核指标) and a purpose clause (为了…，制定本办法。)."""
    goal_words = lx.load().list("goal_headings")
    goal_containers = {p.id for p in provisions if p.kind in ("part", "article", "item") and p.heading
                       and any(w in p.heading for w in goal_words)}
    goal = {c.id for c in clauses if any(a.id in goal_containers for a in ctx.chain(c))}
    preamble = {c.id for c in clauses if any(a.kind == "preamble" for a in ctx.chain(c))}
    no_task = preamble | goal
    no_task |= {c.id for c in clauses if ANNEX_LINE.match(c.text) or PURPOSE_CLAUSE.match(c.text)}
    return goal, preamble, no_task


def extract_document(document: Document, provisions: list[Provision], header_recipients_span=None,
                     nlp=None) -> tuple[list[Task], list[Target]]:
    """All tasks and targets of one document (pure: records in, records out)."""
    if document.status == "outline":
        return [], []  # an outline's text is our summary, not the official wording
    clauses = [p for p in provisions if p.kind == "clause"]
    if not clauses:
        return [], []
    if nlp is None:
        from indexer.extract.nlp import get_nlp
        nlp = get_nlp()
    doc_year = int(document.date[:4]) if document.date and document.date[:4].isdigit() else None
    ctx = DocumentContext(document, {p.id: p for p in provisions}, doc_year,
                          _extract_matches(document, clauses, nlp), tables.table_rows(document.text))
    goal_clauses, preamble, no_task = _no_task_clauses(provisions, clauses, ctx)
    infos = [_extract_annotations(c, ctx) for c in clauses]
    ctx.blanket = _extract_blanket_rules(infos)
    no_task |= {ci.clause.id for ci in infos if any(ci.clause.start == s for s, _, _ in ctx.blanket)}
    ctx.container_ann = _extract_container_annotations(provisions, infos, ctx)
    ctx.para_ann = _extract_paragraph_annotations(document.text, infos)
    ctx.candidates = _candidates(document, ctx.matches.all, infos)
    ctx.name_span = {id(p): sp for ci in infos for a in ci.annotations for p, sp in zip(a.parties, a.name_spans)}
    for a in ctx.container_ann.values():
        ctx.name_span.update({id(p): sp for p, sp in zip(a.parties, a.name_spans)})
    ctx.stages = _stage_years(infos, goal_clauses, doc_year)
    if header_recipients_span:
        s, e = header_recipients_span
        ctx.inherited = (document.text[s:e], s, e)

    tasks: list[Task] = []
    targets: list[Target] = []
    carry: TimeInfo | None = None
    prev_parent = None
    for ci in infos:
        c = ci.clause
        if c.parent != prev_parent:
            carry = None
        prev_parent = c.parent
        row = ctx.row_of(c)
        if row is not None and row.header:
            continue  # 序号｜重点任务｜牵头单位…: column labels, neither a task nor a target
        ct = _extract_times(ci, doc_year, carry)
        ann_parties, ann_dl = applicable_annotation(ci, ctx)
        clause_targets, recurs = _extract_targets(ci, ct, ann_dl, row, document, doc_year, c.id in preamble)
        targets.extend(clause_targets)
        carry = ct.carried_on(c)
        named = ann_parties or any(p.role in ("lead", "owner") and p.source == "explicit" for p, _ in ci.running)
        if c.id in no_task and not (c.id in goal_clauses and (named and not _annotation_only(ci)
                                                              or _dated_milestone(ci, ct, clause_targets))):
            # a goal with units named for it (1.PM2.5年均浓度控制在32微克/立方米。 / 牵头单位：… /
            # 2026年6月底前，各镇（街道）完成…配置) is a task
            continue
        tasks.extend(_clause_tasks(ci, ct, row, clause_targets, ann_parties, ann_dl, ctx, recurs))
    return [own_level_bodies(t, document) for t in tasks], targets


def _clause_tasks(ci: ClauseInfo, ct: ClauseTimes, row: tables.Row | None, clause_targets: list[Target],
                  ann_parties: list[Party], ann_dl: pt.Annotation | None, ctx: DocumentContext,
                  recurs: bool = False) -> list[Task]:
    """The tasks of one clause: its pieces, each with its deadline and parties (``recurs``: the
    clause states how often some work is done, which makes it work like a target does)."""
    c = ci.clause
    own_parties = any(a.parties for a in ci.annotations)
    pieces = _extract_pieces(ci, ct, row, bool(clause_targets) or recurs, bool(ann_parties), own_parties,
                             ctx.doc_year)
    if not pieces:
        return []
    text, off = c.text, c.start
    heading_dl = heading_deadline(c, ctx)
    running, references = _resolve_references(
        ci.running, ann_parties, ctx.name_span, ctx.candidates, ctx.document.text, ctx.scope_start(c))
    known_spans = [(m.start, m.end) for _, m in running]
    extra = pt.unknown_place_owners(text, off, known_spans)
    warnings = tuple(f"括注“{a.text}”未读出责任单位" for a in ci.annotations if a.unread)
    out = []
    for n, (a, b, vs) in enumerate(pieces, 1):
        a_abs, b_abs = off + a, off + b
        parties, refs = _extract_parties(ci, a_abs, b_abs, ann_parties, running, references, extra, ctx)
        deadline = _extract_deadline(ci, ct, pieces, n, ann_dl, ctx.stages, heading_dl)
        for sa, sb, svs, sparties in _split_actions(ci, a_abs, b_abs, vs, parties, ctx):
            assignment = _assignment(sparties)
            k = len(out) + 1
            out.append(Task(
                id=f"{c.id}__task_{k}", clause_id=c.id, doc_id=ctx.document.id, article_no=c.article_no,
                item_no=c.item_no, text=text[sa - off:sb - off].strip("，；： "), parties=tuple(sparties),
                deadline=deadline,
                targets=tuple(x for x in clause_targets if sa <= x.start < sb),
                verbs=tuple(dict.fromkeys(v.text for v in svs)), start=sa + _lstrip(text[sa - off:sb - off]),
                end=sb - _rstrip(text[sa - off:sb - off]), label=c.label, assignment=assignment,
                unassigned=assignment == "unassigned", references=refs, warnings=warnings))
    return out


def _split_actions(ci: ClauseInfo, a_abs: int, b_abs: int, vs: list[CharMatch], parties: list[Party],
                   ctx: DocumentContext) -> list[tuple[int, int, list[CharMatch], list[Party]]]:
    """A piece joining several actions whose lead is only inferred (推动城市交通提质增效，实施老旧小区
    改造，系统推进海绵城市建设): one task per action when the topics give them different leads, each
    with its own inferred lead (never 市交通运输局 for 老旧小区改造). Parties read from the text,
    the deadline and the recipients stay with every action. Else the piece is one task."""
    whole = [(a_abs, b_abs, vs, parties)]
    inferred = [p for p in parties if p.source == "inferred"]
    if not inferred or len(vs) < 2:
        return whole
    text, off = ci.clause.text, ci.clause.start
    starts = []
    for v in vs:  # each action's comma segment starts after the comma before its verb
        k = max(text.rfind(sep, a_abs - off, v.start - off) for sep in "，；：")
        starts.append(max(a_abs, off + k + 1) if k >= 0 else a_abs)
    starts[0] = a_abs
    bounds = list(zip(starts, starts[1:] + [b_abs], ([v] for v in vs)))
    bounds = [(s, e, v) for s, e, v in bounds if s < e]
    guesses = [_infer(ci.matches, s, e, ci.skip, ctx.document) for s, e, _ in bounds]
    if len({g.key for g in guesses if g}) < 2:
        return whole
    rest = [p for p in parties if p.source != "inferred"]
    return [(s, e, v, rest + ([g] if g else [])) for (s, e, v), g in zip(bounds, guesses)]


@lru_cache(maxsize=1)
def label_line() -> re.Pattern:
    """An annotation written as a line of its own: 责任单位：区水务局，各镇（街道） / 完成时限：2025年底前 /
    责任分工：X牵头，Y配合 (a label that only says the line assigns the work)."""
    labels = [w for ws in lx.load().mapping("annotation_labels").values() for w in ws if len(w) >= 3]
    labels += lx.load().list("assignment_labels")
    return re.compile("^(?:" + "|".join(map(re.escape, lx.longest_first(labels))) + ")[：:]")


@lru_cache(maxsize=1)
def person_line() -> re.Pattern:
    """A line naming a person among an item's label lines (责任领导：王某): no party, no task."""
    return re.compile("^(?:" + "|".join(map(re.escape, lx.longest_first(lx.load().list("person_labels")))) + ")[：:]")


def duty_sentence(text: str, offset: int, matches: list[CharMatch]) -> bool:
    """A sentence that is an annotation without brackets: bodies, each group followed by a role
    cue (X按职责分工负责 / X牵头，Y配合 / X负责落实), and nothing else — no work of its own."""
    body = text.rstrip("。；;！ ")
    if not body or body != text.strip().rstrip("。；;！") or len(body) > 120:
        return False
    _, suffixes, _ = pt.annotation_cues()
    cues = lx.longest_first([w for ws in suffixes.values() for w in ws])
    orgs = sorted((m.start - offset, m.end - offset) for m in matches if m.label in ("ORG", "PLACE"))
    i, pieces = 0, 0
    for piece in re.split(r"[，,；;]", body):
        cue = next((w for w in cues if piece.endswith(w)), None)
        if cue is None:
            return False
        names = piece[:-len(cue)]
        k = i
        while k < i + len(names):  # the names: bodies and the marks between them, nothing else
            span = next((e for s, e in orgs if s == k), None)
            if span is not None:
                k = span
            elif names[k - i] in "、和及与 ":
                k += 1
            else:
                return False
        if not names:
            return False
        pieces += 1
        i += len(piece) + 1
    return pieces > 0


def label_line_annotations(c: Provision, matches: list[CharMatch], doc_year) -> list[pt.Annotation]:
    """A label line read as the annotation it would be in brackets (offsets are the clause's); after
    a label that only says the line assigns the work (责任分工：), the cues in it give the roles."""
    neutral = re.match("(?:" + "|".join(map(re.escape, lx.longest_first(lx.load().list("assignment_labels"))))
                       + ")[：:]", c.text)
    cut = neutral.end() if neutral else 0
    anns = pt.parse_annotations(f"（{c.text[cut:]}）", c.start + cut - 1, matches, doc_year)
    for a in anns:
        a.start, a.end, a.text = c.start, c.end, c.text
    return anns


def closing_annotation(ci: ClauseInfo) -> pt.Annotation | None:
    """The annotation that ends the clause (…。（牵头单位：…）), if it names parties or a deadline."""
    tail = ci.clause.text.rstrip("。；！？ ")
    for a in ci.annotations:
        if isinstance(a, tables.RowAnnotation):
            continue  # a table row speaks for its own task only
        if a.end - ci.clause.start >= len(tail) and (a.parties or a.deadline or a.open_deadline):
            return a
    return None


def _annotation_only(ci: ClauseInfo) -> bool:
    """A clause that is nothing but an annotation (a label line, or （…） alone); a table row
    is its own task's (an indicator row with its 牵头单位 cell is a task)."""
    return any(a.start <= ci.clause.start and a.end >= ci.clause.start + len(ci.clause.text.rstrip("。；！？ "))
               for a in ci.annotations if not isinstance(a, tables.RowAnnotation))


def _merge_annotations(anns: list[pt.Annotation]) -> pt.Annotation:
    """Annotations read together for one item (牵头单位：… / 责任单位：… / 完成时限：… lines)."""
    if len(anns) == 1:
        return anns[0]
    out = pt.Annotation(anns[0].start, anns[-1].end, "".join(a.text for a in anns))
    for p, sp in pt.demote_defaulted(anns):
        out.parties.append(p)
        out.name_spans.append(sp)
    for a in anns:
        if out.deadline is None and out.open_deadline is None:
            out.deadline, out.open_deadline, out.deadline_text = a.deadline, a.open_deadline, a.deadline_text
    return out


def _lstrip(s: str) -> int:
    return len(s) - len(s.lstrip("，；： "))


def _rstrip(s: str) -> int:
    return len(s) - len(s.rstrip("，；： "))


def _collective(name: str) -> bool:
    lex = lx.load()
    return any(name.endswith(c) for c in lex.collective)


def _dedupe(parties: list[Party]) -> list[Party]:
    """One party per (body, role, source), bodies compared by canonical name (市发改委 =
    市发展改革委; the first name as written is kept)."""
    seen, out = set(), []
    for p in parties:
        key = (p.key, p.role, p.source)
        if key not in seen:
            seen.add(key)
            out.append(p)
    # A body read as lead or support is not also "mentioned".
    responsible = {p.key for p in out if p.role != "mentioned"}
    out = [p for p in out if p.role != "mentioned" or p.key not in responsible]
    # A reference to a body the task already names explicitly adds nothing (由X统筹…，该委要…).
    named = {p.key for p in out if p.source == "explicit" and p.role in RESPONSIBLE}
    named_as = {(p.key, p.role) for p in out if p.source == "explicit"}
    return [p for p in out if p.source != "resolved" or (p.key not in named and (p.key, p.role) not in named_as)]


def _infer(matches: list[CharMatch], a: int, b: int, skip, document: Document) -> Party | None:
    topics = [m for m in matches if m.label == "TOPIC" and a <= m.start < b and not _inside(m.start, skip)]
    if not topics:
        return None
    best = min(topics, key=lambda m: (m.start, -(m.end - m.start)))
    name = department_for(best.id, document)
    return Party(name, "lead", "inferred", best.text, best.start, best.end, canonical=lx.canonical_name(name))


def _assignment(parties: list[Party]) -> str:
    for source in ("explicit", "resolved", "inferred", "inherited"):
        if any(p.source == source and (p.role in RESPONSIBLE or source == "inherited") for p in parties):
            return source
    return "unassigned"


# ---------------------------------------------------------------------------
# References (该局, 其, 上述部门, 各责任单位)
# ---------------------------------------------------------------------------


def _candidates(document: Document, found: list[CharMatch], infos: list[ClauseInfo]) -> list[an.Candidate]:
    """Every body named in the document that a reference may stand for, with its role where known."""
    titles = [m.span() for m in TITLE_RE.finditer(document.text)]
    role_at: dict[tuple[int, int], str] = {}
    for ci in infos:
        for p, m in ci.running or ():
            if m.label == "ORG":
                role_at.setdefault((m.start, m.end), p.role)
        for a in ci.annotations:
            for p, sp in zip(a.parties, a.name_spans):
                role_at.setdefault(sp, p.role)
    orgs = pt.prefer_orgs([m for m in found if m.label == "ORG" and not _inside(m.start, titles)])
    return [an.Candidate(pt.org_name(m), pt.org_canonical(m), m.start, m.end, role_at.get((m.start, m.end)),
                         collective=m.id == "collective" or m.text.startswith("各")) for m in orgs]


def _resolve_references(running, ann_parties: list[Party], name_span: dict, candidates: list[an.Candidate],
                        text: str, scope_start: int) -> tuple[list, list[Reference]]:
    """Running-text pairs with every reference replaced by the parties it stands for.

    Returns the new (party, match) pairs and a ``Reference`` per referring word. A
    resolved reference yields one ``resolved`` party per antecedent, with the role the
    sentence gives the word (该局要… → owner, 由其… → lead); a mention yields none.
    """
    spec_of = lx.anaphora()
    out, refs = [], []
    for p, m in running:
        res = None
        if m.label == "ANAPHOR":
            spec = spec_of.spec(m.id)
            if spec is None:
                continue
            res = an.resolve(spec, m.text, m.start, candidates, text, scope_start)
        elif m.label == "ORG" and m.id == "collective" and m.groups.get("core") in spec_of.role_collectives:
            roles = spec_of.role_collectives[m.groups["core"]]
            named = an.distinct(an.Candidate(q.name, q.key, *name_span.get(id(q), (q.start, q.end)), role=q.role)
                                for q in ann_parties if q.source == "explicit" and q.role in roles)
            if not named:
                out.append((p, m))  # no annotation to read it from: a collective owner, as written
                continue
            res = an.Resolution("resolved", tuple(named), f"“{m.text}”指本项括注中的{an.names(named)}")
        else:
            out.append((p, m))
            continue
        ants = res.antecedents
        refs.append(Reference(
            text=m.text, start=m.start, end=m.end, status=res.status, role=p.role,
            antecedents=tuple(c.name for c in ants), canonical=tuple(c.canonical for c in ants),
            antecedent_spans=tuple((c.start, c.end) for c in ants),
            evidence="、".join(text[c.start:c.end] for c in ants), note=res.note))
        if res.status != "resolved" or p.role == "mentioned":
            continue
        for c in ants:
            out.append((Party(c.name, p.role, "resolved", text[c.start:c.end], c.start, c.end,
                              canonical=c.canonical, anaphor=m.text, anaphor_start=m.start,
                              anaphor_end=m.end), m))
    return out, refs
