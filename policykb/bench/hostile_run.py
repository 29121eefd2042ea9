"""Replay the hostile-input audit (issue 17) at full size: time, peak memory and outcome per case.

    python -m policykb.bench.hostile_run            # every case (about 10 minutes on 2 cores)
    python -m policykb.bench.hostile_run --quick    # the same cases at a quarter of the size
    python -m policykb.bench.hostile_run --json     # one JSON document

Each case runs in a fresh process (its peak RSS is its own) on an input written by
``policykb.bench.hostile``. Growth is reported as a ratio against the same case at a smaller
size measured in the same run (times here are noisy: compare ratios, not seconds). The PDF case
reads the same file with PDFium (what policykb uses) and with pypdf (the reader it replaced).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MB = 2**20


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (MB if sys.platform == "darwin" else 1024), 1)


# ---------------------------------------------------------------------------
# One case, in the child process
# ---------------------------------------------------------------------------


def _make(case: str, size: int, work: Path) -> Path:
    from policykb.bench import hostile

    if case in ("txt-structure", "txt-pipeline"):
        return hostile.repeated_numbering_txt(work / "repeated.txt", size)
    if case in ("docx-paragraphs", "docx-pipeline"):
        return hostile.identical_paragraphs_docx(work / "paragraphs.docx", size)
    if case == "html-nested":
        return hostile.nested_divs_html(work / "nested.html", size)
    if case == "docx-zip-bomb":
        return hostile.zip_bomb_docx(work / "bomb.docx", size)
    if case == "docx-lying-sizes":
        return hostile.lying_docx(work / "liar.docx", size)
    if case == "docx-billion-laughs":
        return hostile.billion_laughs_docx(work / "laughs.docx")
    if case in ("pdf-pdfium", "pdf-pypdf"):
        return hostile.many_pages_pdf(work / "long.pdf", size, hostile.PDF_LINES * 8)
    if case == "pdf-corrupt-xref":
        return hostile.corrupt_xref_pdf(work / "corrupt.pdf")
    raise SystemExit(f"unknown case {case}")


def _run(case: str, path: Path):
    """Read/parse the input the way policykb does; returns a short description of the result."""
    from indexer.sources import read_source

    if case == "txt-structure":
        from indexer import structure
        from indexer.normalize import normalize

        result = structure.parse(normalize(path.read_text(encoding="utf-8")), "bench")
        return f"{len(result.provisions)} provisions"
    if case in ("txt-pipeline", "docx-pipeline"):
        from indexer.pipeline import parse_file

        pd = parse_file(path, {})
        return f"{len(pd.provisions)} provisions, {len(pd.tasks)} tasks"
    if case == "pdf-pypdf":
        from pypdf import PdfReader

        pages = [p.extract_text() or "" for p in PdfReader(str(path)).pages]
        return f"{len(pages)} pages, {sum(map(len, pages))} characters (pypdf)"
    src = read_source(path)
    return f"{len(src.text)} characters"


def child(case: str, size: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="policykb-hostile-") as tmp:
        path = _make(case, size, Path(tmp))
        file_size = path.stat().st_size
        if case.endswith("pipeline"):  # load the NLP models before timing (a build does it once)
            from indexer.pipeline import parse_text
            from policykb.bench import hostile

            parse_text(hostile.HEAD + hostile.PART + hostile.SENTENCE, {}, doc_id="warm")
        base = _peak_mb()
        t = time.perf_counter()
        try:
            outcome = "ok: " + _run(case, path)
        except Exception as e:  # noqa: BLE001 - the outcome is what we report
            from kb.errors import PolicyKBError

            kind = "refused" if isinstance(e, PolicyKBError) else f"FAILED ({type(e).__name__})"
            outcome = f"{kind}: {str(e).splitlines()[0][:160]}"
        seconds = time.perf_counter() - t
    return {"case": case, "size": size, "file_bytes": file_size, "seconds": round(seconds, 2),
            "peak_rss_mb": _peak_mb(), "rss_before_mb": base, "outcome": outcome}


# ---------------------------------------------------------------------------
# The URL deadline (in the parent: a local server that drips header lines)
# ---------------------------------------------------------------------------


class _Drip(http.server.BaseHTTPRequestHandler):
    interval = 15.0

    def log_message(self, *args):
        pass

    def do_GET(self):
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for i in range(1000):
                self.wfile.write(f"X-Drip-{i}: .\r\n".encode())
                self.wfile.flush()
                time.sleep(self.interval)
        except OSError:
            pass


def url_deadline(timeout: float, interval: float) -> dict:
    from indexer.sources import URL_TOTAL_TIMEOUTS, fetch_url
    from kb.errors import InputError

    _Drip.interval = interval
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    t = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            fetch_url(f"http://127.0.0.1:{server.server_address[1]}/", timeout=timeout, workdir=Path(tmp))
        outcome = "FAILED: the fetch returned"
    except InputError as e:
        outcome = f"refused: {e}"
    finally:
        server.shutdown()
    return {"case": "url-drip-headers", "size": f"a header line every {interval:g} s", "file_bytes": 0,
            "seconds": round(time.perf_counter() - t, 2), "peak_rss_mb": None,
            "deadline_s": URL_TOTAL_TIMEOUTS * timeout, "outcome": outcome}


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------

# (case, full size, smaller size for the growth ratio or None); sizes in the generator's unit.
CASES = [
    ("txt-structure", int(7.5 * MB), int(7.5 * MB) // 4),  # bytes
    ("txt-pipeline", 2 * MB, MB // 2),
    ("docx-paragraphs", 150_000, 150_000 // 4),  # paragraphs
    ("docx-pipeline", 40_000, 10_000),
    ("html-nested", 50_000, 50_000 // 4),  # nesting depth
    ("docx-zip-bomb", 734 * MB, None),  # inflated bytes
    ("docx-lying-sizes", 64 * MB, None),
    ("docx-billion-laughs", 0, None),
    ("pdf-pdfium", 3000, 750),  # pages
    ("pdf-pypdf", 3000, None),
    ("pdf-corrupt-xref", 0, None),
]


def _in_child(case: str, size: int) -> dict:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "policykb.bench.hostile_run", "--child", case, str(size)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return {"case": case, "size": size, "seconds": None, "peak_rss_mb": None,
                "outcome": f"FAILED (exit {proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}"}
    return json.loads(proc.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m policykb.bench.hostile_run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a quarter of each size, and a 2 s drip against a 1 s timeout")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    ap.add_argument("--only", default=None, help="comma-separated case names")
    ap.add_argument("--child", nargs=2, metavar=("CASE", "SIZE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1])), ensure_ascii=False))
        return 0
    only = set(args.only.split(",")) if args.only else None
    rows = []
    for case, size, smaller in CASES:
        if only and case not in only:
            continue
        if args.quick:
            size, smaller = max(size // 4, 1) if size else 0, (max(smaller // 4, 1) if smaller else None)
        row = _in_child(case, size)
        if smaller:
            base = _in_child(case, smaller)
            row["baseline"] = {"size": smaller, "seconds": base["seconds"], "peak_rss_mb": base["peak_rss_mb"]}
            if row["seconds"] and base["seconds"]:
                row["growth"] = f"{size / smaller:g}× input → {row['seconds'] / base['seconds']:.1f}× time"
        rows.append(row)
        if not args.json:
            _print(row)
    if not only or "url-drip-headers" in only:
        row = url_deadline(1.0, 2.0) if args.quick else url_deadline(20.0, 15.0)
        rows.append(row)
        if not args.json:
            _print(row)
    if args.json:
        print(json.dumps({"cases": rows, "quick": args.quick}, ensure_ascii=False, indent=2))
    return 0 if not any(str(r["outcome"]).startswith("FAILED") for r in rows) else 1


def _print(row: dict) -> None:
    seconds = "—" if row["seconds"] is None else f"{row['seconds']:.2f} s"
    rss = "—" if row.get("peak_rss_mb") is None else f"{row['peak_rss_mb']:.0f} MB"
    growth = f"  [{row['growth']}]" if row.get("growth") else ""
    print(f"{row['case']:<20} {str(row['size']):>12}  {seconds:>9}  peak {rss:>8}{growth}\n    → {row['outcome']}",
          flush=True)


if __name__ == "__main__":
    sys.exit(main())
