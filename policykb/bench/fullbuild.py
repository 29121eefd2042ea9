"""A complete ``policykb build`` in this process, reporting its own peak memory.

    python -m policykb.bench.fullbuild CORPUS_DIR HOME_DIR [DOCUMENT]
    python -m policykb.bench.fullbuild --queries HOME_DIR

Prints one JSON object: the build's seconds and per-stage timings (``BuildSummary``), the
number of documents and links, this process's peak resident memory (``VmHWM``) and the peaks
the search engine's helper processes reported (parsing workers, forked for a moment, are not
counted: they hold a copy of this process's pages); then the query p50/p95 of the benchmark's
query mix through ``KB.search`` with the engine the build chose (``query_latency``). With
DOCUMENT, also the time of `policykb ingest` of that document into the built KB (its files are
removed from the corpus afterwards). ``--queries`` times the queries of a KB built before.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


QUERY_ROUNDS = 3


def query_latency(home: Path, rounds: int = QUERY_ROUNDS) -> dict:
    """The query mix (``policykb.bench.queries``) through ``KB.search`` on the current build of
    ``home``, with the engine its build holds (what a user who sets nothing gets): one warm-up
    pass, then ``rounds`` timed passes; p50/p95 per pass, the median over the passes (ms)."""
    import statistics
    import time

    from kb import paths
    from kb.search.engine import build_engine
    from policykb.bench.engines import SeamEngine
    from policykb.bench.queries import load_queries, resolve_docs
    from policykb.bench.run import percentile

    build_dir = (Path(home) / paths.CURRENT).resolve()
    engine = SeamEngine(build_engine(build_dir))
    engine.open(build_dir)
    queries = resolve_docs(load_queries(), [d.id for d in engine.kb.documents()])
    for q in queries:
        engine.search(q)
    p50, p95 = [], []
    for _ in range(rounds):
        times = []
        for q in queries:
            t = time.perf_counter_ns()
            engine.search(q)
            times.append((time.perf_counter_ns() - t) / 1e6)
        p50.append(percentile(times, 50))
        p95.append(percentile(times, 95))
    return {"engine": engine.name, "queries": len(queries), "rounds": rounds,
            "query_p50_ms": round(statistics.median(p50), 2), "query_p95_ms": round(statistics.median(p95), 2)}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--queries":
        sys.stdout.write(json.dumps(query_latency(Path(argv[1])), ensure_ascii=False) + "\n")
        return 0
    corpus, home = Path(argv[0]), Path(argv[1])
    from policykb.bench.engines import SeamEngine
    from kb.memory import peak_rss_mb
    from indexer.build import build
    from kb import store

    summary = build(corpus, home, progress=None)
    helpers = [p or 0.0 for p in SeamEngine(summary.engine).build_stats().get("helper_peak_rss_mb", [])]
    kinds = dict(store.Reader(summary.build_dir / "kb.sqlite").query(
        "SELECT kind, COUNT(*) FROM links GROUP BY kind"))
    out = {"seconds": round(summary.seconds, 2), "timings": summary.timings, "engine_used": summary.engine,
           "documents": len(summary.documents), "links": summary.links, "link_kinds": kinds,
           "clauses": sum(pd.document.clauses for pd in summary.documents),
           "peak_rss_mb": round((peak_rss_mb() or 0.0) + sum(helpers), 1),
           "peak_rss_self_mb": round(peak_rss_mb() or 0.0, 1), "helper_peak_rss_mb": helpers}
    out["queries"] = query_latency(home)
    if len(argv) > 2:
        import time

        from indexer.ingest import ingest

        t0 = time.perf_counter()
        res = ingest(argv[2], corpus, home, progress=None)
        out["ingest"] = {"seconds": round(time.perf_counter() - t0, 2), "incremental": res.summary.incremental,
                         "clauses": res.document.clauses, "timings": res.summary.timings,
                         "links": res.summary.links}
        for f in res.files:
            f.unlink()
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
