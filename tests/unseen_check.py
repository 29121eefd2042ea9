"""Check the unseen-document fixtures against what a careful reader expects of them.

``tests/fixtures/unseen/expectations.yaml`` says, per fixture, what the parse, the citations,
the tasks, the targets, search and trace should give (written before the fixtures were first
run). ``check_all(kb)`` compares a built KB with it and returns one ``Result`` per expectation;
``tests/test_unseen.py`` asserts on them, and running this file prints the report:

    python tests/unseen_check.py            # builds a temporary KB: corpus/ + the fixtures
    python tests/unseen_check.py --failed   # only the expectations not met
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
UNSEEN = Path(__file__).resolve().parent / "fixtures" / "unseen"
EXPECTATIONS = UNSEEN / "expectations.yaml"


@dataclass
class Result:
    doc: str
    check: str
    ok: bool
    detail: str = ""


def load() -> list[dict]:
    return yaml.safe_load(EXPECTATIONS.read_text(encoding="utf-8"))["documents"]


def fixture_files() -> list[Path]:
    return [UNSEEN / e["file"] for e in load()]


def make_corpus(dest: Path) -> Path:
    """corpus/ (the seed and the outlines) plus every fixture, in ``dest``."""
    shutil.copytree(ROOT / "corpus", dest, ignore=shutil.ignore_patterns("replaced"))
    for f in fixture_files():
        shutil.copyfile(f, dest / f.name)
    return dest


def _canon(name: str) -> str:
    from kb.names import canonical_name

    return canonical_name(name)


def _squash(s: str | None) -> str:
    return re.sub(r"[\s《》]+", "", s or "")


def _task_checks(doc_id: str, exp: dict, tasks, clause_text: dict) -> list[Result]:
    out = []
    anchor = exp["anchor"]
    pool = [t for t in tasks if (exp.get("where") != "annex" or "annex_" in t.clause_id)
            and ("under" not in exp or t.clause_id.split("#", 1)[1].startswith(exp["under"] + "__"))]
    cands = [t for t in pool if anchor in t.text]
    if not cands:  # the sentence may have been cut into pieces differently
        cands = [t for t in pool if anchor in clause_text.get(t.clause_id, "")]
    name = f"task «{anchor}»" + (" (annex)" if exp.get("where") == "annex" else "") + (
        f" (under {exp['under']})" if "under" in exp else "")
    out.append(Result(doc_id, name, bool(cands), "" if cands else "no task"))
    if not cands:
        for key in ("lead", "support", "responsible", "named", "recipient", "year", "month", "recurring"):
            if key in exp:
                out.append(Result(doc_id, f"{name} {key}", False, "no task"))
        return out

    def names(t, roles):
        return {_canon(p.name) for p in t.parties if p.source == "explicit" and p.role in roles}

    roles = {"lead": ("lead",), "support": ("support",), "responsible": ("lead", "owner"),
             "named": ("lead", "owner", "support", "recipient"), "recipient": ("recipient",)}
    for key, rs in roles.items():
        if key not in exp:
            continue
        want = {_canon(n) for n in exp[key]}
        ok = any(want <= names(t, rs) for t in cands)
        got = "; ".join(", ".join(sorted(names(t, rs))) or "-" for t in cands)
        out.append(Result(doc_id, f"{name} {key}", ok, "" if ok else f"want {sorted(want)}, got {got}"))
    for key in ("year", "month", "recurring"):
        if key not in exp:
            continue
        want = exp[key]

        def value(t):
            d = t.deadline
            if d is None or d.source != "explicit":
                return None
            return getattr(d, key)

        ok = any(value(t) == want for t in cands)
        got = ", ".join(str(value(t)) for t in cands)
        out.append(Result(doc_id, f"{name} {key}", ok, "" if ok else f"want {want}, got {got}"))
    return out


def _target_ok(t, exp: dict) -> bool:
    if exp["indicator"] not in t.indicator:
        return False
    if "value" in exp:
        v = exp["value"]
        if isinstance(v, (int, float)):
            if not isinstance(t.value, (int, float)) or abs(float(t.value) - v) > 1e-9:
                return False
        elif str(t.value) != str(v):
            return False
    for key in ("unit", "qualifier", "year"):
        if key in exp and getattr(t, key) != exp[key]:
            return False
    return True


def check_document(kb, exp: dict) -> list[Result]:
    doc_id = exp["id"]
    out: list[Result] = []
    try:
        doc = kb.document(doc_id)
    except Exception as e:  # noqa: BLE001 - reported as a failed expectation
        return [Result(doc_id, "document in the KB", False, str(e))]
    out.append(Result(doc_id, "document in the KB", True))
    for key, want in (exp.get("meta") or {}).items():
        got = list(doc.recipients) if key == "recipients" else getattr(doc, key)
        out.append(Result(doc_id, f"meta {key}", got == want, "" if got == want else f"want {want!r}, got {got!r}"))
    if "notice_title" in exp:
        got = doc.meta.get("notice_title")
        out.append(Result(doc_id, "notice_title", got == exp["notice_title"], f"got {got!r}"))
    if "warning" in exp:
        ok = any(exp["warning"] in w for w in doc.warnings)
        out.append(Result(doc_id, f"warning «{exp['warning']}»", ok, "" if ok else f"got {list(doc.warnings)}"))

    provs = kb.provisions(doc_id)
    by_id = {p.id.split("#", 1)[1]: p for p in provs}
    main = [p for p in provs if "annex_" not in p.id]
    for kind, want in (exp.get("counts") or {}).items():
        got = sum(p.kind == kind for p in main)
        out.append(Result(doc_id, f"count {kind}", got == want, "" if got == want else f"want {want}, got {got}"))
    if "annexes" in exp:
        got = sum(1 for p in provs if p.kind == "part" and re.search(r"#annex_\d+$", p.id))
        out.append(Result(doc_id, "count annexes", got == exp["annexes"], f"got {got}"))
    if "min_items" in exp:
        got = sum(p.kind == "item" for p in provs)
        out.append(Result(doc_id, f"at least {exp['min_items']} items", got >= exp["min_items"], f"got {got}"))
    for pid in exp.get("ids") or []:
        out.append(Result(doc_id, f"id {pid}", pid in by_id, "" if pid in by_id else "missing"))
    for pid, subs in (exp.get("contains") or {}).items():
        text = by_id[pid].text if pid in by_id else ""
        for s in subs:
            out.append(Result(doc_id, f"{pid} contains «{s}»", s in text, "" if s in text else "not in it"))
    for s in exp.get("absent") or []:
        out.append(Result(doc_id, f"absent «{s}»", s not in doc.text, "" if s not in doc.text else "present"))
    for s in exp.get("outside") or []:
        inside = [p.id for p in provs if p.kind in ("part", "article", "item", "clause")
                  and s in p.text and "#closing" not in p.id]
        out.append(Result(doc_id, f"outside «{s}»", not inside, "" if not inside else f"in {inside[0]}"))

    cites = kb.citations(doc_id)
    for c in exp.get("cites") or []:
        hits = [x for x in cites
                if ("title" not in c or _squash(x.title) == _squash(c["title"]))
                and ("doc_number" not in c or x.doc_number == c["doc_number"])
                and ("text" not in c or c["text"] in x.text)]
        label = c.get("title") or c.get("doc_number") or c.get("text")
        ok = bool(hits) and any(h.resolved_id == c["resolved"] for h in hits)
        detail = "not found" if not hits else f"resolved {[h.resolved_id for h in hits]}"
        out.append(Result(doc_id, f"cite «{label}» → {c['resolved']}", ok, "" if ok else detail))

    tasks = kb.tasks(doc=doc_id)
    clause_text = {p.id: p.text for p in provs if p.kind == "clause"}
    for t in exp.get("tasks") or []:
        out.extend(_task_checks(doc_id, t, tasks, clause_text))
    for anchor in exp.get("no_deadline") or []:
        bad = [t for t in tasks if anchor in clause_text.get(t.clause_id, "") and t.deadline
               and t.deadline.source == "explicit" and t.deadline.year]
        out.append(Result(doc_id, f"no deadline in «{anchor}»", not bad,
                          "" if not bad else f"deadline {bad[0].deadline.text}"))

    targets = kb.targets(doc=doc_id)
    for t in exp.get("targets") or []:
        ok = any(_target_ok(x, t) for x in targets)
        near = [f"{x.indicator}|{x.value}|{x.unit}|{x.qualifier}|{x.year}" for x in targets
                if t["indicator"][:2] in x.indicator or t["indicator"][-2:] in x.indicator]
        label = "/".join(str(t.get(k)) for k in ("indicator", "value", "unit", "qualifier", "year") if k in t)
        out.append(Result(doc_id, f"target {label}", ok, "" if ok else f"near: {near[:3]}"))
    for v in exp.get("not_targets") or []:
        bad = [x for x in targets if isinstance(x.value, (int, float)) and float(x.value) == v]
        out.append(Result(doc_id, f"not a target: {v}", not bad, "" if not bad else bad[0].text))

    for s in exp.get("search") or []:
        res = kb.search(s["q"], limit=s["top"])
        got = [h.doc_id for h in res.hits]
        out.append(Result(doc_id, f"search «{s['q']}» top {s['top']}", doc_id in got, f"got {got}"))
    for tr in exp.get("trace") or []:
        pid = f"{doc_id}#{tr['id']}"
        try:
            ups = [u["id"] for u in kb.trace(pid)["upstream"]][: tr["top"]]
        except Exception as e:  # noqa: BLE001
            ups = [f"error: {e}"]
        ok = tr["upstream"] in ups
        out.append(Result(doc_id, f"trace {tr['id']} → {tr['upstream']}", ok, "" if ok else f"got {ups}"))
    return out


def check_all(kb) -> list[Result]:
    return [r for exp in load() for r in check_document(kb, exp)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", help="check an already built KB in this data directory")
    ap.add_argument("--failed", action="store_true", help="print only the expectations not met")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from kb import open_kb

    if args.home:
        results = check_all(open_kb(args.home))
    else:
        from indexer.build import build

        with tempfile.TemporaryDirectory(prefix="unseen-") as tmp:
            corpus = make_corpus(Path(tmp) / "corpus")
            home = Path(tmp) / "home"
            build(corpus, home, progress=None)
            results = check_all(open_kb(home))
    per_doc: dict[str, list[Result]] = {}
    for r in results:
        per_doc.setdefault(r.doc, []).append(r)
        if not r.ok or not args.failed:
            print(f"{'ok  ' if r.ok else 'FAIL'} {r.doc}: {r.check}" + (f"  — {r.detail}" if r.detail and not r.ok else ""))
    print()
    for d, rs in per_doc.items():
        print(f"{d}: {sum(r.ok for r in rs)}/{len(rs)}")
    print(f"total: {sum(r.ok for r in results)}/{len(results)} expectations met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
