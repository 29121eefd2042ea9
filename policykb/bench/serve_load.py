"""Load on ``policykb serve`` over loopback: concurrent clients, mixed endpoints, the real corpus.

    python -m policykb.bench.serve_load                       # tantivy and Whoosh, 1 and 2 workers
    python -m policykb.bench.serve_load --engines whoosh --seconds 5 --save serve.json

Not part of the test suite (``tests/test_server.py`` runs the same code with small
bounds and checks correctness only). For each engine it builds the corpus into a
temporary data directory (``POLICYKB_ENGINE``), measures the in-process
``KB.search`` latency over the benchmark query mix in this process, then starts
``policykb serve`` with each worker count and runs the clients for a fixed time:
errors, p50/p95 latency (all requests, and the search requests alone next to the
in-process figure and to one client alone, which has no queue), throughput and the
memory of the server processes. Last, with the most workers, a rebuild is
published in the middle of a run: no request may fail, and every request sent
after the build finished must be answered by the new build (the
``X-PolicyKB-Build`` header says which build answered).

Only 127.0.0.1 is contacted; every loop is bounded in requests and seconds. The
clients are threads of this process on the same machine as the server: on a
small machine they take CPU from it, so compare figures from one run only.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

CLI = [sys.executable, "-m", "policykb"]
ROOT = Path(__file__).resolve().parents[2]
BUILD_HEADER = "X-PolicyKB-Build"
MAX_SECONDS = 300  # no run of clients lasts longer, whatever it was asked


# ---------------------------------------------------------------------------
# The server, as a process
# ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``policykb serve`` on a free loopback port, in its own process group; a context manager."""

    def __init__(self, home: Path, workers: int = 1, args: tuple[str, ...] = (), env: dict | None = None):
        self.home, self.workers, self.args = Path(home), workers, args
        self.env = {**os.environ, "POLICYKB_HOME": str(home), **(env or {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "ServerProcess":
        self.proc = subprocess.Popen(
            CLI + ["serve", "--port", str(self.port), "--workers", str(self.workers), "--no-access-log", *self.args],
            env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_ready(self, timeout: float = 120) -> None:
        """Until the server answers (any status: a data directory without a KB answers 503)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"policykb serve exited with {self.proc.returncode}:\n{self.output()}")
            try:
                get(http.client.HTTPConnection("127.0.0.1", self.port, timeout=5), "/openapi.json")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"policykb serve did not answer within {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # uvicorn stops its workers and waits for requests in flight
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group this process started (start_new_session)
            self.proc.wait(10)

    def rss_mb(self) -> float:
        """Resident memory of the server and its worker processes together (Linux /proc)."""
        pids, total = [self.proc.pid], 0
        while pids:
            pid = pids.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            pids += [int(c) for c in children]
        return round(total / 1024, 1)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, str | None, bytes]:
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.getheader(BUILD_HEADER), r.read()


def request_mix(kb, queries) -> list[tuple[str, str]]:
    """(kind, path) for every endpoint, from what the KB holds: each benchmark query, each
    document, a few articles of each (show and trace), task and target filters, coverage of
    each document against each upstream one."""
    from kb.models import LEVELS

    docs = kb.documents()
    mix = [("search", "/search?" + urlencode({"q": q.text, **q.filters})) for q in queries]
    mix.append(("docs", "/docs"))
    for d in docs:
        mix += [("show", f"/show/{quote(d.id, safe='')}"), ("tasks", "/tasks?" + urlencode({"doc": d.id})),
                ("targets", "/targets?" + urlencode({"doc": d.id}))]
        articles = kb.provisions(d.id, kinds=("article",))
        for a in articles[::max(1, len(articles) // 4)][:4]:
            mix += [("show", f"/show/{quote(a.id, safe='')}"), ("trace", f"/trace/{quote(a.id, safe='')}")]
        mix += [("coverage", "/coverage?" + urlencode({"doc": d.id, "against": u.id})) for u in docs
                if LEVELS.index(u.level) < LEVELS.index(d.level)]
    parties = kb.parties()
    mix += [("tasks", "/tasks?" + urlencode({"party": p})) for p in parties[::max(1, len(parties) // 3)][:3]]
    mix.append(("targets", "/targets?compare=true"))
    return mix


@dataclass
class Sample:
    kind: str
    sent: float  # time.monotonic() when sent
    seconds: float
    status: int  # 0: no answer
    build: str | None
    error: str | None


def run_load(url: str, mix: list[tuple[str, str]], clients: int = 32, seconds: float = 10,
             max_requests: int = 1_000_000, stop: threading.Event | None = None) -> tuple[list[Sample], float]:
    """``clients`` threads, each on its own keep-alive connection, send the mix in turn (the
    n-th request of the run is ``mix[n % len(mix)]``, so k × len(mix) requests send each entry
    k times) until ``seconds`` pass, ``max_requests`` are sent or ``stop`` is set. Returns the
    samples and the wall time. An answer is an error unless it is 200 with JSON."""
    host, port = url.removeprefix("http://").split(":")
    seconds = min(seconds, MAX_SECONDS)
    stop = stop or threading.Event()
    counter = itertools.count()
    samples: list[Sample] = []
    t0 = time.monotonic()
    deadline = t0 + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        while time.monotonic() < deadline and not stop.is_set():
            n = next(counter)  # the n-th request of the run, whichever client sends it
            if n >= max_requests:
                break
            kind, path = mix[n % len(mix)]
            sent = time.monotonic()
            t = time.perf_counter()
            try:
                status, build, body = get(conn, path)
                error = None if status == 200 else f"{status} {path}: {body[:200]!r}"
                if status == 200:
                    json.loads(body)
            except (OSError, http.client.HTTPException, ValueError) as e:
                status, build, error = 0, None, f"{path}: {type(e).__name__}: {e}"
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
            samples.append(Sample(kind, sent, time.perf_counter() - t, status, build, error))
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(MAX_SECONDS + 60)
    return samples, time.monotonic() - t0


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(samples: list[Sample], wall: float) -> dict:
    ms = [s.seconds * 1000 for s in samples]
    search = [s.seconds * 1000 for s in samples if s.kind == "search"]
    errors = [s.error for s in samples if s.error]
    return {"requests": len(samples), "errors": len(errors), "first_errors": errors[:5],
            "p50_ms": _round(percentile(ms, 50)), "p95_ms": _round(percentile(ms, 95)),
            "search_p50_ms": _round(percentile(search, 50)), "search_p95_ms": _round(percentile(search, 95)),
            "throughput_rps": round(len(samples) / wall, 1) if wall else None,
            "p95_ms_by_kind": {k: _round(percentile([s.seconds * 1000 for s in samples if s.kind == k], 95))
                               for k in sorted({s.kind for s in samples})}}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


# ---------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------


def build(home: Path, corpus: Path, engine: str) -> float:
    t = time.perf_counter()
    env = {**os.environ, "POLICYKB_HOME": str(home), "POLICYKB_ENGINE": engine}
    proc = subprocess.run(CLI + ["build", "--quiet", "--corpus", str(corpus)], env=env, cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode:
        raise RuntimeError(f"policykb build failed: {proc.stderr.strip()}")
    return time.perf_counter() - t


def in_process_search(home: Path, engine: str, queries, rounds: int) -> dict:
    """``KB.search`` over the query mix in this process, after one pass of warm-up."""
    from kb import open_kb

    os.environ["POLICYKB_ENGINE"] = engine
    try:
        kb = open_kb(home)
        ms = []
        for r in range(rounds + 1):
            for q in queries:
                t = time.perf_counter()
                kb.search(q.text, **q.filters)
                if r:
                    ms.append((time.perf_counter() - t) * 1000)
    finally:
        os.environ.pop("POLICYKB_ENGINE", None)
    return {"searches": len(ms), "p50_ms": _round(percentile(ms, 50)), "p95_ms": _round(percentile(ms, 95))}


def rebuild_under_load(home: Path, corpus: Path, engine: str, workers: int, clients: int, mix,
                       after: float, progress) -> dict:
    """A run of clients during which a build of the same corpus is published."""
    env = {"POLICYKB_ENGINE": engine}
    with ServerProcess(home, workers, env=env) as server:
        before = Path(os.readlink(home / "current")).name
        stop = threading.Event()
        result: dict = {}

        def rebuild():
            time.sleep(after)
            result["build_s"] = round(build(home, corpus, engine), 1)
            result["finished"] = time.monotonic()
            time.sleep(after)
            stop.set()

        th = threading.Thread(target=rebuild, daemon=True)
        th.start()
        samples, wall = run_load(server.url, mix, clients, MAX_SECONDS, stop=stop)
        th.join(MAX_SECONDS)
    if "finished" not in result:
        raise RuntimeError("the rebuild did not finish within the run")
    new = Path(os.readlink(home / "current")).name
    late = [s for s in samples if s.sent > result["finished"]]
    out = summary(samples, wall)
    out.update(workers=workers, build_s=result["build_s"], old_build=before, new_build=new,
               answered_by_old=sum(s.build == before for s in samples),
               answered_by_new=sum(s.build == new for s in samples),
               sent_after_publish=len(late), sent_after_publish_answered_by_old=sum(s.build != new for s in late))
    progress(f"  rebuild under load: {out['errors']} errors in {out['requests']} requests; "
             f"old build answered {out['answered_by_old']}, new {out['answered_by_new']}; "
             f"{out['sent_after_publish_answered_by_old']} of {len(late)} sent after the swap got the old build")
    return out


def run(engines: list[str], workers: list[int], clients: int, seconds: float, corpus: Path, rounds: int,
        progress=lambda s: print(s, file=sys.stderr, flush=True)) -> dict:
    from policykb.bench.queries import load_queries, resolve_docs
    from kb import open_kb

    report = {"clients": clients, "seconds": seconds, "corpus": str(corpus), "engines": []}
    with tempfile.TemporaryDirectory(prefix="serve-load-") as tmp:
        for engine in engines:
            home = Path(tmp) / engine
            progress(f"[{engine}] building {corpus} …")
            build_s = build(home, corpus, engine)
            kb = open_kb(home)
            queries = resolve_docs(load_queries(), [d.id for d in kb.documents()])
            mix = request_mix(kb, queries)
            del kb
            entry = {"engine": engine, "build_s": round(build_s, 1), "mix": len(mix),
                     "in_process_search": in_process_search(home, engine, queries, rounds), "runs": []}
            progress(f"[{engine}] in-process KB.search: p50 {entry['in_process_search']['p50_ms']} ms, "
                     f"p95 {entry['in_process_search']['p95_ms']} ms")
            for w in workers:
                with ServerProcess(home, w, env={"POLICYKB_ENGINE": engine}) as server:
                    # Warm-up: enough connections that every worker loads its dictionaries and indexes.
                    run_load(server.url, mix, clients, seconds, max_requests=2 * len(mix))
                    one = summary(*run_load(server.url, mix, 1, seconds, max_requests=len(mix)))
                    s = summary(*run_load(server.url, mix, clients, seconds))
                    s["rss_mb"] = server.rss_mb()
                s.update(workers=w, one_client_search_p50_ms=one["search_p50_ms"],
                         one_client_search_p95_ms=one["search_p95_ms"])
                entry["runs"].append(s)
                progress(f"[{engine}] {w} worker(s): {s['requests']} requests, {s['errors']} errors, "
                         f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms (search p95 {s['search_p95_ms']} ms; "
                         f"one client alone: {s['one_client_search_p95_ms']} ms), {s['throughput_rps']} req/s, "
                         f"{s['rss_mb']} MB")
            entry["rebuild"] = rebuild_under_load(home, corpus, engine, max(workers), clients, mix,
                                                  after=min(5.0, seconds / 3), progress=progress)
            report["engines"].append(entry)
    return report


def format_report(report: dict) -> str:
    lines = [f"policykb serve on 127.0.0.1: {report['clients']} concurrent clients, {report['seconds']} s per run, "
             f"mixed endpoints over {report['corpus']}",
             "",
             "| engine | workers | requests | errors | p50 ms | p95 ms | search p95 ms | search p95 ms, one client "
             "| in-process KB.search p95 ms | req/s | server RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for e in report["engines"]:
        for r in e["runs"]:
            lines.append(f"| {e['engine']} | {r['workers']} | {r['requests']} | {r['errors']} | {r['p50_ms']} | "
                         f"{r['p95_ms']} | {r['search_p95_ms']} | {r['one_client_search_p95_ms']} | "
                         f"{e['in_process_search']['p95_ms']} | {r['throughput_rps']} | {r['rss_mb']} |")
    lines += ["", "Rebuild published under load:", ""]
    for e in report["engines"]:
        r = e["rebuild"]
        lines.append(f"- {e['engine']}, {r['workers']} workers: {r['errors']} errors in {r['requests']} requests "
                     f"(build {r['build_s']} s); answered by the old build {r['answered_by_old']}, by the new "
                     f"{r['answered_by_new']}; sent after the swap and answered by the old build: "
                     f"{r['sent_after_publish_answered_by_old']} of {r['sent_after_publish']}")
        for err in r["first_errors"]:
            lines.append(f"    error: {err}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m policykb.bench.serve_load", description=__doc__.split("\n\n")[0])
    p.add_argument("--engines", default="tantivy,whoosh", help="comma-separated (default tantivy,whoosh)")
    p.add_argument("--workers", default="1,2", help="worker counts to measure (default 1,2)")
    p.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    p.add_argument("--seconds", type=float, default=15, help=f"seconds per run (default 15, at most {MAX_SECONDS})")
    p.add_argument("--rounds", type=int, default=5, help="passes over the query mix in process (default 5)")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="corpus folder (default ./corpus)")
    p.add_argument("--save", type=Path, default=None, help="also write the JSON report here")
    args = p.parse_args(argv)
    report = run([e.strip() for e in args.engines.split(",") if e.strip()],
                 [int(w) for w in args.workers.split(",")], args.clients, args.seconds, args.corpus, args.rounds)
    if args.save:
        args.save.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(format_report(report))
    failed = sum(r["errors"] for e in report["engines"] for r in e["runs"] + [e["rebuild"]])
    late = sum(e["rebuild"]["sent_after_publish_answered_by_old"] for e in report["engines"])
    return 1 if failed or late else 0


if __name__ == "__main__":
    sys.exit(main())
