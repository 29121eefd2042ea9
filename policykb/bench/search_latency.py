"""Search latency on the real corpus, ours against Whoosh as shipped, in one run.

    python -m policykb.bench.search_latency [--corpus corpus] [--repeat 20] [--json]

1. Builds a KB from the corpus into a temporary data directory (the real
   ``policykb build``: parser, index writer, Whoosh with ``kb.analysis``).
2. Runs a query mix — the judged queries in ``eval/*.tsv`` plus phrases,
   boolean queries, full-width and malformed input — through ``KB.search``
   (parse, plan, search, highlight: what the CLI and the app call), after a
   warm-up; prints the median and 95th percentile in milliseconds.
3. Baseline, same clauses and queries: Whoosh as its documentation ships it
   for Chinese — ``jieba.analyse.ChineseAnalyzer`` on the clause text, the
   stock ``QueryParser`` and Whoosh's own highlighter.
4. Also prints each side's article-level Recall@5 / MRR on the judged files,
   so speed is read next to quality.

Not part of the test suite (timings depend on the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: corpus/, eval/, tests/fixtures/ (run with python -m)

EXTRA_QUERIES = ['"生态保护红线"', '"高宝邵伯湖"', "碳达峰 AND NOT 船舶", "(噪声 OR 扬尘) 治理",
                 "船舶 岸电", "ＰＭ２.５", "pm2.5", "空气质量 2027", "双碳", "发改委", '"无废城市', "(碳达峰",
                 "生态环境 保护 修复 监管 评估", "长江经济带发展 大运河文化带建设"]


def judged_queries() -> list[tuple[Path, list]]:
    from kb.search.evaluate import read_judged

    return [(p, read_judged(p).queries) for p in sorted((ROOT / "eval").glob("*queries*.tsv"))]


def timed(fn, queries, repeat: int) -> tuple[list[float], float]:
    t0 = time.perf_counter()
    fn(queries[0])  # cold: first query in a fresh index (jieba load, searcher open)
    cold = (time.perf_counter() - t0) * 1000
    for q in queries:  # warm-up
        fn(q)
    times = []
    for _ in range(repeat):
        for q in queries:
            t = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t) * 1000)
    return times, cold


def summary(name: str, times: list[float], cold: float, build_s: float, quality: dict) -> dict:
    times = sorted(times)
    return {"engine": name, "queries": len(times), "build_s": round(build_s, 2),
            "first_query_ms": round(cold, 1),
            "query_p50_ms": round(statistics.median(times), 2),
            "query_p95_ms": round(times[int(0.95 * (len(times) - 1))], 2), **quality}


# ---------------------------------------------------------------------------
# Baseline: Whoosh + jieba.analyse.ChineseAnalyzer + QueryParser, as documented
# ---------------------------------------------------------------------------

class Baseline:
    def __init__(self, records, folder: Path):
        from jieba.analyse import ChineseAnalyzer
        from whoosh import index
        from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
        from whoosh.qparser import QueryParser

        t0 = time.perf_counter()
        schema = Schema(id=ID(stored=True), doc_id=ID, article_no=NUMERIC(stored=True), kind=STORED,
                        text=TEXT(analyzer=ChineseAnalyzer(), stored=True))
        self.ix = index.create_in(str(folder), schema)
        with self.ix.writer() as w:
            for r in records:
                w.add_document(id=r.id, doc_id=r.doc_id, article_no=r.article_no, kind=r.kind, text=r.text)
        self.build_s = time.perf_counter() - t0
        self.parser = QueryParser("text", self.ix.schema)
        self.searcher = self.ix.searcher()

    def search(self, text: str, doc: str | None = None, limit: int = 20):
        from whoosh import query as wq

        q = self.parser.parse(text)
        flt = wq.Term("doc_id", doc) if doc else None
        results = self.searcher.search(q, limit=limit, filter=flt)
        return [(h["id"], h.get("article_no"), h.highlights("text")) for h in results]


def baseline_quality(bl: Baseline, judged, kb) -> dict:
    """Recall@5 / MRR as ``policykb eval`` computes them, in the judged document."""
    from kb.search.evaluate import judged_document, read_judged, recall_at, reciprocal_rank

    out = {}
    for path, queries in judged:
        doc = judged_document(kb, read_judged(path), None)
        recalls, rrs = [], []
        for j in queries:
            ranking, seen = [], set()
            for hid, art, _ in bl.search(j.query, doc=doc, limit=100):
                key = art if art is not None else hid.rsplit("__", 1)[0]
                if key not in seen:
                    seen.add(key)
                    ranking.append(key)
            recalls.append(recall_at(ranking, j.relevant, 5))
            rrs.append(reciprocal_rank(ranking, j.relevant))
        out[path.stem] = {"recall_at_5": round(sum(recalls) / len(recalls), 4),
                          "mrr": round(sum(rrs) / len(rrs), 4)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--repeat", type=int, default=20, help="passes over the query mix (default 20)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pk-bench-") as tmp:
        os.environ["POLICYKB_HOME"] = str(Path(tmp) / "home")
        from indexer.build import build
        from indexer.search_index import records
        from kb import open_kb
        from kb.search.evaluate import evaluate

        t0 = time.perf_counter()
        summary_ = build(args.corpus, progress=None)
        build_s = time.perf_counter() - t0
        kb = open_kb()
        judged = judged_queries()
        queries = [j.query for _, qs in judged for j in qs] + EXTRA_QUERIES

        ours_times, ours_cold = timed(lambda q: kb.search(q), queries, args.repeat)
        ours_quality = {p.stem: {k: v for k, v in evaluate(kb, p).items() if k in ("recall_at_5", "mrr")}
                        for p, _ in judged}

        (Path(tmp) / "baseline").mkdir()
        bl = Baseline(list(records(summary_.documents)), Path(tmp) / "baseline")
        bl_times, bl_cold = timed(lambda q: bl.search(q), queries, args.repeat)
        bl_quality = baseline_quality(bl, judged, kb)

    rows = [summary("whoosh (kb.search: jieba words + bigrams, synonyms, highlights)", ours_times, ours_cold,
                    build_s, {"quality": ours_quality}),
            summary("baseline:whoosh-as-shipped (ChineseAnalyzer + QueryParser + highlights)", bl_times, bl_cold,
                    bl.build_s, {"quality": bl_quality})]
    out = {"corpus": str(args.corpus), "clauses": sum(pd.document.clauses for pd in summary_.documents),
           "query_mix": len(queries), "repeat": args.repeat, "results": rows}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"语料 {out['corpus']}：{out['clauses']} 句；查询 {len(queries)} 个 × {args.repeat} 轮（预热后）")
    for r in rows:
        q = "  ".join(f"{k} R@5 {v['recall_at_5']:.3f} MRR {v['mrr']:.3f}" for k, v in r["quality"].items())
        print(f"\n{r['engine']}\n  中位数 {r['query_p50_ms']:.2f} ms   P95 {r['query_p95_ms']:.2f} ms   "
              f"首次查询 {r['first_query_ms']:.0f} ms   建索引 {r['build_s']:.2f} s\n  {q}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
