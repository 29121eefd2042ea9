"""One engine's build and queries, in a process of its own (so engines' memory never mixes).

    python -m bench.worker ENGINE PARSED_PICKLE INDEX_DIR [--rounds R] [--limit N]

Loads the parsed documents, builds the index (timed), opens it (timed), runs the query mix
once to warm up and then ``rounds`` more times, timing each query; prints one JSON object on
stdout. Peak memory is read from the kernel: ``ru_maxrss`` of this process and of any helper
processes it started (their sum, an upper bound), and ``VmHWM`` from ``/proc``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import resource
import sys
import time
from pathlib import Path


def rss_mb() -> float:
    """Current resident set size (MB), from /proc."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def hwm_mb() -> float | None:
    """Peak resident set size (MB) of this process from /proc (VmHWM)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.worker")
    ap.add_argument("engine")
    ap.add_argument("parsed", type=Path)
    ap.add_argument("index", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--limit", type=int, default=20)
    args = ap.parse_args(argv)

    from bench import engines
    from bench.queries import load_queries

    queries = load_queries()
    with open(args.parsed, "rb") as f:
        docs = pickle.load(f)
    gc.collect()
    rss_loaded = rss_mb()
    engine = engines.make(args.engine)

    args.index.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    engine.build(docs, args.index)
    build_s = time.perf_counter() - t0
    rss_built = rss_mb()
    engine.after_build(docs, args.index)
    del docs
    gc.collect()

    t0 = time.perf_counter()
    engine.open(args.index)
    open_s = time.perf_counter() - t0

    totals, zero = [], []
    for q in queries:  # warm-up round: caches, lazy loading, first-query costs
        total, ids = engine.search(q, args.limit)
        totals.append(total)
        if not total:
            zero.append(q.label())
    rounds = []
    for _ in range(args.rounds):
        times = []
        for q in queries:
            t = time.perf_counter_ns()
            engine.search(q, args.limit)
            times.append((time.perf_counter_ns() - t) / 1e6)
        rounds.append(times)
    engine.close()

    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = {
        "engine": args.engine,
        "build_s": build_s,
        "open_s": open_s,
        "index_mb": dir_mb(engine.index_path(args.index)),
        "peak_rss_mb": (self_kb + kids_kb) / 1024,
        "peak_rss_self_mb": self_kb / 1024,
        "peak_rss_helpers_mb": kids_kb / 1024,
        "vm_hwm_mb": hwm_mb(),
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
