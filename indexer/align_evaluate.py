"""Measuring and calibrating alignment on labelled pairs (``eval/align_gold.tsv``).

The label file has one line per labelled downstream provision::

    source_id <TAB> target_doc <TAB> article_no:grade,article_no:grade …

``evaluate`` reads the links a build stored (what ``policykb trace`` shows) and
reports top-1 / top-3 accuracy: a provision counts as right at k when one of
its k best upstream articles in ``target_doc`` is labelled.

``evaluate_corpus`` judges every strong (≥ 0.6) aligned link of a multi-document
KB against a pair file (``eval/align_multi_pairs.tsv``: the document pairs that
can be upstream; every other pair cannot): strong links across a pair that
cannot be upstream are errors whatever their article; the others are right when
the label of their source (its own, or its article's) names the target article.

``calibrate`` fits the logistic model of ``indexer.align`` on every candidate pair
of the labelled provisions (labelled = 1, others = 0) — with a pair file, also on
negatives *across documents*: the best-matching articles of every higher-level
document that cannot be the provision's upstream — and reports a two-fold
cross-validated top-1 alongside, so the in-sample figure is not the only one.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

from kb.errors import InputError
from indexer import align


@dataclass
class Label:
    source_id: str
    target_doc: str
    grades: dict[int, int]  # upstream article_no → grade


STRONG = 0.6


def read_pairs(path: Path) -> set[tuple[str, str]]:
    """(downstream doc, upstream doc) pairs that can be upstream."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(f"{path}: cannot read the pair file ({e.strerror}); check the path") from None
    out = set()
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise InputError(f"{path}:{n}: expected 'downstream_doc<TAB>upstream_doc<TAB>why'")
        out.add((cols[0], cols[1]))
    return out


def read_labels(path: Path) -> list[Label]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(f"{path}: cannot read the label file ({e.strerror}); check the path") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        try:
            grades = {int(a): int(g) for a, g in (x.split(":") for x in cols[2].split(","))}
        except (IndexError, ValueError):
            raise InputError(f"{path}:{n}: expected 'source_id<TAB>target_doc<TAB>article:grade,…'") from None
        out.append(Label(cols[0], cols[1], grades))
    if not out:
        raise InputError(f"{path}: no labels found; see eval/align_gold.tsv for the format")
    return out


def _article_no(kb, provision_id: str) -> int | None:
    if "#" not in provision_id:
        return None
    p = kb.provision(provision_id)
    if p.article_no is not None:
        return p.article_no
    return _unit_number(p)


def _unit_number(p) -> int | None:
    """Articles are numbered by article_no; units of article-less documents by their own number."""
    if p.article_no is not None:
        return p.article_no
    tail = p.id.rsplit("__", 1)[-1].rsplit("#", 1)[-1]
    digits = tail.rsplit("_", 1)[-1]
    return int(digits) if digits.isdigit() else None


def evaluate(kb, labels: list[Label]) -> dict:
    """Top-1/top-3 accuracy of the stored links, for articles and for clauses."""
    groups: dict[str, list[bool]] = {"article@1": [], "article@3": [], "clause@1": [], "clause@3": []}
    misses = []
    for lab in labels:
        rows = kb.reader.query(
            "SELECT target_id, score FROM links WHERE source_id = ? AND kind = 'aligned' "
            "AND target_id LIKE ? ORDER BY score DESC", (lab.source_id, lab.target_doc + "#%"))
        ranked: list[int] = []
        for target_id, _score in rows:
            no = _article_no(kb, target_id)
            if no is not None and no not in ranked:
                ranked.append(no)
        kind = "clause" if "__cl_" in lab.source_id else "article"
        top1 = bool(ranked[:1]) and ranked[0] in lab.grades
        top3 = any(r in lab.grades for r in ranked[:3])
        groups[f"{kind}@1"].append(top1)
        groups[f"{kind}@3"].append(top3)
        if not top1:
            misses.append({"source_id": lab.source_id, "target_doc": lab.target_doc,
                           "expected": sorted(lab.grades), "got": ranked[:3]})
    out = {k: round(sum(v) / len(v), 4) if v else None for k, v in groups.items()}
    return {"labels": len(labels),
            "articles": len(groups["article@1"]), "clauses": len(groups["clause@1"]),
            "article_top1": out["article@1"], "article_top3": out["article@3"],
            "clause_top1": out["clause@1"], "clause_top3": out["clause@3"],
            "top1": round(sum(groups["article@1"] + groups["clause@1"]) / len(labels), 4),
            "top3": round(sum(groups["article@3"] + groups["clause@3"]) / len(labels), 4),
            "misses": misses}


def _label_for(source_id: str, target_doc: str, labels: dict[tuple[str, str], Label]) -> Label | None:
    """The label of a provision, or of the nearest container of it that is labelled."""
    doc, _, path = source_id.partition("#")
    parts = path.split("__")
    for k in range(len(parts), 0, -1):
        lab = labels.get((f"{doc}#{'__'.join(parts[:k])}", target_doc))
        if lab:
            return lab
    return None


def evaluate_corpus(kb, labels: list[Label], pairs: set[tuple[str, str]], strong: float = STRONG) -> dict:
    """Strong links of the whole KB against the labelled document pairs and articles."""
    by_key = {(lab.source_id, lab.target_doc): lab for lab in labels}
    rows = kb.reader.query("SELECT source_id, target_id, score FROM links WHERE kind = 'aligned' AND score >= ?",
                           (strong,))
    cross, right, wrong, unlabelled = [], 0, [], 0
    linked_pairs: set[tuple[str, str]] = set()
    for source_id, target_id, score in rows:
        sd, td = source_id.split("#", 1)[0], target_id.split("#", 1)[0]
        linked_pairs.add((sd, td))
        if (sd, td) not in pairs:
            cross.append({"source_id": source_id, "target_id": target_id, "score": score})
            continue
        lab = _label_for(source_id, td, by_key)
        if lab is None:
            unlabelled += 1
            continue
        if _article_no(kb, target_id) in lab.grades:
            right += 1
        else:
            wrong.append({"source_id": source_id, "target_id": target_id, "score": score,
                          "expected": sorted(lab.grades)})
    judged = right + len(wrong) + len(cross)
    return {"strong_links": len(rows), "strong_cannot_be_upstream": len(cross),
            "strong_judged": judged, "strong_right": right,
            "strong_precision": round(right / judged, 4) if judged else None,
            "strong_unlabelled": unlabelled,
            "pairs_linked": sorted(f"{a} → {b}" for a, b in linked_pairs if (a, b) in pairs),
            "pairs_missed": sorted(f"{a} → {b}" for a, b in pairs if (a, b) not in linked_pairs),
            "cross_examples": cross[:10], "wrong_examples": wrong[:10]}


# ---------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------


CROSS_NEGATIVES = 3  # best-matching articles taken as negatives from a document that cannot be upstream


def candidate_rows(kb, labels: list[Label], pairs: set[tuple[str, str]] | None = None
                   ) -> list[list[tuple[dict, int, int]]]:
    """Per label: (features, label 0/1, article_no) for every upstream unit of its target document.
    With ``pairs``, one more group per labelled provision and document that passes the
    jurisdiction test (a higher level of its chain, issued earlier) but is not labelled as its
    upstream (another subject): that document's best-matching units, all labelled 0 — the
    candidates the link stage would score if the topic test let the document through."""
    from indexer.jurisdiction import relation

    ups: dict[str, align.Upstream] = {}
    downs: dict[str, tuple[dict[str, align.Unit], align.DownStats]] = {}

    def upstream(doc_id: str) -> align.Upstream:
        if doc_id not in ups:
            inds = align.indicator_map(kb.targets(doc=doc_id))
            ups[doc_id] = align.Upstream.build(doc_id, align.units_of(kb.provisions(doc_id), inds))
        return ups[doc_id]

    def downstream(doc_id: str):
        if doc_id not in downs:
            provisions = kb.provisions(doc_id)
            inds = align.indicator_map(kb.targets(doc=doc_id))
            units = align.units_of(provisions, inds, kinds=("article", "item", "clause"))
            downs[doc_id] = ({u.provision.id: u for u in units}, align.DownStats.of(align.units_of(provisions, inds)))
        return downs[doc_id]

    groups = []
    for lab in labels:
        doc_id = lab.source_id.split("#", 1)[0]
        units, stats = downstream(doc_id)
        unit = units[lab.source_id]
        up = upstream(lab.target_doc)
        rows = []
        for score, i, f in align.rank(unit, up, stats=stats):
            no = _unit_number(up.units[i].provision)
            rows.append((f, int(no in lab.grades), no))
        groups.append(rows)
    if pairs:
        docs = {d.id: d for d in kb.documents()}
        for lab in labels:
            doc_id = lab.source_id.split("#", 1)[0]
            units, stats = downstream(doc_id)
            unit = units[lab.source_id]
            for other, d in docs.items():
                if (doc_id, other) in pairs or not relation(d, docs[doc_id])[0]:
                    continue
                ranked = align.rank(unit, upstream(other), stats=stats)[:CROSS_NEGATIVES]
                if ranked:
                    groups.append([(f, 0, None) for _, _, f in ranked])
    return groups


def fit(groups, l2: float = 0.05, epochs: int = 3000, lr: float = 0.1) -> dict:
    """Logistic regression by batch gradient descent on standardised features."""
    xs = [[f[k] for k in align.FEATURES] for g in groups for f, _, _ in g]
    ys = [y for g in groups for _, y, _ in g]
    n, d = len(xs), len(align.FEATURES)
    mean = [sum(x[j] for x in xs) / n for j in range(d)]
    std = [math.sqrt(sum((x[j] - mean[j]) ** 2 for x in xs) / n) or 1.0 for j in range(d)]
    zs = [[(x[j] - mean[j]) / std[j] for j in range(d)] for x in xs]
    w, b = [0.0] * d, 0.0
    for _ in range(epochs):
        gw, gb = [0.0] * d, 0.0
        for z, y in zip(zs, ys):
            p = 1 / (1 + math.exp(-(b + sum(wj * zj for wj, zj in zip(w, z)))))
            for j in range(d):
                gw[j] += (p - y) * z[j]
            gb += p - y
        w = [wj - lr * (g / n + l2 * wj) for wj, g in zip(w, gw)]
        b -= lr * gb / n
    # back to raw feature units: w·(x-m)/s + b = (w/s)·x + (b - Σ w m / s)
    weights = {k: w[j] / std[j] for j, k in enumerate(align.FEATURES)}
    bias = b - sum(w[j] * mean[j] / std[j] for j in range(d))
    return {"bias": bias, "weights": weights}


def _top1(groups, model) -> float:
    """Top-1 over the groups that hold a labelled link (cross-document negatives have none)."""
    right = n = 0
    for g in groups:
        if not any(r[1] for r in g):
            continue
        n += 1
        right += max(g, key=lambda r: align.probability(r[0], model))[1]
    return right / n if n else 0.0


def reliability(groups, model, bins=(0.0, 0.15, 0.3, 0.6, 1.01)) -> list[dict]:
    """How often candidates in each score band were labelled right (the meaning of the score)."""
    rows = []
    for lo, hi in zip(bins, bins[1:]):
        inside = [r[1] for g in groups for r in g if lo <= align.probability(r[0], model) < hi]
        rows.append({"band": f"{lo:.2f}–{min(hi, 1.0):.2f}", "pairs": len(inside),
                     "labelled_right": round(sum(inside) / len(inside), 3) if inside else None})
    return rows


def calibrate(kb, labels: list[Label], write: Path | None = None,
              pairs: set[tuple[str, str]] | None = None) -> dict:
    groups = candidate_rows(kb, labels, pairs)
    order = list(range(len(groups)))
    random.Random(7).shuffle(order)
    folds = [[groups[i] for i in order[k::2]] for k in range(2)]
    cv = [_top1(folds[1 - k], fit(folds[k])) for k in range(2)]
    model = fit(groups)
    report = {"pairs": sum(map(len, groups)), "labels": len(labels),
              "cross_document_groups": len(groups) - len(labels),
              "in_sample_top1": round(_top1(groups, model), 4),
              "cv2_top1": round(sum(cv) / 2, 4), "model": model, "reliability": reliability(groups, model)}
    if write:
        write.write_text(json.dumps({
            "note": "Fitted by `policykb eval-align eval/align_gold.tsv eval/align_multi.tsv --pairs "
                    "eval/align_multi_pairs.tsv --calibrate` (on a KB built from corpus/ and "
                    "tests/fixtures/multi_corpus/) on the labelled pairs, with negatives across documents; "
                    "the score is the fitted probability that a candidate is a labelled link.",
            **model, "fitted_on": {"labels": len(labels), "pairs": report["pairs"],
                                   "cross_document_groups": report["cross_document_groups"]},
            "reliability": report["reliability"]}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report
