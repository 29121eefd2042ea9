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
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import GoldError
from kb.names import canonical_name

PARTY_FIELDS = ("lead", "support", "owner", "recipient")
FIELDS = ("task", *PARTY_FIELDS, "deadline_year", "deadline_month", "recurring", "targets", "target_values",
          "surface", "anaphora", "resolved")


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

    def as_dict(self) -> dict:
        return {"gold": self.gold, "documents": self.documents, "clauses": self.clauses,
                "fields": {k: v.as_dict() for k, v in self.scores.items()},
                "disagreements": self.disagreements}


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
        if not isinstance(obj, dict) or not obj.get("source") or not obj.get("anchor"):
            raise GoldError(f"{path}:{i}: a gold line needs \"source\" and \"anchor\"")
        obj["_line"] = i
        out.append(obj)
    if not out:
        raise GoldError(f"{path}: no labelled clauses in the file")
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
    return (value, get("unit"), get("qualifier"), get("year"))


def _match_targets(pred: list, gold: list[dict], full: bool) -> tuple[int, int, int]:
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
            if same and (gi in pi or pi in gi):
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
        if pos < 0:
            raise GoldError(f"{gold_name}:{g['_line']}: anchor '{g['anchor']}' is not in {g['source']}; "
                            "fix the anchor (it must be a piece of the clause's text)")
        clause = next((c for c in pd.provisions if c.kind == "clause" and c.start <= pos < c.end), None)
        if clause is None:
            raise GoldError(f"{gold_name}:{g['_line']}: anchor '{g['anchor']}' is not inside a clause")
        tasks = [t for t in pd.tasks if t.clause_id == clause.id]
        targets = [t for t in pd.targets if t.clause_id == clause.id]
        explicit = [d for d in (t.deadline for t in tasks) if d and d.source == "explicit"]
        pred = {
            "task": {True} if tasks else set(),
            "deadline_year": {d.year for d in explicit if d.year},
            "deadline_month": {(d.year, d.month) for d in explicit if d.month},
            "recurring": {d.recurring for d in explicit if d.recurring},
        }
        for role in PARTY_FIELDS:
            pred[role] = {canonical_name(p.name) for t in tasks for p in t.parties
                          if p.role == role and p.source == "explicit"}
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
        if labelled_roles:
            want["surface"] = {(r, n) for r in labelled_roles for n in g[r]}
        if "resolved" in g:
            want["resolved"] = {(r, n) for r, n in g["resolved"]}
        if "anaphora" in g:
            want["anaphora"] = {_reference_key(a, n) for a, n in g["anaphora"]}
        if "deadline" in g:
            dl = [tuple(x) + (None,) * (2 - len(x)) for x in g["deadline"]]
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
            for f, full in (("targets", True), ("target_values", False)):
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

    gold = read_gold(gold_path)
    parsed = {}
    for src in dict.fromkeys(g["source"] for g in gold):
        path = resolve_source(src, gold_path)
        sidecar = path.with_name(path.stem + SIDECAR)
        parsed[src] = parse_file(path, read_sidecar(sidecar) if sidecar.exists() else None)
    return evaluate(gold, parsed, str(gold_path))
