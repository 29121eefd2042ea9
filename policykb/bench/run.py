"""``policykb bench``: generate a synthetic corpus, run every engine in its own process, compare.

1. Write a synthetic corpus of N clauses (``policykb.bench.synth``) into a work folder and parse it once
   with our pipeline (timed: this is the parse/extract share of a real build). The index records
   made from it (``indexer.search_index.records``: the input of every engine) are pickled for the
   engine processes, and the KB's SQLite file is written once for ``KB.search``.
2. For each repeat, run every engine (``policykb.bench.engines``) in a fresh subprocess
   (``policykb.bench.worker``): build, open, one warm-up pass over the query mix, then ``rounds`` timed
   passes. Engines run interleaved (A B C D, A B C D …) so a noisy neighbour hurts all alike.
3. Report medians: build time, index size and peak RSS over repeats; query p50/p95 computed per
   pass over the whole mix, then the median over all passes. Ratios are taken against the
   baselines measured in the same run.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.errors import BenchError
from policykb.bench import engines as engines_mod
from policykb.bench import synth

ROOT = Path(__file__).resolve().parents[2]  # the checkout (or site-packages) holding policykb/
SHIPPED = "baseline:whoosh-as-shipped"
RECORDS = "records.pickle"
FTS5 = "baseline:sqlite-fts5"
# The figures the issue asks of our fast engine at 100k clauses.
TARGETS = {"query_p95_ms": 5.0, "speedup_p95_vs_shipped": 50.0, "build_s": 60.0, "peak_rss_mb": 500.0}


DEFAULT_BUILD = "default"  # --full-build default: the engine a user who sets nothing gets


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = max(1, math.ceil(p / 100 * len(xs)))
    return xs[k - 1]


def _log(progress, msg: str) -> None:
    if progress is not None:
        progress.write(f"[bench] {msg}\n")
        progress.flush()


def prepare(clauses: int, workdir: Path, source_corpus: Path, seed: int, progress) -> dict:
    """Write and parse the synthetic corpus, once for every engine: the index records (what the
    search-index writer of ``policykb build`` hands an engine) are pickled for the engine
    processes, and the KB's SQLite file (which ``KB.search`` reads beside the index) is written."""
    from indexer.build import parse_corpus
    from indexer.search_index import records
    from kb import paths, store

    corpus_dir = workdir / "corpus"
    t0 = time.perf_counter()
    info = synth.write_corpus(corpus_dir, clauses, source_corpus, seed=seed)
    gen_s = time.perf_counter() - t0
    _log(progress, f"synthetic corpus: {info.documents} documents, {info.clauses} clauses, "
                   f"{info.chars / 1e6:.1f} M characters ({gen_s:.1f} s)")
    t0 = time.perf_counter()
    docs = parse_corpus(corpus_dir, progress=None)
    parse_s = time.perf_counter() - t0
    parsed_clauses = sum(pd.document.clauses for pd in docs)
    _log(progress, f"parsed with our pipeline in {parse_s:.1f} s ({parsed_clauses} clauses)")
    t0 = time.perf_counter()
    n_records = write_records(records(docs), workdir / RECORDS)
    records_s = time.perf_counter() - t0
    (workdir / "kb").mkdir()
    store.write(workdir / "kb" / paths.DB_NAME, docs, [])
    return {"documents": info.documents, "clauses_parsed": parsed_clauses, "chars": info.chars,
            "records": n_records, "generate_s": round(gen_s, 3), "parse_s": round(parse_s, 3),
            "records_s": round(records_s, 3), "corpus_dir": str(corpus_dir)}


def write_records(recs, path: Path, chunk: int = 1000) -> int:
    """The index records as consecutive pickled lists of ``chunk`` records, which an engine
    process reads one by one (``policykb.bench.worker.read_records``). Returns the number written."""
    n, buf = 0, []
    with open(path, "wb") as f:
        for r in recs:
            buf.append(r)
            if len(buf) == chunk:
                pickle.dump(buf, f, protocol=pickle.HIGHEST_PROTOCOL)
                n, buf = n + len(buf), []
        if buf:
            pickle.dump(buf, f, protocol=pickle.HIGHEST_PROTOCOL)
            n += len(buf)
    return n


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("POLICYKB_ENGINE", None)  # each run says which engine it uses
    return env


def run_worker(engine: str, workdir: Path, index_dir: Path, rounds: int, query_budget: float = 0.0) -> dict:
    """Run one engine in a subprocess of its own (its memory is measured there)."""
    cmd = [sys.executable, "-m", "policykb.bench.worker", engine, str(workdir / RECORDS), str(index_dir),
           "--rounds", str(rounds), "--query-budget", str(query_budget)]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", cwd=ROOT, env=_env())
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(f"engine '{engine}' failed (exit {proc.returncode}): {last}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


INGEST_CLAUSES = 150  # clauses of the document ingested into the built KB


def ingest_document(workdir: Path, source_corpus: Path, documents: int, seed: int) -> Path:
    """One more synthetic document (not in the corpus), for timing `policykb ingest` into the KB."""
    src, lex = synth.load_sources(source_corpus), synth.Lexicon.load()
    doc = synth.make_document(documents + 1000, INGEST_CLAUSES, src, lex, seed)
    out = workdir / "ingest"
    out.mkdir(exist_ok=True)
    path = out / f"{doc.id}.txt"
    path.write_text(doc.text, encoding="utf-8")
    return path


def full_build(engine: str, workdir: Path, corpus_dir: Path, ingest: Path | None = None) -> dict:
    """``policykb build`` of the synthetic corpus with ``engine`` (``policykb.bench.fullbuild``: parse,
    extract, link, index, in a process of its own): wall time, per-stage timings, peak memory.
    ``default`` sets no engine: the build picks one for the corpus size, as for a user."""
    env = _env()
    if engine != DEFAULT_BUILD:
        env["POLICYKB_ENGINE"] = engine
    home = workdir / f"home-{engine}"
    cmd = [sys.executable, "-m", "policykb.bench.fullbuild", str(corpus_dir), str(home)] + ([str(ingest)] if ingest else [])
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    seconds = time.perf_counter() - t0
    shutil.rmtree(home, ignore_errors=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(f"`policykb build` with {engine} failed: {last}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"engine": engine, "seconds": round(seconds, 2), **data}


def summarize(name: str, runs: list[dict]) -> dict:
    """Medians over repeats (build, size, memory) and over all timed passes (queries)."""
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    passes = [times for r in runs for times in r["rounds_ms"]]
    kinds = runs[0]["kinds"]
    by_kind: dict[str, list[float]] = {}
    for times in passes:
        for kind, t in zip(kinds, times):
            by_kind.setdefault(kind, []).append(t)
    per_query = [statistics.median(col) for col in zip(*passes)]
    slowest = sorted(zip(per_query, runs[0]["queries"]), reverse=True)[:3]
    return {
        "engine": name,
        "build_s": round(med("build_s"), 3),
        "index_mb": round(med("index_mb"), 2),
        "peak_rss_mb": round(med("peak_rss_mb"), 1),
        "query_p50_ms": round(statistics.median(percentile(p, 50) for p in passes), 3),
        "query_p95_ms": round(statistics.median(percentile(p, 95) for p in passes), 3),
        "query_mean_ms": round(statistics.median(statistics.fmean(p) for p in passes), 3),
        "query_max_ms": round(max(max(p) for p in passes), 3),
        "open_s": round(med("open_s"), 3),
        "peak_rss_self_mb": round(med("peak_rss_self_mb"), 1),
        "peak_rss_helpers_mb": round(med("peak_rss_helpers_mb"), 1),
        "ru_maxrss_mb": round(med("ru_maxrss_mb"), 1),
        "rss_loaded_mb": round(med("rss_loaded_mb"), 1),
        "by_kind_p50_ms": {k: round(statistics.median(v), 3) for k, v in by_kind.items()},
        "slowest_queries": [{"query": q, "median_ms": round(t, 3)} for t, q in slowest],
        "zero_hit_queries": runs[0]["zero_hit"],
        "matches_total": sum(runs[0]["totals"]),
        "repeats": len(runs),
        "rounds_run": [r.get("rounds_run") for r in runs],
        "helpers": runs[0].get("helpers", 0),
        "build_s_all": [round(r["build_s"], 3) for r in runs],
    }


def ratios(results: list[dict]) -> None:
    """Add ``vs`` ratios against each baseline of the same run (>1 means better than it)."""
    by = {r["engine"]: r for r in results}
    for r in results:
        r["vs"] = {}
        for base in (SHIPPED, FTS5):
            b = by.get(base)
            if not b or b is r:
                continue
            r["vs"][base] = {
                "query_p95_speedup": _ratio(b["query_p95_ms"], r["query_p95_ms"]),
                "query_p50_speedup": _ratio(b["query_p50_ms"], r["query_p50_ms"]),
                "build_speedup": _ratio(b["build_s"], r["build_s"]),
                "rss_ratio": _ratio(r["peak_rss_mb"], b["peak_rss_mb"]),
                "index_size_ratio": _ratio(r["index_mb"], b["index_mb"]),
            }


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def checks(results: list[dict], clauses: int) -> list[dict]:
    """The issue's targets for the fast engine, as measured here (meaningful at 100k clauses)."""
    by = {r["engine"]: r for r in results}
    t = by.get("tantivy")
    if not t:
        return []
    speedup = t.get("vs", {}).get(SHIPPED, {}).get("query_p95_speedup")
    rows = [
        ("tantivy query p95 ≤ 5 ms", t["query_p95_ms"], t["query_p95_ms"] <= TARGETS["query_p95_ms"]),
        ("tantivy p95 ≥ 50× better than whoosh-as-shipped", speedup,
         speedup is not None and speedup >= TARGETS["speedup_p95_vs_shipped"]),
        ("tantivy index build ≤ 60 s", t["build_s"], t["build_s"] <= TARGETS["build_s"]),
        ("tantivy peak RSS ≤ 500 MB", t["peak_rss_mb"], t["peak_rss_mb"] <= TARGETS["peak_rss_mb"]),
    ]
    return [{"check": c, "value": v, "ok": ok, "clauses": clauses} for c, v, ok in rows]


def run(clauses: int, *, engines: list[str] | None = None, repeats: int | None = None, rounds: int = 5,
        seed: int = 0, workdir: Path | None = None, source_corpus: Path | None = None, keep: bool = False,
        query_budget: float = 300.0, full_builds: list[str] | None = None, progress=sys.stderr) -> dict:
    available = engines_mod.registry()
    names = engines or list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise BenchError(f"unknown engine(s) {', '.join(unknown)}; choose from {', '.join(available)}")
    if clauses < 100:
        raise BenchError(f"--clauses {clauses} is too small for a benchmark; give at least 100")
    repeats = repeats or (3 if clauses <= 20000 else 1)
    source_corpus = Path(source_corpus) if source_corpus else ROOT / "corpus"
    if not source_corpus.is_dir():
        raise BenchError(f"no source corpus at {source_corpus}; pass --corpus DIR (a folder of policy documents)")
    own = workdir is None
    workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="policykb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        facts = prepare(clauses, workdir, source_corpus, seed, progress)
        runs: dict[str, list[dict]] = {n: [] for n in names}
        for rep in range(repeats):
            for name in names:
                index_dir = workdir / f"index-{name.replace(':', '_')}-{rep}"
                _log(progress, f"{name}: build + {rounds + 1} passes of the query mix "
                               f"(repeat {rep + 1}/{repeats}) …")
                res = run_worker(name, workdir, index_dir, rounds, query_budget)
                _log(progress, f"{name}: build {res['build_s']:.1f} s, index {res['index_mb']:.1f} MB, "
                               f"peak RSS {res['peak_rss_mb']:.0f} MB")
                runs[name].append(res)
                if not keep:
                    shutil.rmtree(index_dir, ignore_errors=True)
        results = [summarize(n, runs[n]) for n in names]
        ratios(results)
        builds = []
        extra = ingest_document(workdir, source_corpus, facts["documents"], seed) if full_builds else None
        for name in full_builds or []:
            if name not in engines_mod.ours() and name != DEFAULT_BUILD:
                raise BenchError(f"--full-build {name}: not one of our engines ({', '.join(engines_mod.ours())}) "
                                 f"or {DEFAULT_BUILD}")
            _log(progress, f"policykb build of the synthetic corpus with {name} …")
            builds.append(full_build(name, workdir, Path(facts["corpus_dir"]), extra))
            _log(progress, f"policykb build with {name}: {builds[-1]['seconds']:.1f} s")
        return {
            "clauses": clauses,
            "documents": facts["documents"],
            "corpus": facts,
            "seed": seed,
            "repeats": repeats,
            "rounds": rounds,
            "queries": len(runs[names[0]][0]["queries"]),
            "limit": engines_mod.LIMIT,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform()},
            "workdir": str(workdir) if keep or not own else None,
            "results": results,
            "full_builds": builds,
            "checks": checks(results, clauses),
        }
    finally:
        if own and not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, left: bool = False) -> str:
    pad = " " * (width - _width(text))
    return text + pad if left else pad + text


def format_report(report: dict) -> str:
    """The human-readable report (Chinese labels, as elsewhere in the CLI)."""
    c = report["corpus"]
    lines = [
        f"规模测试：{report['clauses']} 条句子，{report['documents']} 个合成文件，"
        f"{c['chars'] / 1e6:.1f} M 字；解析 {c['parse_s']:.1f} 秒；"
        f"每个引擎重复 {report['repeats']} 次，每次 {report['rounds']} 轮 × {report['queries']} 个查询（取前 {report['limit']} 条）",
        "",
    ]
    header = ["引擎", "构建 s", "索引 MB", "峰值内存 MB", "p50 ms", "p95 ms", "shipped p95 ÷ 本引擎", "fts5 p95 ÷ 本引擎"]
    rows = []
    for r in report["results"]:
        vs = r.get("vs", {})
        s = vs.get(SHIPPED, {}).get("query_p95_speedup")
        f = vs.get(FTS5, {}).get("query_p95_speedup")
        rows.append([r["engine"], f"{r['build_s']:.2f}", f"{r['index_mb']:.1f}", f"{r['peak_rss_mb']:.0f}",
                     f"{r['query_p50_ms']:.2f}", f"{r['query_p95_ms']:.2f}",
                     f"{s:.1f}×" if s else "—", f"{f:.1f}×" if f else "—"])
    widths = [max(_width(x[i]) for x in [header] + rows) for i in range(len(header))]
    for row in [header] + rows:
        lines.append("  ".join(_pad(x, w, left=(i == 0)) for i, (x, w) in enumerate(zip(row, widths))))
    lines.append("")
    lines.append("构建时间、内存与基线之比（构建：基线耗时 / 本引擎耗时；内存：本引擎 / 基线）：")
    for r in report["results"]:
        vs = r.get("vs", {}).get(SHIPPED)
        if vs:
            lines.append(f"  {r['engine']:<28} 构建快 {vs['build_speedup']}×，内存为 {vs['rss_ratio']}×，"
                         f"索引大小为 {vs['index_size_ratio']}×（相对 whoosh-as-shipped）")
    for r in report["results"]:
        if r["zero_hit_queries"]:
            lines.append(f"  {r['engine']}: {len(r['zero_hit_queries'])} 个查询无结果")
    for b in report.get("full_builds", []):
        parts = "，".join(f"{k} {v:.1f}" for k, v in b["timings"].items())
        lines.append("")
        lines.append(f"完整构建（policykb build，{b['engine']}，检索引擎 {b.get('engine_used', b['engine'])}）："
                     f"{b['seconds']:.1f} 秒，{b['documents']} 个文件，"
                     f"{b['links']} 条关联（{b.get('link_kinds', {})}），峰值内存 {b['peak_rss_mb']:.0f} MB")
        lines.append(f"  各阶段（秒）：{parts}")
        if b.get("queries"):
            q = b["queries"]
            lines.append(f"  建成后检索（{q['engine']}，不设 POLICYKB_ENGINE 时所用的引擎）："
                         f"p50 {q['query_p50_ms']} 毫秒，p95 {q['query_p95_ms']} 毫秒")
        if b.get("ingest"):
            i = b["ingest"]
            lines.append(f"  再收录一个文件（{i['clauses']} 条句子，policykb ingest）：{i['seconds']:.1f} 秒，"
                         f"{'增量更新' if i['incremental'] else '完整重建'}；"
                         + "，".join(f"{k} {v:.1f}" for k, v in i["timings"].items()))
    if report["checks"]:
        lines.append("")
        lines.append("目标（100k 条句子时）：")
        for ch in report["checks"]:
            lines.append(f"  [{'通过' if ch['ok'] else '未达到'}] {ch['check']}：{ch['value']}")
    return "\n".join(lines)
