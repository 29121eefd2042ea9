"""Measuring and calibrating alignment on labelled pairs (``eval/align_gold.tsv``).

The label file has one line per labelled downstream provision::

    source_id <TAB> target_doc <TAB> article_no:grade,article_no:grade …

``evaluate`` reads the links a build stored (what ``policykb trace`` shows) and
reports top-1 / top-3 accuracy: a provision counts as right at k when one of
its k best upstream articles in ``target_doc`` is labelled. ``calibrate`` fits
the logistic model of ``indexer.align`` on every candidate pair of the labelled
provisions (labelled = 1, others = 0) and reports a two-fold cross-validated
top-1 alongside, so the in-sample figure is not the only one.
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


# ---------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------


def candidate_rows(kb, labels: list[Label]) -> list[list[tuple[dict, int, int]]]:
    """Per label: (features, label 0/1, article_no) for every upstream unit of its target document."""
    ups: dict[str, align.Upstream] = {}
    downs: dict[str, dict[str, align.Unit]] = {}
    groups = []
    for lab in labels:
        if lab.target_doc not in ups:
            inds = align.indicator_map(kb.targets(doc=lab.target_doc))
            ups[lab.target_doc] = align.Upstream.build(
                lab.target_doc, align.units_of(kb.provisions(lab.target_doc), inds))
        doc_id = lab.source_id.split("#", 1)[0]
        if doc_id not in downs:
            units = align.units_of(kb.provisions(doc_id), align.indicator_map(kb.targets(doc=doc_id)),
                                   kinds=("article", "item", "clause"))
            downs[doc_id] = {u.provision.id: u for u in units}
        up, unit = ups[lab.target_doc], downs[doc_id][lab.source_id]
        q = align.terms(unit.text)
        bm25_max = max((up.bm25(q, j) for j in range(len(up.units))), default=0.0)
        rows = []
        for i, u in enumerate(up.units):
            no = _unit_number(u.provision)
            rows.append((align.features(unit, up, i, bm25_max), int(no in lab.grades), no))
        groups.append(rows)
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
    right = 0
    for g in groups:
        best = max(g, key=lambda r: align.probability(r[0], model))
        right += best[1]
    return right / len(groups) if groups else 0.0


def reliability(groups, model, bins=(0.0, 0.15, 0.3, 0.6, 1.01)) -> list[dict]:
    """How often candidates in each score band were labelled right (the meaning of the score)."""
    rows = []
    for lo, hi in zip(bins, bins[1:]):
        inside = [r[1] for g in groups for r in g if lo <= align.probability(r[0], model) < hi]
        rows.append({"band": f"{lo:.2f}–{min(hi, 1.0):.2f}", "pairs": len(inside),
                     "labelled_right": round(sum(inside) / len(inside), 3) if inside else None})
    return rows


def calibrate(kb, labels: list[Label], write: Path | None = None) -> dict:
    groups = candidate_rows(kb, labels)
    order = list(range(len(groups)))
    random.Random(7).shuffle(order)
    folds = [[groups[i] for i in order[k::2]] for k in range(2)]
    cv = [_top1(folds[1 - k], fit(folds[k])) for k in range(2)]
    model = fit(groups)
    report = {"pairs": sum(map(len, groups)), "labels": len(groups),
              "in_sample_top1": round(_top1(groups, model), 4),
              "cv2_top1": round(sum(cv) / 2, 4), "model": model, "reliability": reliability(groups, model)}
    if write:
        write.write_text(json.dumps({
            "note": "Fitted by `policykb eval-align eval/align_gold.tsv --calibrate` on the labelled "
                    "pairs; the score is the fitted probability that a candidate is a labelled link.",
            **model, "fitted_on": {"labels": len(groups), "pairs": report["pairs"]},
            "reliability": report["reliability"]}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report
