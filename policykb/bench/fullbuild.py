"""A complete ``policykb build`` in this process, reporting its own peak memory.

    python -m policykb.bench.fullbuild CORPUS_DIR HOME_DIR [DOCUMENT]

Prints one JSON object: the build's seconds and per-stage timings (``BuildSummary``), the
number of documents and links, this process's peak resident memory (``VmHWM``) and the peaks
the search engine's helper processes reported. With DOCUMENT, also the time of `policykb ingest`
of that document into the built KB (its files are removed from the corpus afterwards). (Parsing workers, forked for a moment, are not
counted: they hold a copy of this process's pages.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
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
