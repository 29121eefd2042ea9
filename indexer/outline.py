"""Outline documents: facts about a document whose official text we do not have.

An outline file (``corpus/<id>.outline.yaml``) holds metadata, the headings of
parts and articles (or, for a document whose articles are unknown, its main
tasks), keywords, stage goals and quantitative targets, each with a
``verified`` flag, and a one-sentence summary per article written by us — not
the official wording. ``build_outline`` turns one into the same records the
parser produces for a full text, with ``Document.status == "outline"``:

* The document text is rendered from the facts (our wording, marked as an
  outline at the top), so every provision has offsets like a parsed one.
* Ids follow the parser: parts ``part_3``, articles numbered as the document
  numbers them (the central opinion numbers its 33 articles across parts, so
  article 2 is ``part_3__art_2``); clauses ``part_3__art_2__cl_1``. Rendering
  the central outline's text and running ``indexer.structure.parse`` on it
  gives the same part/article/clause ids (tested). Documents known only by
  their main tasks get ``task_1`` … (kind ``part``, ``part_no`` null: the
  official part numbers are unknown).
* Clauses of an article: ``摘要：`` our summary; ``关键词：`` the keywords;
  one ``目标〔…〕：`` clause per quantitative target. Stage goals are clauses of
  the part they belong to (总体要求), or of the preamble.

How "verified" is shown (the flag of the source facts: true / false / partial):

* every flagged provision's ``label`` ends with 〔已核实〕, 〔部分核实〕 or
  〔未核实〕 (a clause carries its article's flag through its label);
* target and stage-goal clauses say it in their text too (``目标〔未核实〕：…``);
* ``Document.meta["verified"]`` maps provision id → true / false / "partial";
* ``Target.verified`` is true / false / "partial".
"""

from __future__ import annotations

import re
from datetime import date as _date
from typing import Any

from kb import labels
from kb.official_citation import int_to_cn
from kb.errors import CorpusError
from kb.models import LEVELS, Document, Provision, Target
from indexer.normalize import normalize_line
from indexer.parsed import ParsedDocument
from indexer.structure import split_clauses

OUTLINE_SUFFIX = ".outline.yaml"
OUTLINE_NOTICE = ("〔提纲〕本文件不是官方全文：结构、标题和目标来自公开报道，摘要为本库自行撰写，"
                  "各项均标注核实状态；请以官方文本为准。取得官方全文后用 policykb ingest 收录即可替换本提纲。")
# The labels this module puts before the text of an outline clause (摘要：…, 目标〔未核实〕：…).
# They say what kind of line it is, not what it is about: the search index leaves them out.
CLAUSE_LABELS = ("摘要", "关键词", "目标", "阶段目标", "总体定位", "阶段安排")
CLAUSE_LABEL_RE = re.compile(rf"^(?:{'|'.join(CLAUSE_LABELS)})(?:〔[^〕]*〕)?：")
VALUE_FIRST = ("以下", "以上", "左右")  # 28微克/立方米以下; others read 力争45%


def clause_label_length(text: str) -> int:
    """Characters of ``text`` that are an outline clause label (``目标〔未核实〕：`` → 8), else 0."""
    m = CLAUSE_LABEL_RE.match(text)
    return m.end() if m else 0


def flag(value: Any) -> bool | str:
    """A YAML verified value as True / False / "partial" (missing counts as unverified)."""
    if value is True or value is False:
        return value
    if isinstance(value, str) and value.strip().lower() == "partial":
        return "partial"
    return False


def _str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, _date):
        return value.isoformat()
    return str(value)


def _num(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _no(facts: dict) -> int:
    """The ``no:`` of a part/article/task. YAML 1.1 reads a bare ``no`` key as the boolean False."""
    value = facts["no"] if "no" in facts else facts[False]
    return int(value)


def target_phrase(t: dict) -> str:
    """到2027年，全国细颗粒物平均浓度28微克/立方米以下 — our rendering of one target's facts."""
    value, unit, qual = t.get("value"), t.get("unit") or "", t.get("qualifier") or ""
    indicator = str(t["indicator"])
    if value is None:
        what = f"{indicator}{qual}"
    elif qual in VALUE_FIRST:
        what = f"{indicator}{_num(value)}{unit}{qual}"
    else:
        what = f"{indicator}{qual}{_num(value)}{unit}"
    return f"到{t['year']}年，{what}" if t.get("year") else what


class _Writer:
    """Accumulates the rendered text paragraph by paragraph and the provisions over it."""

    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        self.paras: list[str] = []
        self.length = 0
        self.provisions: list[Provision] = []
        self.verified: dict[str, bool | str] = {}

    def para(self, line: str) -> tuple[int, int]:
        line = normalize_line(line)
        start = self.length + (2 if self.paras else 0)
        self.paras.append(line)
        self.length = start + len(line)
        return start, self.length

    @property
    def text(self) -> str:
        return "\n\n".join(self.paras)

    def clauses(self, parent: Provision, lines: list[tuple[str, bool | str | None]], label: str,
                first_no: int = 1) -> list[Provision]:
        """One paragraph per line, split into clauses as the parser splits them; a line's flag
        (None: none of its own) is recorded for each of its clauses."""
        out = []
        k = first_no - 1
        for line, line_flag in lines:
            a, _ = self.para(line)
            for cs, ce in split_clauses(self.paras[-1], a):
                k += 1
                c = self.add(id=f"{parent.id}__cl_{k}", kind="clause", parent=parent.id,
                             part_no=parent.part_no, article_no=parent.article_no, item_no=None,
                             clause_no=k, heading=None, start=cs, end=ce, marker=None, label=label,
                             depth=parent.depth + 1)
                if line_flag is not None:
                    self.verified[c.id] = line_flag
                out.append(c)
        return out

    def add(self, **kw) -> Provision:
        p = Provision(doc_id=self.doc_id, seq=len(self.provisions), text="", **kw)
        self.provisions.append(p)
        return p

    def finish(self) -> list[Provision]:
        """Fill texts and the container spans (a container covers its children)."""
        text = self.text
        ends = {p.id: p.end for p in self.provisions}
        for p in reversed(self.provisions):
            if p.parent:
                ends[p.parent] = max(ends[p.parent], ends[p.id])
        return [Provision(**{**p.__dict__, "end": ends[p.id], "text": text[p.start:ends[p.id]]})
                for p in self.provisions]


def _stage_goal_line(g: dict) -> str:
    """阶段目标〔已核实〕：到2030年，美丽江苏基本建成（“十五五”巩固拓展），… — one sentence."""
    year, horizon = g.get("year"), g.get("horizon_text")
    when = f"{horizon}（{year}年）" if horizon and year else (horizon or f"{year}年")
    phase = str(g.get("phase") or "").split()
    phase = f"（“{phase[0]}”{phase[1]}）" if len(phase) == 2 else ""
    line = f"阶段目标{labels.verified_tag(flag(g.get('verified')))}：到{when}，{g['label']}{phase}"
    summary = str(g.get("summary") or "").rstrip("。")
    return f"{line}，{summary}。" if summary else f"{line}。"


def build_outline(data: dict, name: str = "<outline>", meta: dict | None = None):
    """Outline facts (the parsed YAML mapping) → a ``ParsedDocument`` with status ``outline``."""
    meta = dict(meta or {})
    if not isinstance(data, dict) or not data.get("title"):
        raise CorpusError(f"{name}: an outline needs at least title: and parts:/articles: or main_tasks:; "
                          "see corpus/central-2023-beautiful-china.outline.yaml")
    doc_id = str(meta.get("id") or data.get("id") or data.get("id_hint") or "")
    if not doc_id:
        raise CorpusError(f"{name}: the outline has no id; add `id: <letters-digits-dashes>` to it")
    level = meta.get("level") or data.get("level")
    if level not in LEVELS:
        raise CorpusError(f"{name}: level '{level}' is not one of {', '.join(LEVELS)}; fix the outline file")
    issuer = data.get("issuer") or ""
    issuer = " ".join(map(str, issuer)) if isinstance(issuer, list) else str(issuer)

    w = _Writer(doc_id)
    title = str(data["title"])
    w.para(title)
    w.para(OUTLINE_NOTICE)
    body_start = w.length + 2

    try:
        parts = {_no(p): p for p in data.get("parts") or []}
        articles = sorted(data.get("articles") or [], key=_no)
        tasks = sorted(data.get("main_tasks") or [], key=_no)
        targets_by_article: dict[int, list[dict]] = {}
        for t in data.get("targets") or []:
            targets_by_article.setdefault(int(t["article"]), []).append(t)
    except (KeyError, TypeError, ValueError) as e:
        raise CorpusError(f"{name}: every part, article, main task and target needs a number "
                          f"(no:/article:) ({type(e).__name__}: {e}); fix the outline file") from None
    stage_goals = data.get("stage_goals") or []
    goals_part = next((no for no, p in parts.items() if "总体要求" in str(p.get("heading", ""))), None)
    targets: list[Target] = []

    def summary_lines(facts: dict) -> list[tuple[str, bool | str | None]]:
        lines = []
        if facts.get("summary"):
            lines.append((f"摘要：{str(facts['summary']).rstrip('。')}。", None))
        if facts.get("keywords"):
            lines.append((f"关键词：{'、'.join(map(str, facts['keywords']))}。", None))
        return lines

    def article_body(node: Provision, facts: dict, label: str) -> None:
        clauses = w.clauses(node, summary_lines(facts), label)
        own_targets = targets_by_article.get(node.article_no, []) if node.article_no is not None else []
        for t in sorted(own_targets, key=lambda t: t.get("year") or 0):
            tflag = flag(t.get("verified"))
            line = f"目标{labels.verified_tag(tflag)}：{target_phrase(t)}。"
            (c,) = w.clauses(node, [(line, tflag)], label, first_no=len(clauses) + 1)
            clauses.append(c)
            targets.append(Target(
                doc_id=doc_id, clause_id=c.id, article_no=node.article_no, year=t.get("year"),
                indicator=str(t["indicator"]), value=_num(t.get("value")), unit=t.get("unit"),
                qualifier=t.get("qualifier"), text=w.text[c.start:c.end], start=c.start, end=c.end,
                verified=tflag))

    # Preamble: what is known about the whole document when it has no 总体要求 part to hold it.
    preamble_lines = []
    if data.get("positioning"):
        pos = data["positioning"]
        pflag = flag(pos.get("verified"))
        preamble_lines.append((f"总体定位{labels.verified_tag(pflag)}：{str(pos['summary']).rstrip('。')}。", pflag))
    if stage_goals and goals_part is None:
        preamble_lines += [(_stage_goal_line(g), flag(g.get("verified"))) for g in stage_goals]
    if preamble_lines:
        label = "序言（提纲：总体定位与阶段目标）"
        start = w.length + 2
        pre = w.add(id=f"{doc_id}#preamble", kind="preamble", parent=None, part_no=None, article_no=None,
                    item_no=None, clause_no=None, heading=None, start=start, end=start, marker=None,
                    label=label, depth=0)
        w.clauses(pre, preamble_lines, label)

    for no in sorted(parts):
        p = parts[no]
        pflag = flag(p.get("verified"))
        marker = f"{int_to_cn(no)}、"
        a, b = w.para(f"{marker}{p['heading']}")
        own = f"第{int_to_cn(no)}部分 {p['heading']}"
        part = w.add(id=f"{doc_id}#part_{no}", kind="part", parent=None, part_no=no, article_no=None,
                     item_no=None, clause_no=None, heading=str(p["heading"]), start=a, end=b,
                     marker=marker, label=own + labels.verified_tag(pflag), depth=0)
        w.verified[part.id] = pflag
        if no == goals_part and stage_goals:
            lines = [(_stage_goal_line(g), flag(g.get("verified"))) for g in stage_goals]
            if data.get("phasing"):
                lines.append(("阶段安排：" + "，".join(f"“{k}”{v}" for k, v in data["phasing"].items()) + "。",
                              None))
            w.clauses(part, lines, own + labels.verified_tag(pflag))
        for art in (x for x in articles if int(x.get("part", 0)) == no):
            n = _no(art)
            aflag = flag(art.get("verified"))
            amarker = f"（{int_to_cn(n)}）"
            a, b = w.para(f"{amarker}{art['heading']}")
            aown = f"{own} / {amarker}{art['heading']}"
            article = w.add(id=f"{part.id}__art_{n}", kind="article", parent=part.id, part_no=no,
                            article_no=n, item_no=None, clause_no=None, heading=str(art["heading"]),
                            start=a, end=b, marker=amarker, label=aown + labels.verified_tag(aflag), depth=1)
            w.verified[article.id] = aflag
            article_body(article, art, aown + labels.verified_tag(aflag))

    for task in tasks:
        n = _no(task)
        tflag = flag(task.get("verified"))
        marker = f"主要任务{int_to_cn(n)}"
        a, b = w.para(f"{marker} {task['heading']}")
        own = f"{marker} {task['heading']}"
        node = w.add(id=f"{doc_id}#task_{n}", kind="part", parent=None, part_no=None, article_no=None,
                     item_no=None, clause_no=None, heading=str(task["heading"]), start=a, end=b,
                     marker=marker, label=own + labels.verified_tag(tflag), depth=0)
        w.verified[node.id] = tflag
        article_body(node, task, own + labels.verified_tag(tflag))

    if not w.provisions:
        raise CorpusError(f"{name}: the outline has no parts:, articles: or main_tasks:; add them")
    provisions = w.finish()
    text = w.text

    known_meta = {k: v for k, v in meta.items() if k not in ("id", "level", "source", "title")}
    doc_meta = {
        "outline": True,
        "outline_notice": OUTLINE_NOTICE,
        "verified": w.verified,
        "date_issued": _str(data.get("date_issued")),
        "date_published": _str(data.get("date_published")),
        "official_url": data.get("official_url"),
        "official_url_verified": flag(data.get("official_url_verified")) if data.get("official_url") else None,
        "shape": data.get("shape"),
        "title_variants": list(data.get("title_variants") or []),
        "upstream": list(data.get("upstream") or []),
        "stage_goals": [{k: _str(v) if isinstance(v, _date) else v for k, v in g.items()} for g in stage_goals],
        "phasing": data.get("phasing"),
        "notes": {k: data[k] for k in ("responsible_bodies_note", "facts_from_press_conference_not_targets")
                  if data.get(k)},
        **known_meta,
    }
    # Every fact of an outline is the outline file's (its author's) word; none is guessed.
    doc_meta["fields"] = {k: "outline" for k, v in (("title", title), ("doc_number", data.get("doc_number")),
                                                      ("issuer", issuer), ("date", data.get("date_issued")),
                                                      ("level", level)) if v}
    doc_meta["guessed"] = []
    document = Document(
        id=doc_id, title=title, doc_number=data.get("doc_number"), issuer=issuer,
        date=_str(data.get("date_issued")), level=level, status="outline",
        source=str(meta.get("source") or name.rsplit("/", 1)[-1]), text=text,
        body_start=body_start, body_end=len(text),
        parts=sum(p.kind == "part" for p in provisions),
        articles=sum(p.kind == "article" for p in provisions),
        clauses=sum(p.kind == "clause" for p in provisions),
        meta=doc_meta,
    )
    return ParsedDocument(document, provisions, targets=targets)
