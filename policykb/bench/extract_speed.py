"""Extraction speed: characters per second of the spaCy pipeline and of whole-document extraction.

    python -m policykb.bench.extract_speed --clauses 20000 [--json]

The clauses are the real clauses of the corpus seed and the county fixture,
cycled (with the item number varied) until there are N of them; a synthetic
document of N clauses is then run through ``extract_document`` as the build
does. The first number is the pipeline alone (jieba + character-level rules,
``nlp.pipe`` over single clauses); the second is everything the build's task
stage does (the pipeline over paragraphs, then the rules). ``*_per_cpu_s``
divide by this process's CPU time, which other jobs on a shared machine
disturb less than wall time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from indexer.extract import extract_document
from indexer.extract.nlp import get_nlp
from indexer.pipeline import parse_file, parse_text

ROOT = Path(__file__).resolve().parents[2]  # the checkout: corpus/, eval/, tests/fixtures/ (run with python -m)


def synthetic_document(n: int) -> str:
    """A county-plan-shaped document whose items are the real clauses of our two texts, cycled."""
    clauses = []
    for path in (ROOT / "corpus" / "yangzhou-2024-118.txt", ROOT / "tests" / "fixtures" / "county-plan.txt"):
        pd = parse_file(path)
        clauses += [p.text for p in pd.provisions if p.kind == "clause" and "#preamble" not in p.id]
    body, k, art = [], 0, 0
    while k < n:
        art += 1
        body.append(f"（{art}）第{art}组任务")  # article heading in Arabic form keeps numbering simple
        for j in range(1, 21):
            body.append(f"{j}．{clauses[k % len(clauses)]}")
            k += 1
            if k >= n:
                break
    head = "宝应县人民政府关于印发测试方案的通知\n\n宝政发〔2024〕1号\n\n各镇人民政府，县各委办局：\n\n一、总体要求\n\n到2025年，取得成效。\n\n二、重点任务\n\n"
    return head + "\n\n".join(body) + "\n\n宝应县人民政府\n\n2024年1月2日\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clauses", type=int, default=5000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    nlp = get_nlp()
    nlp("预热")
    load_s = time.perf_counter() - t0

    text = synthetic_document(args.clauses)
    pd = parse_text(text, {"level": "county"}, "bench.txt")  # includes extraction: measured separately below
    clauses = [p for p in pd.provisions if p.kind == "clause"]
    chars = sum(len(c.text) for c in clauses)

    t0, c0 = time.perf_counter(), time.process_time()
    for _ in nlp.pipe([c.text for c in clauses], batch_size=256):
        pass
    pipe_s, pipe_cpu = time.perf_counter() - t0, time.process_time() - c0

    t0, c0 = time.perf_counter(), time.process_time()
    tasks, targets = extract_document(pd.document, pd.provisions)
    extract_s, extract_cpu = time.perf_counter() - t0, time.process_time() - c0

    out = {"clauses": len(clauses), "chars": chars, "nlp_load_s": round(load_s, 2),
           "pipeline_s": round(pipe_s, 2), "pipeline_chars_per_s": round(chars / pipe_s),
           "pipeline_chars_per_cpu_s": round(chars / pipe_cpu),
           "extract_s": round(extract_s, 2), "extract_chars_per_s": round(chars / extract_s),
           "extract_chars_per_cpu_s": round(chars / extract_cpu),
           "extract_clauses_per_s": round(len(clauses) / extract_s),
           "tasks": len(tasks), "targets": len(targets)}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:>24}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
