"""One engine's build and queries, in a process of its own (so engines' memory never mixes).

    python -m policykb.bench.worker ENGINE RECORDS_PICKLE INDEX_DIR [--rounds R] [--limit N]

Builds the index from the index records streamed off disk (timed, reading included: a real
build also makes them one by one), opens it (timed), runs the query mix
once to warm up and then ``rounds`` more times, timing each query; prints one JSON object on
stdout. Peak memory is read from the kernel: this process's ``VmHWM`` plus the peak
(``VmHWM``) each helper process of the engine reports (their sum: an upper bound, as if all
peaked at once). ``--query-budget`` caps the timed passes of a very slow engine.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import resource
import sys
import time
from pathlib import Path
from typing import Iterator

from kb.memory import peak_rss_mb, rss_mb


def read_records(path: Path, doc_ids: dict[str, None]) -> Iterator:
    """The index records of ``path`` (pickled chunks, ``policykb.bench.run.write_records``), one by one,
    as ``policykb build`` hands them to an engine (a generator over the parsed documents):
    an engine's memory is its own, not that of a list of every record. Notes each record's
    document in ``doc_ids``."""
    with open(path, "rb") as f:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            for r in chunk:
                doc_ids.setdefault(r.doc_id)
                yield r


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m policykb.bench.worker")
    ap.add_argument("engine")
    ap.add_argument("records", type=Path)
    ap.add_argument("index", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--query-budget", type=float, default=0.0,
                    help="seconds of timed queries at most (fewer rounds for a slow engine; 0 = no cap)")
    args = ap.parse_args(argv)

    from policykb.bench import engines
    from policykb.bench.queries import load_queries, resolve_docs

    doc_ids: dict[str, None] = {}  # the documents in order, as the records stream past
    engine = engines.make(args.engine)
    gc.collect()
    rss_loaded = rss_mb()

    args.index.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    engine.build(read_records(args.records, doc_ids), args.index)
    build_s = time.perf_counter() - t0
    rss_built = rss_mb()
    build_stats = engine.build_stats()
    engine.after_build(args.index)
    queries = resolve_docs(load_queries(), list(doc_ids))
    gc.collect()

    t0 = time.perf_counter()
    engine.open(args.index)
    open_s = time.perf_counter() - t0

    totals, zero = [], []
    t0 = time.perf_counter()
    for q in queries:  # warm-up round: caches, lazy loading, first-query costs
        total, ids = engine.search(q, args.limit)
        totals.append(total)
        if not total:
            zero.append(q.label())
    warmup_s = time.perf_counter() - t0
    n_rounds = args.rounds
    if args.query_budget > 0 and warmup_s * n_rounds > args.query_budget:
        n_rounds = max(1, int(args.query_budget / max(warmup_s, 1e-9)))
    rounds = []
    for _ in range(n_rounds):
        times = []
        for q in queries:
            t = time.perf_counter_ns()
            engine.search(q, args.limit)
            times.append((time.perf_counter_ns() - t) / 1e6)
        rounds.append(times)
    engine.close()

    # VmHWM, not ru_maxrss: Linux carries a forked child's pre-exec peak (the benchmark parent
    # holding the parsed corpus) into ru_maxrss; VmHWM starts again at exec.
    self_mb = peak_rss_mb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Helper processes (the tantivy build's tokenizers) report their own peak (VmHWM):
    # ru_maxrss of a child also counts this process's memory it shared before exec.
    helpers_mb = sum(p or 0.0 for p in build_stats.get("helper_peak_rss_mb", []))
    out = {
        "engine": args.engine,
        "build_s": build_s,
        "open_s": open_s,
        "index_mb": dir_mb(engine.index_path(args.index)),
        "peak_rss_mb": self_mb + helpers_mb,
        "peak_rss_self_mb": self_mb,
        "peak_rss_helpers_mb": helpers_mb,
        "helpers": build_stats.get("helpers", 0),
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rounds_run": n_rounds,
        "warmup_s": warmup_s,
        "vm_hwm_mb": peak_rss_mb(),
        "rss_loaded_mb": rss_loaded,
        "rss_after_build_mb": rss_built,
        "queries": [q.label() for q in queries],
        "kinds": [q.kind for q in queries],
        "rounds_ms": rounds,
        "totals": totals,
        "zero_hit": zero,
    }
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
