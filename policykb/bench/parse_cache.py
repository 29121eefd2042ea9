"""Rebuild speed with the parse cache: parsing a synthetic corpus with an empty cache, then again
with the cache it filled, then once more after one document changed.

    python -m policykb.bench.parse_cache --clauses 100000 [--repeats 1] [--json]

The corpus is the benchmark's synthetic corpus (``policykb.bench.synth``, derived from ``corpus/``).
Each pass is ``indexer.build.parse_corpus`` with a ``ParseCache`` in a temporary data
directory, as ``policykb build`` runs it; the times are medians over ``--repeats`` and the
ratio is the cold pass over the warm one, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from indexer.build import parse_corpus
from indexer.parse_cache import ParseCache
from policykb.bench.synth import write_corpus

ROOT = Path(__file__).resolve().parents[2]  # the checkout: corpus/, eval/, tests/fixtures/ (run with python -m)


def timed_parse(corpus: Path, home: Path) -> tuple[float, int]:
    cache = ParseCache(home)
    t0 = time.perf_counter()
    parse_corpus(corpus, progress=None, cache=cache)
    return time.perf_counter() - t0, cache.hits


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m policykb.bench.parse_cache")
    ap.add_argument("--clauses", type=int, default=20000)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="policykb-parse-cache-"))
    try:
        info = write_corpus(work / "corpus", args.clauses, ROOT / "corpus", seed=0)
        cold, warm, one = [], [], []
        for r in range(args.repeats):
            home = work / f"home-{r}"
            cold.append(timed_parse(work / "corpus", home)[0])
            seconds, hits = timed_parse(work / "corpus", home)
            warm.append(seconds)
            victim = sorted((work / "corpus").glob("*.txt"))[r % info.documents]
            victim.write_text(victim.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            seconds, hits_after_change = timed_parse(work / "corpus", home)
            one.append(seconds)
        out = {"clauses": info.clauses, "documents": info.documents,
               "cold_s": round(statistics.median(cold), 2), "warm_s": round(statistics.median(warm), 2),
               "one_changed_s": round(statistics.median(one), 2),
               "cold_over_warm": round(statistics.median(cold) / max(statistics.median(warm), 1e-9), 1),
               "cached_documents": hits, "cached_after_one_change": hits_after_change}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"{out['clauses']} 条句子，{out['documents']} 个文件：解析（无缓存）{out['cold_s']} 秒；"
              f"有缓存 {out['warm_s']} 秒（快 {out['cold_over_warm']}×，{out['cached_documents']} 个文件来自缓存）；"
              f"改动一个文件后 {out['one_changed_s']} 秒（{out['cached_after_one_change']} 个来自缓存）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
