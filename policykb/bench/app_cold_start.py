"""The first search after a cold start of the app, in a real browser.

    python -m policykb.bench.app_cold_start [--runs 3] [--home DIR]     # from a checkout

Each run starts ``streamlit run app.py`` afresh (a new process: nothing loaded) and opens
``/?q=高邮湖`` in headless Chromium, timing navigation → first result card. Three cases, in the
same run so they share the machine's load:

- ``baseline``: the server does not warm up at start (``POLICYKB_WARM_ON_START=0``), the browser
  opens as soon as the server answers its health check: the first query loads the analyzer;
- ``warm, at once``: the default: the server warms up before it takes requests
  (``policykb/ui/warm.py``), the browser opens as soon as the health check answers;
- ``warm, idle 15 s``: as the default, the first user arrives 15 s later: what is left is the
  browser loading the app's page and one script run.

Prints the median of each case, its ratio to the baseline, and the median time from process
start to the first health-check answer (what the warm-up adds to a server's start). Needs chromium (tests/browser.py).
Without ``--home`` it builds the test fixture KB in a temporary folder first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]  # a checkout: the bench drives tests/browser.py
sys.path.insert(0, str(ROOT / "tests"))

from browser import AppServer, Browser  # noqa: E402

CARD = "document.querySelectorAll('.pkb-card[data-hit-id]').length > 0"
CASES = (("baseline", "0", 0.0), ("warm, at once", "1", 0.0), ("warm, idle 15 s", "1", 15.0))


def first_result(home: Path, warm: str, idle: float) -> tuple[float, float]:
    """(navigation → first card, process start → ready) in seconds."""
    os.environ["POLICYKB_WARM_ON_START"] = warm
    with Browser(1366, 768) as browser, AppServer(home) as app:
        time.sleep(idle)
        t0 = time.perf_counter()
        browser.open(f"{app.url}/?q={quote('高邮湖')}")
        browser.wait_for(CARD, timeout=120)
        return time.perf_counter() - t0, app.ready_after


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--home", type=Path, help="a built KB (default: build the test fixture KB)")
    args = ap.parse_args(argv)
    home = args.home
    if home is None:
        from fixture_kb import build_fixture_kb

        home = build_fixture_kb(Path(tempfile.mkdtemp(prefix="pkb-cold-")) / "home")
    times: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
    ready: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
    for run in range(args.runs):
        for name, warm, idle in CASES:
            t, r = first_result(home, warm, idle)
            times[name].append(t)
            ready[name].append(r)
            print(f"run {run + 1}: {name}: {t * 1000:.0f} ms (server ready {r * 1000:.0f} ms after start)", flush=True)
    base = statistics.median(times["baseline"])
    print(f"\nnavigation → first result card, median of {args.runs} (load average {os.getloadavg()[0]:.1f}):")
    for name, _, _ in CASES:
        m = statistics.median(times[name])
        print(f"  {name:16s} {m * 1000:6.0f} ms   ×{m / base:.2f} of baseline   "
              f"(server ready {statistics.median(ready[name]) * 1000:.0f} ms after its start)")


if __name__ == "__main__":
    main()
