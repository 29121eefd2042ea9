"""Precision and recall of task extraction against hand-labelled clauses (``policykb eval-extract``).

A gold file is JSON Lines, one labelled clause a line::

    {"source": "tests/fixtures/county-plan.txt", "anchor": "2025年底前，完成全县12家",
     "task": true, "lead": ["县生态环境局"], "support": ["县工业和信息化局", "各镇人民政府"],
     "owner": [], "recipient": [], "deadline": [[2025, 12]], "recurring": ["每季度"],
     "targets": [{"indicator": "重点企业挥发性有机物综合治理", "value": 12, "unit": "家",
                  "qualifier": null, "year": 2025}]}

``anchor`` is a piece of the clause's text (unique in the document), so labels
survive changes of provision ids. Omitted fields are not scored for that
clause. Parties are compared by canonical name (市发改委 = 市发展改革委) and
only explicit parties of the prediction count: an inference is not a reading
of the text. ``deadline`` lists [year, month or null] of the clause's stated
deadlines; ``deadline_year`` and ``deadline_month`` are scored from it.

Per field the scores are micro-averaged over clauses: true positives are
items in both the predicted and the gold set of a clause. ``agreement`` is the
share of clauses whose predicted set equals the gold set (empty sets count,
so a field that is rightly empty everywhere still shows).

Three fields measure what issue 13 measured on real documents:

* ``responsible`` — the explicit responsible units in any role (lead, support or owner),
  scored on every clause that labels all three role fields: a unit given the wrong role
  still counts here, and only here.
* ``deadline`` — the stated deadlines as (year, month) pairs (month null when the text
  gives a year only), from the ``deadline`` list.
* ``target_indicators`` — targets whose indicator names the right quantity *and* whose value
  and unit match (qualifier and year not compared; ``targets`` compares those too). An
  indicator is right when it equals the gold one or one contains the other with at most
  two characters more (全区PM2.5年均浓度 = PM2.5年均浓度; 城区和镇区燃气普及率 ≠
  城区燃气普及率), the year a change is measured from left out of both (能耗较2020年下降 =
  能耗下降); units written out equal units with a slash (毫克每立方米 = 毫克/立方米).

Three fields check what the user sees rather than what the body is:

* ``surface`` — (role, name) of the explicit parties **as written**, without
  alias normalisation: a text that says 县水务局 must show 县水务局, not the
  canonical 县水利局. Scored on every clause that labels a party field, from
  the same lists (gold names are written as the text writes them).
* ``anaphora`` — the words standing for a body named before (该局, 其,
  上述部门, 各责任单位 …) with what they were resolved to::

      "anaphora": [["该局", ["县水务局"]], ["其", null]]

  ``null`` means the reference must stay unresolved (ambiguous, or no
  antecedent in the article/item). Compared as (word, sorted names as written).
* ``resolved`` — [role, name as written] of the parties a task gets through a
  resolved reference (``source: "resolved"``) that the clause does not already
  name explicitly in a responsible role.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexer.extract.targets import normalise_unit
from kb.errors import GoldError, PolicyKBError
from kb.names import canonical_name

PARTY_FIELDS = ("lead", "support", "owner", "recipient")
RESPONSIBLE_ROLES = ("lead", "support", "owner")
FIELDS = ("task", *PARTY_FIELDS, "responsible", "deadline", "deadline_year", "deadline_month", "recurring",
          "targets", "target_values", "target_indicators", "surface", "anaphora", "resolved")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    clauses: int = 0
    agree: int = 0

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        rnd = (lambda x: None if x is None else round(x, 3))
        return {"precision": rnd(p), "recall": rnd(r), "f1": rnd(f), "tp": self.tp, "fp": self.fp,
                "fn": self.fn, "clauses": self.clauses,
                "agreement": rnd(self.agree / self.clauses) if self.clauses else None}


@dataclass
class Result:
    gold: str
    documents: list[str]
    clauses: int
    scores: dict = field(default_factory=dict)
    disagreements: list[dict] = field(default_factory=list)
    facts: DocFactsResult | None = None  # document-level fields, when the gold file labels documents

    def as_dict(self) -> dict:
        out = {"gold": self.gold, "documents": self.documents, "clauses": self.clauses,
               "fields": {k: v.as_dict() for k, v in self.scores.items()},
               "disagreements": self.disagreements}
        if self.facts is not None:
            out.update(self.facts.as_dict())
            out["disagreements"] = out["disagreements"] + self.facts.disagreements
        return out


def read_gold(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise GoldError(f"{path}: no such gold file; give the path of a .jsonl file such as "
                        "eval/extract_gold.jsonl") from None
    except UnicodeDecodeError:
        raise GoldError(f"{path}: not UTF-8 text; save the gold file as UTF-8") from None
    out = []
    for i, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(f"{path}:{i}: not valid JSON ({e.msg}); one JSON object per line") from None
        if isinstance(obj, dict) and obj.get("doc"):
            check_doc_gold(obj, path, i)  # a document's facts (see "Document facts" below)
        elif not isinstance(obj, dict) or not obj.get("source") or not obj.get("anchor"):
            raise GoldError(f"{path}:{i}: a gold line needs \"source\" and \"anchor\" (a clause) "
                            "or \"doc\" (a document's facts)")
        obj["_line"] = i
        out.append(obj)
    if not out:
        raise GoldError(f"{path}: no labelled clauses or documents in the file")
    return out


def resolve_source(source: str, gold_path: Path) -> Path:
    for base in (Path.cwd(), gold_path.parent, gold_path.parent.parent):
        p = (base / source)
        if p.exists():
            return p
    raise GoldError(f"{gold_path}: source '{source}' not found (looked in the current folder and next "
                    "to the gold file); run from the project folder")


def _target_key(t) -> tuple:
    value = t["value"] if isinstance(t, dict) else t.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    get = (lambda k: t.get(k)) if isinstance(t, dict) else (lambda k: getattr(t, k))
    # 毫克每立方米 as written in the gold is the 毫克/立方米 the extractor writes: one unit
    return (value, normalise_unit(get("unit")), get("qualifier"), get("year"))


# The year a change is measured from (能耗较2020年下降): a time, no part of the quantity's name.
_BASE_YEAR = re.compile(r"(?:较|比|相比|与)(?:(?:19|20)\d{2}年|上年|上一年|去年)(?:相比)?")


def same_indicator(gold: str, pred: str) -> bool:
    """The right quantity: equal, or one inside the other with at most two characters more, the
    year a change is measured from left out (能耗较2020年下降 = 能耗下降 ≈ 能耗)."""
    a, b = (_BASE_YEAR.sub("", x or "").replace(" ", "") for x in (gold, pred))
    return a == b or ((a in b or b in a) and abs(len(a) - len(b)) <= 2)


def _match_targets(pred: list, gold: list[dict], full: bool | None) -> tuple[int, int, int]:
    """(tp, fp, fn): ``full`` compares value, unit, qualifier and year, False value and unit (the
    indicator loosely: one inside the other), None value and unit with ``same_indicator``."""
    used = set()
    tp = 0
    for g in gold:
        gk = _target_key(g)
        for i, p in enumerate(pred):
            if i in used:
                continue
            pk = _target_key(p)
            same = pk == gk if full else pk[:2] == gk[:2]
            gi, pi = g.get("indicator", ""), p.indicator
            right = same_indicator(gi, pi) if full is None else (gi in pi or pi in gi)
            if same and right:
                used.add(i)
                tp += 1
                break
    return tp, len(pred) - tp, len(gold) - tp


def _reference_key(word: str, names) -> tuple:
    return (word, None if names is None else tuple(sorted(names)))


def evaluate(gold: list[dict], parsed: dict, gold_name: str = "") -> Result:
    """Score ``parsed`` (source → ParsedDocument) against ``gold`` (lines of a gold file)."""
    result = Result(gold_name, sorted({pd.document.id for pd in parsed.values()}), len(gold),
                    {f: Score() for f in FIELDS})
    for g in gold:
        pd = parsed[g["source"]]
        text = pd.document.text
        pos = text.find(g["anchor"])
        if pos < 0:  # an anchor copied from a table pasted with spaces, which reads as ｜ rows
            pos = text.find(re.sub(r"\s+", "｜", g["anchor"].strip()))
        if pos < 0:
            raise GoldError(f"{gold_name}:{g['_line']}: anchor '{g['anchor']}' is not in {g['source']}; "
                            "fix the anchor (it must be a piece of the clause's text)")
        clause = next((c for c in pd.provisions if c.kind == "clause" and c.start <= pos < c.end), None)
        if clause is None:
            # A heading (or a line the parser kept out of every clause): the gold says what the
            # sentence holds; the prediction is what the extractor made of it — nothing.
            clause = min((p for p in pd.provisions if p.start <= pos < p.end), key=lambda p: p.end - p.start,
                         default=None)
            if clause is None:
                raise GoldError(f"{gold_name}:{g['_line']}: anchor '{g['anchor']}' is outside the document's body")
            tasks, targets = [], []
        else:
            tasks = [t for t in pd.tasks if t.clause_id == clause.id]
            targets = [t for t in pd.targets if t.clause_id == clause.id]
        explicit = [d for d in (t.deadline for t in tasks) if d and d.source == "explicit"]
        # a year taken from the document (全年…) is shown as inferred: it is no written deadline
        written = [d for d in explicit if not d.year_inferred]
        pred = {
            "task": {True} if tasks else set(),
            "deadline_year": {d.year for d in written if d.year},
            "deadline_month": {(d.year, d.month) for d in written if d.month},
            "recurring": {d.recurring for d in explicit if d.recurring},
        }
        for role in PARTY_FIELDS:
            # what the text names: a generic name (生态环境部门) counts as written, not as the body
            # the issuer was inferred to mean by it (p.key, kb.names.generic_body)
            pred[role] = {canonical_name(p.name if p.canonical_inferred else p.key) for t in tasks for p in t.parties
                          if p.role == role and p.source == "explicit"}
        pred["responsible"] = set().union(*(pred[r] for r in RESPONSIBLE_ROLES))
        pred["deadline"] = {(d.year, d.month) for d in written if d.year}
        labelled_roles = [r for r in PARTY_FIELDS if r in g]
        pred["surface"] = {(p.role, p.name) for t in tasks for p in t.parties
                           if p.role in labelled_roles and p.source == "explicit"}
        pred["resolved"] = {(p.role, p.name) for t in tasks for p in t.parties if p.source == "resolved"}
        pred["anaphora"] = {_reference_key(r.text, r.antecedents if r.status == "resolved" else None)
                            for t in tasks for r in getattr(t, "references", ())}
        want = {}
        if "task" in g:
            want["task"] = {True} if g["task"] else set()
        for role in PARTY_FIELDS:
            if role in g:
                want[role] = {canonical_name(n) for n in g[role]}
        if all(r in g for r in RESPONSIBLE_ROLES):
            want["responsible"] = set().union(*(want[r] for r in RESPONSIBLE_ROLES))
        if labelled_roles:
            want["surface"] = {(r, n) for r in labelled_roles for n in g[r]}
        if "resolved" in g:
            want["resolved"] = {(r, n) for r, n in g["resolved"]}
        if "anaphora" in g:
            want["anaphora"] = {_reference_key(a, n) for a, n in g["anaphora"]}
        if "deadline" in g:
            dl = [tuple(x) + (None,) * (2 - len(x)) for x in g["deadline"]]
            want["deadline"] = {(y, m) for y, m in dl if y}
            want["deadline_year"] = {y for y, _ in dl if y}
            want["deadline_month"] = {(y, m) for y, m in dl if m}
        if "recurring" in g:
            want["recurring"] = set(g["recurring"])
        for f, w in want.items():
            s = result.scores[f]
            p = pred[f]
            s.tp += len(p & w)
            s.fp += len(p - w)
            s.fn += len(w - p)
            s.clauses += 1
            s.agree += p == w
            if p != w:
                result.disagreements.append({"anchor": g["anchor"], "clause_id": clause.id, "field": f,
                                             "gold": sorted(map(str, w)), "predicted": sorted(map(str, p))})
        if "targets" in g:
            for f, full in (("targets", True), ("target_values", False), ("target_indicators", None)):
                tp, fp, fn = _match_targets(targets, g["targets"], full)
                s = result.scores[f]
                s.tp, s.fp, s.fn, s.clauses = s.tp + tp, s.fp + fp, s.fn + fn, s.clauses + 1
                s.agree += fp == 0 and fn == 0
                if (fp or fn) and full:
                    result.disagreements.append({
                        "anchor": g["anchor"], "clause_id": clause.id, "field": f,
                        "gold": [json.dumps(x, ensure_ascii=False) for x in g["targets"]],
                        "predicted": [json.dumps({"indicator": t.indicator, "value": t.value, "unit": t.unit,
                                                  "qualifier": t.qualifier, "year": t.year},
                                                 ensure_ascii=False) for t in targets]})
    return result


def run(gold_path: Path) -> Result:
    """Read a gold file, parse every source it names, score."""
    from indexer.corpus import SIDECAR, read_sidecar
    from indexer.pipeline import parse_file

    records = read_gold(gold_path)
    gold = [g for g in records if not g.get("doc")]
    doc_gold = [g for g in records if g.get("doc")]
    parsed, unreadable = {}, {}
    clause_sources = set(g["source"] for g in gold)
    for src in dict.fromkeys([g["source"] for g in gold] + [g["doc"] for g in doc_gold]):
        path = resolve_source(src, gold_path)
        sidecar = path.with_name(path.stem + SIDECAR)
        try:
            parsed[src] = parse_file(path, read_sidecar(sidecar) if sidecar.exists() else None)
        except PolicyKBError as e:
            if src in clause_sources:
                raise
            unreadable[src] = str(e)  # a document the reader refuses: every labelled fact is missed
    result = evaluate(gold, {k: parsed[k] for k in dict.fromkeys(g["source"] for g in gold)}, str(gold_path))
    if doc_gold:
        result.facts = evaluate_facts(doc_gold, parsed, str(gold_path), unreadable)
        result.documents = sorted({*result.documents, *(pd.document.id for pd in parsed.values())})
    return result


# ---------------------------------------------------------------------------
# Document facts: title, 文号, issuer, date, level
# ---------------------------------------------------------------------------
#
# A gold line with "doc" labels a whole document (it may share a file with clause lines)::
#
#     {"doc": "tests/fixtures/doc_facts/d01-chengxi-notice-plan.txt",
#      "title": "澄溪县农村生活垃圾分类治理提升实施方案", "doc_number": "澄政办发〔2025〕14号",
#      "issuer": "澄溪县人民政府办公室", "date": "2025-04-18", "level": "county"}
#
# ``doc_number: null`` says the document has no 文号 of its own (a predicted one is then a false
# positive); an omitted field is not scored. Per field and document: a predicted value equal to
# the gold one is a true positive; a different predicted value is a false positive (and, when the
# gold has a value, a false negative too); no predicted value where gold has one is a false
# negative. Titles compare without spaces, 《》 and quotes; joint issuers (separated by spaces or
# 、) compare as sets. ``own_number_citations`` counts citations whose 文号 is the document's own
# (gold) 文号: a document never cites itself. ``guessed`` counts the fields a document shows
# as a fallback (``Document.meta["guessed"]``), right or wrong.

DOC_FACT_FIELDS = ("title", "doc_number", "issuer", "date", "level")


@dataclass
class DocFactsResult:
    documents: int
    scores: dict = field(default_factory=dict)
    own_number_citations: int = 0
    guessed: dict = field(default_factory=dict)  # field → documents whose value is a fallback
    unreadable: dict = field(default_factory=dict)  # doc → the reader's error
    disagreements: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"documents_labelled": self.documents,
                "document_fields": {k: v.as_dict() for k, v in self.scores.items()},
                "own_number_citations": self.own_number_citations, "guessed": self.guessed,
                "unreadable": self.unreadable}


def check_doc_gold(obj: dict, path: Path, line: int) -> None:
    unknown = set(obj) - {"doc", *DOC_FACT_FIELDS}
    if unknown:
        raise GoldError(f"{path}:{line}: unknown document field(s) {', '.join(sorted(unknown))}; "
                        f"use {', '.join(DOC_FACT_FIELDS)}")


def _fact_key(name: str, value):
    if value in (None, "", [], ()):
        return None
    if name == "issuer":
        names = value if isinstance(value, (list, tuple)) else re.split(r"[\s、，,]+", str(value))
        return frozenset(n for n in names if n)
    if name == "title":
        return re.sub(r"[\s《》〈〉“”\"]+", "", str(value))
    return re.sub(r"\s+", "", str(value))


def evaluate_facts(gold: list[dict], parsed: dict, gold_name: str = "",
                   unreadable: dict | None = None) -> DocFactsResult:
    """Score the document-level facts of ``parsed`` (source → ParsedDocument) against ``gold``;
    a document in ``unreadable`` (source → error) misses every fact it is labelled with."""
    from kb.models import Document

    unreadable = unreadable or {}
    result = DocFactsResult(len(gold), {f: Score() for f in DOC_FACT_FIELDS},
                            guessed={f: 0 for f in DOC_FACT_FIELDS}, unreadable=dict(unreadable))
    for g in gold:
        pd = parsed.get(g["doc"])
        d = pd.document if pd else Document(g["doc"], "", None, "", None, "", "full", g["doc"])
        d = replace(d, title=d.title or None, issuer=d.issuer or None, level=d.level or None)
        guessed = set((d.meta or {}).get("guessed") or ())
        for f in DOC_FACT_FIELDS:
            result.guessed[f] += f in guessed
            if f not in g:
                continue
            want, got = _fact_key(f, g[f]), _fact_key(f, getattr(d, f))
            s = result.scores[f]
            s.clauses += 1
            s.agree += want == got
            if got == want:
                s.tp += got is not None
                continue
            s.fp += got is not None
            s.fn += want is not None
            result.disagreements.append({"anchor": g["doc"], "clause_id": d.id, "field": f,
                                         "gold": [str(g[f])], "predicted": [str(getattr(d, f))]})
        own = _fact_key("doc_number", g.get("doc_number"))
        if own:
            result.own_number_citations += sum(
                _fact_key("doc_number", c.doc_number) == own for c in (pd.citations if pd else ()))
    return result
