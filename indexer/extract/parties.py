"""Responsible parties: annotations and running text → ``Party`` records with role and source.

Two places name who does a task:

* **annotations** in brackets, common in county and department plans::

      （牵头单位：县水利局；配合单位：县自然资源和规划局、各镇人民政府）
      （市发展改革委牵头，市各有关部门按职责分工负责）
      （责任单位：县生态环境局；完成时限：2025年底前）

  ``parse_annotations`` finds them (brackets may nest: 各县（市、区）…) and
  reads lead / support bodies and a 完成时限;

* **running text**, where the words around a body decide its role
  (``running_text_parties``)::

      由市生态文明建设领导小组统筹推进          lead
      会同县财政局                              support
      将年度工作情况书面报市生态环境局           recipient
      向市委、市政府报告                        recipient
      推进宝应县、高邮市、江都区建立…           owner (the doers)
      各镇人民政府要…  /  各地各有关部门结合…    owner
      充分发挥生态环境部门职能作用              mentioned

Every explicit party's ``evidence`` is the text it was read from and
``start``/``end`` its offsets in the document text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kb.models import Party
from indexer.extract import lexicon as lx
from indexer.extract.patterns import HAN, CharMatch, trie_regex
from indexer.extract.times import TimeInfo, due_date, interpret

OPEN, CLOSE = "（(〔【", "）)〕】"  # 〔州住房城乡建设局牵头〕 and 【牵头单位：…】 are annotations too
SEPARATORS = ("、", "和", "及", "与", "以及", "，")  # between bodies of one list
_LIST_SEPARATORS = ("以及", "、", "和", "及", "与")


@dataclass
class Annotation:
    start: int  # absolute offsets of the bracketed text, brackets included
    end: int
    text: str
    parties: list[Party] = field(default_factory=list)
    deadline: TimeInfo | None = None
    open_deadline: str | None = None  # 长期 / 持续 …
    deadline_text: str | None = None
    name_spans: list[tuple[int, int]] = field(default_factory=list)  # where each party's name stands
    # per party: the role is lead only because the annotation names no lead (责任单位：A、B /
    # A、B按职责分工负责 / a bare list （A、B）); beside a lead named elsewhere for the same
    # task (a 牵头单位： line above a 责任单位： line) such a party supports.
    defaulted: list[bool] = field(default_factory=list)
    bare: bool = False  # a list of units with no cue: （市发展改革委、市能源局）
    first_listed: bool = False  # says 列第一位者为牵头: the first unit of bare lists leads
    unread: bool = False  # has a cue of responsibility but yielded no party (reported, never dropped)


# ---------------------------------------------------------------------------
# Annotations
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def annotation_cues() -> tuple[dict, dict, re.Pattern]:
    lex = lx.load()
    labels = {role: lx.longest_first(words) for role, words in lex.mapping("annotation_labels").items()}
    suffixes = {role: lx.longest_first(words) for role, words in lex.mapping("annotation_suffixes").items()}
    cue_words = [w for ws in labels.values() for w in ws] + [w for ws in suffixes.values() for w in ws]
    return labels, suffixes, re.compile(trie_regex(cue_words))


@lru_cache(maxsize=1)
def _label_after_space() -> re.Pattern:
    labels = [w for ws in lx.load().mapping("annotation_labels").values() for w in ws]
    return re.compile(r"[ \u3000](?=(?:" + trie_regex(labels) + r")[：:])")


@lru_cache(maxsize=1)
def first_listed_note() -> re.Pattern:
    """列第一位者为牵头部门，下同 inside an annotation: the note, not a unit."""
    words = lx.load().list("first_listed_leads")
    return re.compile("(?:" + trie_regex(words) + r")[\u4e00-\u9fff]{0,4}(?:[，,；;、]?下同)?")


# A unit the lexicon does not know, in a bare list: a short name ending as bodies end.
_BODY_NAME = re.compile(r"^[\u4e00-\u9fff（）()]{2,20}?(?:局|委|委员会|办|办公室|厅|部|中心|公司|集团|政府|办事处|"
                        r"社|队|站|所|院|会|组|专班)$")


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """Spans of top-level （…） in ``text``, brackets included, nested brackets inside."""
    spans, depth, start = [], 0, None
    for i, ch in enumerate(text):
        if ch in OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
            if depth == 0 and start is not None:
                spans.append((start, i + 1))
                start = None
    return spans


def split_top(text: str, seps: str) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` split at any of ``seps`` outside brackets."""
    out, depth, seg = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
        elif depth == 0 and ch in seps:
            out.append((seg, i))
            seg = i + 1
    out.append((seg, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


_LEAD_MARK = re.compile(r"[（(](?:牵头|牵头单位|总牵头)[）)]")


def names_in(text: str, a: int, b: int, orgs: list[CharMatch]) -> list[tuple[str, str, int, int, bool]]:
    """Bodies listed in text[a:b] (absolute offsets) as (name as written, canonical name,
    start, end, lead mark): the recognised ones with their alias-normalised form, anything
    else between 、 as written (an unknown body is still a body). The mark flags a name
    written with （牵头） after it (责任单位：市发展改革委（牵头）、…)."""
    out = []
    pieces: list[list[int]] = []
    for pa, pb in split_top(text[a:b], "、，,"):
        # 各市、州人民政府: a 、 inside a recognised name parts nothing
        if pieces and any(m.start < a + pa - 1 < m.end for m in orgs):
            pieces[-1][1] = pb
        else:
            pieces.append([pa, pb])
    for pa, pb in pieces:
        s, e = a + pa, a + pb
        piece = text[s:e]
        # strip filler around a name: 等 / 各自 / spaces
        lead_ws = len(piece) - len(piece.lstrip())
        s += lead_ws
        piece = piece.strip()
        piece = re.sub(r"(?:等(?:部门|单位)?|等有关部门|等相关部门)$", "", piece)
        e = s + len(piece)
        if not piece:
            continue
        inside = [m for m in orgs if s <= m.start and m.end <= e]
        # 县城乡水务有限公司（县供水公司）: a bracketed name right after a name is its alias.
        brackets = [(s + bs, s + be) for bs, be in bracket_spans(piece)]
        inside = [m for m in inside if not any(
            bs <= m.start and m.end <= be and any(o.end == bs for o in inside) for bs, be in brackets)]
        marked = bool(_LEAD_MARK.search(piece))
        if inside:
            for m in inside:
                out.append((org_name(m), org_canonical(m), m.start, m.end, marked))
        elif not _NOT_A_NAME.search(piece):
            name = _LEAD_MARK.sub("", piece)
            out.append((name, lx.canonical_name(name), s, e, marked))
    return out


# Words of a note, never of a unit's name: （各镇人民政府负责落实，以下不再列出） names one unit.
_NOT_A_NAME = re.compile(r"不再|列出|下同|以下|以上|原则|要求|[。；？！]|^[^\u4e00-\u9fff]*$")


def org_name(m: CharMatch) -> str:
    """The name of an ORG/PLACE match as the document writes it (县水务局 stays 县水务局); a
    name sharing the level of the one before it (县财政局、审计局) is written with that level
    (县审计局): the document wrote it once for both."""
    return m.groups.get("shared_prefix", "") + m.text


def org_canonical(m: CharMatch) -> str:
    """The canonical name of an ORG/PLACE match, for grouping and filtering only:
    prefix as written + canonical department name (县水务局 → 县水利局, 市发改委 → 市发展改革委)."""
    if m.label != "ORG" or m.id != "department" or "core" not in m.groups:
        return m.groups.get("shared_prefix", "") + m.text
    return (m.groups.get("prefix") or "") + lx.load().canonical_core(m.groups["core"])


def parse_annotations(text: str, offset: int, matches: list[CharMatch],
                      doc_year: int | None = None) -> list[Annotation]:
    """The responsibility annotations in ``text`` (a clause starting at ``offset``).

    Roles: a label (牵头单位：) or a suffix (X牵头, Y配合, Z具体落实) gives the role; units
    that are only 负责 / 按职责分工负责 / 责任单位 are the leads when no lead is named, else
    support; a bare list of units (（A、B）) is read by ``bare_list`` (all lead, or the first
    when the document says 列第一位者为牵头).
    """
    labels, suffixes, cue_re = annotation_cues()
    open_words = lx.load().mapping("open_deadlines")
    note_re = first_listed_note()
    label_after_space = _label_after_space()
    out = []
    for bs, be in bracket_spans(text):
        if _LEAD_MARK.fullmatch(text[bs:be]) and bs > 0 and "\u4e00" <= text[bs - 1] <= "\u9fff":
            continue  # 县水利局（牵头）、县财政局: a mark on the name before it, read with that name
        # 责任单位：县生态环境局　完成时限：2025年底: labels separated by a space only are two pieces
        # (one character for one, so offsets hold)
        inner = label_after_space.sub("；", text[bs + 1:be - 1])
        note = note_re.search(inner)
        inner_off = offset + bs + 1
        orgs = [m for m in matches if m.label in ("ORG", "PLACE") and inner_off <= m.start < offset + be - 1]
        orgs = prefer_orgs(orgs)
        if not cue_re.search(note_re.sub("", inner)):
            ann = _bare_list(text, offset, bs, be, orgs, note)
            if ann is not None:
                out.append(ann)
            continue
        a0 = offset + bs
        ann = Annotation(a0, offset + be, text[bs:be], first_listed=bool(note))
        times = [m for m in matches if m.label == "TIME" and inner_off <= m.start < offset + be - 1]
        has_lead = False
        pieces = split_top(inner, "；;。，,")
        roles: list[tuple[str, list[tuple[str, str, int, int, bool]], int, int]] = []
        for pa, pb in pieces:
            piece = inner[pa:pb].strip()
            if note_re.fullmatch(piece) or piece == "下同":
                continue
            ps = inner_off + pa + (len(inner[pa:pb]) - len(inner[pa:pb].lstrip()))
            pe = ps + len(piece)
            role = None
            names_from, names_to = ps, pe
            for r, words in labels.items():
                w = next((w for w in words if piece.startswith(w)), None)
                if w and piece[len(w):len(w) + 1] in ("：", ":"):
                    role = r
                    names_from = ps + len(w) + 1
                    break
            if role is None:
                for r in ("support", "lead", "duty", "owner", "responsible"):
                    w = next((w for w in suffixes.get(r, []) if piece.endswith(w)), None)
                    if w:
                        role = r
                        names_to = pe - len(w)
                        break
            if role == "deadline":
                ann.deadline_text = text[names_from - offset:pe - offset]
                t = [due_date(interpret(m, doc_year)) for m in times if names_from <= m.start < pe]
                t = [x for x in t if x.is_deadline or x.kind == "recurring"]
                if t:
                    ann.deadline = t[0]
                else:
                    rest = ann.deadline_text
                    ann.open_deadline = next((v for k, v in open_words.items() if k in rest), None)
                continue
            full = text[names_from - offset:names_to - offset]
            names = names_in(text, names_from - offset, names_to - offset,
                             [m.shifted(-offset) for m in orgs])
            names = [(n, cn, s + offset, e + offset, mk) for n, cn, s, e, mk in names]
            if role is None:
                due = [interpret(m, doc_year) for m in times if ps <= m.start < pe]
                due = [x for x in due if x.is_deadline]
                if due and ann.deadline is None:  # （A、B负责，2027年8月底前完成）: the deadline, no name
                    ann.deadline, ann.deadline_text = due[0], piece
                    continue
                # A piece with no cue continues the list before it (配合单位：A，B).
                if roles and full.strip():
                    roles[-1][1].extend(names)
                continue
            if role == "lead":
                has_lead = True
            roles.append((role, names, ps, pe))
        marked = any(mk for _, names, _, _ in roles for *_, mk in names)
        for role, names, ps, pe in roles:
            defaulted = False
            if role in ("responsible", "duty"):
                role, defaulted = ("support", False) if has_lead else ("lead", True)
            for n, cn, s, e, mk in names:
                r = role
                if marked and role in ("lead", "support"):
                    r = "lead" if mk else "support"  # 市发展改革委（牵头）、市财政局
                ann.parties.append(Party(n, r, "explicit", text[ps - offset:pe - offset], ps, pe,
                                         canonical=cn))
                ann.name_spans.append((s, e))
                ann.defaulted.append(defaulted and r == "lead")
        ann.unread = not ann.parties and bool(roles or (ann.deadline is None and ann.open_deadline is None))
        out.append(ann)
    return out


def _bare_list(text: str, offset: int, bs: int, be: int, orgs: list[CharMatch], note) -> Annotation | None:
    """（市发展改革委、市能源局） / 〔州住房城乡建设局、州水利局〕: a bracket holding nothing but units
    (recognised bodies, or short names ending as bodies end) is an annotation naming the
    responsible units. All lead, as written; ``apply_first_listed`` makes the first the lead
    and the others support where the document says so."""
    inner_off = offset + bs + 1
    inner = text[bs + 1:be - 1]
    if note:
        inner = inner[:note.start()] + " " * (note.end() - note.start()) + inner[note.end():]
    names = []
    for pa, pb in split_top(inner, "、，,；;。"):
        piece = inner[pa:pb].strip()
        if not piece:
            continue
        s = inner_off + pa + (len(inner[pa:pb]) - len(inner[pa:pb].lstrip()))
        piece = re.sub(r"等(?:部门|单位)?$", "", piece)
        e = s + len(piece)
        whole = [m for m in orgs if m.start == s and m.end == e]
        if whole:
            m = whole[0]
            names.append((org_name(m), org_canonical(m), s, e))
        elif _BODY_NAME.match(piece) and not any(s < m.end and m.start < e for m in orgs if m.label == "ORG"):
            names.append((piece, lx.canonical_name(piece), s, e))
        else:
            return None  # （含工业废水）, （试行）: not a list of units
    if not names:
        return None
    ann = Annotation(offset + bs, offset + be, text[bs:be], bare=True, first_listed=bool(note))
    for n, cn, s, e in names:
        ann.parties.append(Party(n, "lead", "explicit", text[bs:be], offset + bs, offset + be, canonical=cn))
        ann.name_spans.append((s, e))
        ann.defaulted.append(True)
    return ann


def first_listed_lines(text: str) -> list[Annotation]:
    """注：表中责任单位列第一位的为牵头单位 — the rule stated on a line of its own, outside any
    bracket (above or under a table): it holds for the whole document, so each such line is an
    annotation with no party, placed at the start, that only turns the rule on."""
    note_re = first_listed_note()
    inside = bracket_spans(text)
    for m in note_re.finditer(text):
        if not any(s <= m.start() < e for s, e in inside):
            return [Annotation(0, 0, m.group(), first_listed=True)]
    return []


def apply_first_listed(annotations: list[Annotation]) -> None:
    """From the first annotation that says 列第一位者为牵头 on (document order), bare lists —
    and 责任单位 lists that name no lead (（责任单位：A、B、C。列第一位者为牵头单位，下同）) — name
    their lead first: the first unit leads, the others support."""
    on = False
    for a in sorted(annotations, key=lambda a: a.start):
        on = on or a.first_listed
        unled = bool(a.defaulted) and all(a.defaulted) and all(p.role == "lead" for p in a.parties)
        if on and (a.bare or unled) and len(a.parties) > 1:
            a.parties[1:] = [replace(p, role="support") for p in a.parties[1:]]
            a.defaulted[:] = [False] * len(a.parties)


def demote_defaulted(anns: list[Annotation]) -> list[tuple[Party, tuple[int, int]]]:
    """The parties of annotations read together for one task (牵头单位：… / 责任单位：… lines),
    with their name spans: beside an explicit lead, a lead by default supports."""
    named_lead = any(p.role == "lead" and not d for a in anns for p, d in zip(a.parties, a.defaulted or
                                                                           [False] * len(a.parties)))
    out = []
    for a in anns:
        flags = a.defaulted or [False] * len(a.parties)
        for p, sp, d in zip(a.parties, a.name_spans, flags):
            out.append((replace(p, role="support") if named_lead and d else p, sp))
    return out


def prefer_orgs(ms: list[CharMatch]) -> list[CharMatch]:
    """ORG and PLACE matches without overlaps, the longer (usually the ORG) kept."""
    ms = sorted(ms, key=lambda m: (m.start, -(m.end - m.start), m.label != "ORG"))
    out, last = [], -1
    for m in ms:
        if m.start >= last:
            out.append(m)
            last = m.end
    return out


# ---------------------------------------------------------------------------
# Running text
# ---------------------------------------------------------------------------


@dataclass
class Group:
    """Consecutive bodies joined by 、/和/及: 宝应县、高邮市、江都区."""

    members: list[CharMatch]

    @property
    def start(self) -> int:
        return self.members[0].start

    @property
    def end(self) -> int:
        return self.members[-1].end


def groups(text: str, offset: int, bodies: list[CharMatch]) -> list[Group]:
    out: list[Group] = []
    for m in bodies:
        if out:
            gap = text[out[-1].end - offset:m.start - offset]
            if gap in _LIST_SEPARATORS:
                out[-1].members.append(m)
                continue
        out.append(Group([m]))
    return out


@lru_cache(maxsize=1)
def _cues() -> dict:
    lex = lx.load()
    return {k: lx.longest_first(lex.list(k)) for k in (
        "lead_before", "lead_after", "support_before", "support_after", "recipient_before",
        "recipient_before_to", "recipient_after_to", "owner_after", "causative_before", "adverbs",
        "modals", "owner_role_before", "owner_role_after", "role_modals", "lead_after_modal", "support_after_modal",
        "self_done_after_you", "lead_after_you", "coordinating_nouns", "person_titles")}


def _ends(s: str, words: list[str]) -> str | None:
    return next((w for w in words if s.endswith(w)), None)


def _starts(s: str, words: list[str]) -> str | None:
    return next((w for w in words if s.startswith(w)), None)


@lru_cache(maxsize=1)
def _subject_words() -> tuple[list[str], list[str]]:
    """Words that may stand between a subject and its verb besides adverbs — a recurrence
    (每月, 按季度), a modal (要, 于) — and the frames after which the verb comes later in the
    segment (按照…标准落实, 对在建项目开展, 将…报)."""
    lex = lx.load()
    return (lx.longest_first(list(lex.mapping("recurring")) + lex.list("modals")),
            lx.longest_first(lex.list("frames") + lex.list("subject_frames") + lex.list("disposal")))


def _starts_with_action(text: str, pos: int, verbs: list[CharMatch], adverbs: list[str],
                        times: dict[int, int] | None = None) -> bool:
    """Does an action verb start at ``pos`` (relative), after optional adverbs/modals, a
    recurrence or a time phrase (``times``: start → end, 县水利局2025年底前完成…) — or follow, in
    the same segment, a frame standing there?"""
    recurring, frames = _subject_words()
    i = pos
    for _ in range(4):
        if any(v.start == i for v in verbs):
            return True
        if times and i in times:
            i = times[i]
            continue
        w = _starts(text[i:], adverbs) or _starts(text[i:], recurring)
        if not w:
            f = _starts(text[i:], frames)
            if f:
                # (a 、 inside the frame's object parts nothing: 对履职不力、造成严重后果的单位…追究)
                end = next((k for k in range(i, len(text)) if text[k] in _SEGMENT_START and text[k] != "、"),
                           len(text))
                return any(i + len(f) < v.start < end for v in verbs)
            return False
        i += len(w)
    return any(v.start == i for v in verbs)


def _coordinating_duty(text: str, at: int, c: dict) -> int | None:
    """负责…的统筹协调 (…的组织协调 …) from ``at`` to the segment's end: where the coordinating noun
    ends, or None."""
    seg_end = _stop(text, at, "，。；")
    coord = next((k + 1 for k in range(at, seg_end) if text[k] == "的"
                  and _starts(text[k + 1:seg_end], c["coordinating_nouns"])), None)
    return None if coord is None else coord + len(_starts(text[coord:seg_end], c["coordinating_nouns"]))


@lru_cache(maxsize=1)
def _owner_cues() -> list[str]:
    return lx.longest_first(lx.load().mapping("annotation_suffixes")["owner"])


_SEGMENT_START = "，。；：、"
# The cue of bodies that each do their part (X、Y按职责分工负责): support beside a lead, else leads.
_SHARED_DUTY = ("按职责分工负责", "分工负责", "共同负责")
# X应当…，并会同Y… / X负责…，会同Y…: X leads, however far the 会同 stands from it in the sentence.
_LATER_WITH = re.compile(r"[，,]\s*(?:并|同时)?会同")
_ETC = re.compile(r"等(?:有关|相关)?(?:部门|单位)")
# What a body "is" when it is named as the one responsible (X是…的责任主体 / 行业主管部门).
OWNER_NOUN = re.compile(r"责任主体|实施主体|第一责任人|主管部门|责任单位")
# 各区（县）人民政府对本辖区自建房安全负属地管理责任 / 对本行政区域节水工作负总责: the body answers for it
DUTY_CLAIM = re.compile(r"对[^，。；]{1,24}?负[\u4e00-\u9fff]{0,6}?(?:责任|总责)")


def _stop(text: str, pos: int, stops: str) -> int:
    """Where the first of ``stops`` stands at or after ``pos`` (the end of a segment or sentence)."""
    found = [k for k in (text.find(ch, pos) for ch in stops) if k >= 0]
    return min(found, default=len(text))


# 在X指导下 / 在X统筹下: X leads the work the sentence then gives to another.
_GUIDED = ("指导下", "领导下", "统筹下", "组织下", "统一领导下", "统筹协调下")
# The kinds of body one is told to urge or guide to work (督促物业服务企业落实…, 指导各市完善…), when
# no known body stands there.
_URGED = re.compile(r"(?:督促|指导)(?:和督促|和指导)?(?P<obj>各[市县区镇乡村](?:（[^（）]{1,8}）)?|"
                    r"[\u4e00-\u9fff]{2,12}?(?:企业|单位|机构|经营者|运营者))(?=[\u4e00-\u9fff]{0,3}"
                    r"(?:落实|完善|优化|开展|做好|建立|加强|推进|实施|履行|按时|足额|规范|整改|及时|主动|依法|严格))")


# A kind of body that a rule binds, as the subject of its sentence (养护责任人应当…, 燃气经营企业要…, 互联网医院不得…).
# Also a person named by what they do (养犬人应当…, 携犬人应当…, 承租人应当…), not 任何单位和个人.
_DUTY_BEARER = re.compile(r"(?:^|(?<=[，。；：\n]))(?P<obj>(?!任何)[\u4e00-\u9fff]{2,10}?(?:责任人|主体|企业|医院|经营者|运营者|管理人|使用人"
                          r"|(?<=[\u4e00-\u9fff]{2})(?<!个)人))(?=应当|要|须|必须|不得|应)")


def _kind_owners(text: str, offset: int, known: list[tuple[int, int]],
                 skip: list[tuple[int, int]]) -> list[tuple[Party, CharMatch]]:
    """Owners named by their kind where no known body stands (``_DUTY_BEARER``, ``_URGED``)."""
    out = []
    for pattern, kind in ((_DUTY_BEARER, "duty_bearer"), (_URGED, "urged_body")):
        for m in pattern.finditer(text):
            s0, e0 = m.span("obj")
            if any(a < e0 and s0 < b for a, b in known) or any(a <= offset + s0 < b for a, b in skip):
                continue
            name = m.group("obj")
            out.append((Party(name, "owner", "explicit", m.group(0), offset + m.start(), offset + m.end(),
                              canonical=name), CharMatch("ORG", kind, offset + s0, offset + e0, name, {})))
    return out


def running_text_parties(text: str, offset: int, matches: list[CharMatch],
                         skip: list[tuple[int, int]]) -> list[tuple[Party, CharMatch]]:
    """Parties named in the running text of a clause (``text`` starts at ``offset``).

    ``skip`` are absolute spans to ignore (annotations, 《titles》). Returns
    (party, the body's match) pairs; PLACEs are kept only as doers (owner). A pair
    whose match is an ANAPHOR carries the referring word as its name, to be resolved.
    """
    c = _cues()
    # ANAPHOR (该局, 其, 上述部门) stands where a body would: it takes its role from the same
    # cues; ``indexer.extract.tasks`` then resolves it to the body it stands for.
    bodies = [m for m in matches if m.label in ("ORG", "PLACE", "ANAPHOR")
              and not any(s <= m.start < e for s, e in skip)]
    bodies = prefer_orgs(bodies)
    verbs = [m.shifted(-offset) for m in matches if m.label == "ACTION"]
    times = {m.start - offset: m.end - offset for m in matches if m.label == "TIME"}
    time_ends = {e: s for s, e in times.items()}
    out: list[tuple[Party, CharMatch]] = []
    prev_end = None  # where the group before this one ends
    for g in groups(text, offset, bodies):
        gs, ge = g.start - offset, g.end - offset
        etc = _ETC.match(text, ge)  # 市发展改革委、市工信局等部门按照各自职责…: the cues follow 等部门
        if etc:
            ge = etc.end()
        left, right = text[max(0, gs - 8):gs], text[ge:ge + 10]
        role, ev_s, ev_e = None, gs, ge
        if _starts(right, c["person_titles"]):
            prev_end = ge
            continue  # 由街道办事处主任任组长: the body's officer, a person — no role for the body
        r = _starts(right, _owner_cues())
        if r:  # 由X牵头，Y配合，各镇具体实施: the implementers, in running text as in brackets
            role, ev_e = "owner", ge + len(r)
        w = _ends(left, c["support_before"]) if role is None else None
        between = text[prev_end:gs - len(w)] if w and prev_end is not None and prev_end <= gs - len(w) else None
        if w in ("配合", "协助") and between is not None and (not between or between in c["role_modals"]):
            # Y配合X开展… / Y应当配合X…: X is the one helped, the lead
            role, ev_s = "lead", gs - len(w)
        elif w:  # X会同Y统筹…: Y supports, whatever follows it
            role, ev_s = "support", gs - len(w)
        if role is None and left.endswith("在") and right.startswith(_GUIDED):
            role, ev_s, ev_e = "lead", gs - 1, ge + len(next(x for x in _GUIDED if right.startswith(x)))
            # 在县供销合作社指导下，Y负责…: the body guiding the work leads
        w = _ends(left, c["lead_before"]) if role is None else None
        if w and right.startswith(("在", "于")):
            # 由采砂单位在3个月内完成修复: the body named does the work itself within the time given
            role, ev_s, ev_e = "owner", gs - len(w), ge + 1
        elif w and _starts(right, c["self_done_after_you"]):
            # 由县水土保持站负责组织实施 / 分别由所在乡镇人民政府负责实施: the body does it (负责组织 is doing)
            role, ev_s, ev_e = "owner", gs - len(w), ge + len(_starts(right, c["self_done_after_you"]))
        elif w and not _starts(right, c["lead_after_you"]) and any(
                ge <= v.start < _stop(text, ge, "，。；") for v in verbs):
            # 由市政府督查室进行督办 / 由区纪委监委依规依纪追究责任: 由 names who does it, not who leads
            role, ev_s, ev_e = "owner", gs - len(w), ge + 2
        elif w:
            role, ev_s = "lead", gs - len(w)
            r = _starts(right, c["lead_after"])
            if r:
                ev_e = ge + len(r)
        if role is None:
            r = _starts(right, c["support_after"])
            if r:
                role, ev_e = "support", ge + len(r)
            elif right.startswith("参加") and right[2:3] in ("。", "；", "，", ""):
                role, ev_e = "support", ge + 2  # X牵头建立…机制，Y、Z参加: those taking part support
        if role is None and right.startswith("设在"):
            # 工作专班设在县经济发展办，负责统筹协调…: the office has the duty, not the body it sits in
            seg_end = _stop(text, ge, "，。；")
            after = text[seg_end + 1:seg_end + 12] if text[seg_end:seg_end + 1] == "，" else ""
            nxt_end = _stop(text, seg_end + 1, "，。；") if after else seg_end
            if _starts(after, c["lead_after"]) or (after.startswith("负责") and re.search(
                    "|".join(c["coordinating_nouns"]) + "|协调|统筹|日常调度|督促", text[seg_end + 1:nxt_end])):
                # …，负责日常协调调度 / 负责日常调度和督促检查: it leads (负责每月调度建设进展 is its own work)
                role, ev_e = "lead", nxt_end
            elif _starts(after, c["owner_after"]):
                role, ev_e = "owner", seg_end + 3
        if role is None:
            r = _starts(right, c["lead_after"])
            if r:
                role, ev_e = "lead", ge + len(r)
        if role is None and right.startswith("负责"):
            # 市农业农村局负责全市高标准农田建设的统筹协调和监督指导: coordinating, said at the end
            coord = _coordinating_duty(text, ge, c)
            if coord:
                role, ev_e = "lead", coord
        if role is None:
            # X要会同Y / X应配合…: the same cues after a modal verb.
            mv = _starts(right, c["role_modals"])
            for cue, r_ in (("lead_after_modal", "lead"), ("support_after_modal", "support")):
                r = mv and _starts(right[len(mv):], c[cue])
                if r:
                    role, ev_e = r_, ge + len(mv) + len(r)
                    break
        if role is None:
            w = _ends(left, c["recipient_before"])
            if w:
                role, ev_s = "recipient", gs - len(w)
        if role is None:
            w = _ends(left, c["recipient_before_to"])
            r = _starts(right, c["recipient_after_to"])
            if w and r:
                role, ev_s, ev_e = "recipient", gs - len(w), ge + len(r)
        if role is None:
            w = _ends(left, c["causative_before"])
            if w and _starts_with_action(text, ge, verbs, c["adverbs"], times):
                role, ev_s = "owner", gs - len(w)
                ev_e = ge + 2
        if role is None:
            w = _ends(left, c["owner_role_before"])
            r = _starts(right, c["owner_role_after"])
            if w and r:  # 充分发挥生态环境部门职能作用
                role, ev_s, ev_e = "owner", gs - len(w), ge + len(r)
        if role is None:
            k = gs
            while k in time_ends:  # 9月底前各县（市、区）全部建立…: a time phrase before the subject
                k = time_ends[k]
            at_start = k == 0 or text[k - 1] in _SEGMENT_START
            r = _starts(right, c["owner_after"])
            if at_start and (r or _starts_with_action(text, ge, verbs, c["adverbs"], times)):
                role = "owner"
                ev_e = ge + (len(r) if r else 2)
                later = _LATER_WITH.search(text, ge, _stop(text, ge, "。；;"))
                if later and not any(ge <= b.start - offset < later.start() for b in bodies):
                    role, ev_e = "lead", later.end()
        if role is None:
            # 各镇人民政府是建后管护的责任主体 / 县水利局是…的行业主管部门: named the body responsible
            seg_end = _stop(text, ge, "，。；")
            duty = OWNER_NOUN.search(text, ge, seg_end) if text.startswith("是", ge) else None
            if duty:
                role, ev_e = "owner", duty.end()
                after = text[seg_end + 1:seg_end + 12] if text[seg_end:seg_end + 1] == "，" else ""
                if duty.group() == "主管部门" and _starts(after, c["lead_after"]):
                    # X是…的主管部门，负责统筹协调…: the department in charge leads
                    role, ev_e = "lead", seg_end + 1 + len(_starts(after, c["lead_after"]))
                elif duty.group() == "主管部门" and after.startswith("负责") and _coordinating_duty(text, seg_end + 1, c):
                    # X是…的主管部门，负责…的统筹协调和监督管理: the same, the coordinating said at the end
                    role, ev_e = "lead", _coordinating_duty(text, seg_end + 1, c)
        if role is None:
            claim = DUTY_CLAIM.match(text, ge)
            if claim:
                role, ev_e = "owner", claim.end()
        if role is None:
            role = "mentioned"
        ev_e = min(ev_e, len(text))
        for m in g.members:
            if m.label == "PLACE" and role in ("mentioned",):
                continue
            out.append((Party(org_name(m), role, "explicit", text[ev_s:ev_e], offset + ev_s, offset + ev_e,
                              canonical=org_canonical(m)), m))
        prev_end = ge
    # 养护责任人应当… (the kind of body a rule binds) / X负责督促物业服务企业落实… (the ones urged or guided
    # to do the work): kinds of body no lexicon names, owners of the work
    out += _kind_owners(text, offset, [(m.start - offset, m.end - offset) for m in bodies], skip)
    if not any(p.role == "lead" for p, _ in out):
        # 市发展改革委、财政局按职责分工负责…, with no lead named: those bodies lead, as in brackets
        out = [(replace(p, role="lead") if p.role == "support" and p.evidence.endswith(_SHARED_DUTY) else p, m)
               for p, m in out]
    return out


@lru_cache(maxsize=1)
def place_list_after_causative() -> re.Pattern:
    """推进A县、B区建立… for places not in places.yaml: an enumeration (two or more) of
    names of 2–4 characters ending in 县/市/区, then an action verb."""
    c = _cues()
    lex = lx.load()
    item = HAN + "{1,3}(?:县|市|区)"
    return re.compile(
        "(?:" + trie_regex(c["causative_before"]) + ")"
        + "(?P<list>" + item + "(?:、" + item + ")+)"
        + "(?=" + trie_regex(lex.list("action_verbs")) + ")")


_NOT_PLACE_END = ("城市", "景区", "园区", "社区", "城区", "街区", "片区", "强市", "大市", "名市")


def unknown_place_owners(text: str, offset: int, known: list[tuple[int, int]]) -> list[Party]:
    """Owners written as an enumeration of places the gazetteer does not know."""
    out = []
    for m in place_list_after_causative().finditer(text):
        s, e = m.span("list")
        if any(ks < offset + e and offset + s < ke for ks, ke in known):
            continue
        names = [m.group("list")[pa:pb] for pa, pb in split_top(m.group("list"), "、")]
        if any(n.endswith(_NOT_PLACE_END) for n in names):
            continue
        for name in names:
            out.append(Party(name, "owner", "explicit", m.group(0), offset + m.start(), offset + m.end(),
                             canonical=name))
    return out


# ---------------------------------------------------------------------------
# Shared-prefix enumerations: 县财政局、审计局、统计局
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _bare_department() -> re.Pattern:
    lex = lx.load()
    # names, aliases and the names at other levels (工业和信息化厅 after 省生态环境厅、)
    return re.compile(trie_regex([a for d in lex.departments for a in (d.name, *d.aliases, *d.levels.values())
                                  if len(a) >= 3]))


_MEMBER_SEP = re.compile(r"以及|、|和|及|与")


# Stations named after the place they serve (栎溪派出所), not after the level of the body before them.
_NAMED_BY_PLACE = ("派出所", "救援站", "消防站", "中队")


@lru_cache(maxsize=1)
def _bare_generic() -> re.Pattern:
    """An office of a level's government named by free text and an office suffix, standing alone in
    a list (农业农村办, 规划建设办, 财政所, 邮政管理局, 供销社): it must end where a list member ends. Not companies or
    bodies with names of their own (中国铁路…集团): those share no level."""
    return re.compile(r"(?!中国|国家|国网|[省市县区镇乡])(?:(?!会同|牵头|配合|负责|参与|各|要|和|及|与)[\u4e00-\u9fff]){2,6}?"
                      r"(?:办公室|办|所|站|大队|中队|队|中心|局|社|机关)(?=[、和及与，。；）)｜\n]|牵头|配合|负责|参与|会同|要|应|是|按|对|$)")


# A department's section named alone after one named with its department (…执法稽查科、商标管理科).
_BARE_SECTION = re.compile(r"(?:(?!负责|牵头|配合|会同|按|和|及|与|各)[\u4e00-\u9fff]){2,8}?(?:处|科|股|室)"
                           r"(?=[、和及与，。；）)｜\n]|牵头|配合|负责|参与|会同|要|应|是|按|$)")


_DEPARTMENT_OF_SECTION = re.compile(r"([市县区州省][\u4e00-\u9fff]{2,10}?(?:局|厅|委))[\u4e00-\u9fff]{2,8}?(?:处|科|股|室)")


def _department_of_section(m: CharMatch) -> str | None:
    """The department a section belongs to (市水利局河湖管理处 → 市水利局; 市知识产权局执法稽查科 →
    市知识产权局, a department the lexicon does not know), or None for a match that is no section."""
    if m.label != "ORG":
        return None
    if m.id == "department_unit" and m.groups.get("prefix"):
        return m.groups["prefix"] + m.groups["core"]
    own = _DEPARTMENT_OF_SECTION.fullmatch(m.text) if m.id == "subject_body" else None
    return own.group(1) if own else None


_LOCAL_GOVERNMENT = re.compile(r"(?:镇|乡|街道)(?:人民政府|政府|办事处)$")


def shared_prefix_members(text: str, matches: list[CharMatch]) -> list[CharMatch]:
    """Departments written without their level after one written with it: in 县财政局、审计局、
    统计局 the later two are 县 bodies too. Each becomes an ORG match of its own, its text as
    written (审计局) and the prefix it shares in ``groups`` (its name and canonical name are
    县审计局). A name with a level word of its own (街道办事处 after 各镇人民政府) shares nothing."""
    # a name standing alone as a subject (…、统计局要…) is a member still without its level
    starts = {m.start for m in matches if m.label == "ORG" and m.id != "subject_body"}
    out = []
    # 各街道办事处、镇人民政府: each town's government too, though 镇人民政府 is a name of its own
    by_start = {m.start: m for m in matches if m.label == "ORG"}
    for m in matches:
        if m.label == "ORG" and m.text.startswith("各") and _LOCAL_GOVERNMENT.search(m.text):
            pos = m.end
            while (sep := _MEMBER_SEP.match(text, pos)) and (n := by_start.get(sep.end())) is not None \
                    and _LOCAL_GOVERNMENT.fullmatch(n.text):
                out.append(CharMatch("ORG", n.id, n.start, n.end, n.text,
                                     {**n.groups, "prefix": "各" + (n.groups.get("prefix") or ""),
                                      "shared_prefix": "各"}))
                pos = n.end
    for m in matches:
        dept = _department_of_section(m)
        if dept:
            # 市知识产权局执法稽查科、商标管理科: the later sections are the same department's
            pos = m.end
            while (sep := _MEMBER_SEP.match(text, pos)) and (u := _BARE_SECTION.match(text, sep.end())):
                shared = dept
                out.append(CharMatch("ORG", "department_unit", u.start(), u.end(), u.group(),
                                     {"prefix": shared, "core": u.group(), "shared_prefix": shared}))
                pos = u.end()
            continue
        if m.label != "ORG" or m.id not in ("department", "generic_body") or not m.groups.get("prefix"):
            continue
        pos = m.end
        while True:
            sep = _MEMBER_SEP.match(text, pos)
            if not sep or sep.end() in starts:
                break
            d = _bare_department().match(text, sep.end())
            kind = "department"
            if not d:  # 镇综合行政执法队、农业农村办: a body named by its suffix, the level shared too
                d, kind = _bare_generic().match(text, sep.end()), "generic_body"
                if d and d.group().endswith(_NAMED_BY_PLACE):
                    break  # 栎溪派出所, 桐坪消防救援站: named after their place, not the level's
            if not d:
                break
            shared = m.groups["prefix"]
            if re.match(r"街道|乡镇|镇|乡|村|社区", d.group()):  # a level word of its own (not 住房城乡建设局)
                if not shared.startswith("各"):
                    break
                shared = "各"  # 各镇人民政府、街道办事处: each of them too, at its own level
            out.append(CharMatch("ORG", kind, d.start(), d.end(), d.group(),
                                 {"prefix": shared, "core": d.group(), "shared_prefix": shared}))
            pos = d.end()
    return out


# A leading group or task force (and its office) named in short after the document named it whole:
# 成立县农业面源污染治理工作领导小组……领导小组办公室设在县农业农村局 → 县农业面源污染治理工作领导小组办公室.
_GROUP_KINDS = ("领导小组", "工作专班", "专班", "指挥部", "协调小组", "工作小组", "联席会议")
_SHORT_GROUP = re.compile(r"(?<![\u4e00-\u9fff])(?:由|经|请|向)?(?P<short>(?P<kind>领导小组|工作专班|专班|指挥部|协调小组|工作小组|联席会议)"
                          r"(?:办公室)?)(?![\u4e00-\u9fff]{0,2}(?:组长|成员|主任|会议(?!办公室)))")


_FOUNDED_GROUP = re.compile(r"(?:^|(?<=[，。；：\n）]))(?P<level>[省市县区镇乡]|街道)(?:人民政府|政府|办事处)?成立"
                            r"(?P<name>[\u4e00-\u9fff]{2,24}?)(?P<kind>领导小组|工作专班|指挥部|协调小组|工作小组)(?![\u4e00-\u9fff])")


def _group_stem(name: str) -> str:
    """The group a name stands for: 县…领导小组办公室 → 县…领导小组."""
    return name[:-3] if name.endswith("办公室") else name


def _group_kind(name: str) -> str | None:
    return next((k for k in _GROUP_KINDS if _group_stem(name).endswith(k)), None)


def short_group_members(text: str, matches: list[CharMatch]) -> list[CharMatch]:
    """Short mentions of the one leading group (task force, command) the document names whole:
    each an ORG match of its own, its text as written (领导小组办公室) and the words the whole
    name adds before it in ``groups`` (its name is then the whole name). Only when the document
    names exactly one group of that kind, so the short name can mean nothing else."""
    whole: dict[str, set[str]] = {}  # kind → the names before the kind word (县…工作)
    for m in matches:
        if m.label != "ORG":
            continue
        kind = _group_kind(m.text)
        if kind is None:
            continue
        head = _group_stem(m.text)[:-len(kind)]
        if len(head) >= 2:
            whole.setdefault(kind, set()).add(head)
    # 县人民政府成立农机安全生产专项整治工作领导小组 / 街道成立…领导小组: the group is the level's
    for m in _FOUNDED_GROUP.finditer(text):
        whole.setdefault(m.group("kind"), set()).add(m.group("level") + m.group("name"))
    if not whole:
        return []
    # (a match of the short name alone is replaced: 领导小组办公室每季度… read as a subject)
    taken = [(m.start, m.end) for m in matches if m.label in ("ORG", "ANAPHOR")
             and (m.label != "ORG" or _group_kind(m.text) is None or len(m.text) > 7)]
    out = []
    for g in _SHORT_GROUP.finditer(text):
        s, e = g.start("short"), g.end("short")
        kind = g.group("kind")
        heads, head_of = whole.get(kind), ""
        if not heads and kind == "专班":  # 专班办公室 after 区…工作专班: the same task force
            heads, head_of = whole.get("工作专班"), "工作"
        if not heads or len(heads) != 1 or any(a < e and s < b for a, b in taken):
            continue
        head = next(iter(heads)) + head_of
        out.append(CharMatch("ORG", "group_office", s, e, g.group("short"),
                             {"prefix": head, "core": g.group("short"), "shared_prefix": head}))
    return out

