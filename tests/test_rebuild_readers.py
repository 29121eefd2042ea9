"""Readers keep working across rebuilds (issue 17, ``kb.paths.hold``).

A ``KB`` opened before a rebuild answers afterwards, from threads that did not exist before
it (each opens its own SQLite connection and search index): its build stays on disk while
the ``KB`` holds it, and a later build removes it once released. Real rebuilds run while
readers read.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, SEED_ID
from indexer.build import build
from kb import open_kb, paths


@pytest.fixture(scope="module")
def corpus(small_corpus) -> Path:
    return small_corpus


@pytest.fixture
def home(tmp_path, corpus) -> Path:
    h = tmp_path / "home"
    build(corpus, h, progress=None)
    return h


def builds(home: Path) -> list[Path]:
    return sorted(p for p in home.iterdir() if p.name.startswith("build-") and not p.name.endswith(".tmp"))


def in_new_thread(fn):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def test_a_kb_opened_before_rebuilds_answers_from_new_threads(home, corpus):
    kb = open_kb(home)
    first = kb.build_dir
    hits = kb.search("高邮湖").hits
    assert hits and not kb.stale
    build(corpus, home, progress=None)
    build(corpus, home, progress=None)
    assert kb.stale and first.is_dir()
    # New threads: a new SQLite connection and a new search of the old build.
    assert in_new_thread(lambda: [h.id for h in kb.search("高邮湖").hits]) == [h.id for h in hits]
    assert in_new_thread(lambda: len(kb.documents())) == 1
    assert in_new_thread(lambda: kb.show(SEED_ID)["document"]["id"]) == SEED_ID
    assert len(builds(home)) == 2  # the build of this KB, and the current one (the middle one went)
    kb.release()
    build(corpus, home, progress=None)  # the next build removes what nobody holds
    assert not first.exists()
    assert builds(home) == [paths.current_build(home)]


def test_a_garbage_collected_kb_lets_go_of_its_build(home, corpus):
    kb = open_kb(home)
    first = kb.build_dir
    build(corpus, home, progress=None)
    assert first.is_dir()
    del kb
    gc.collect()
    build(corpus, home, progress=None)
    assert not first.exists()


def test_a_killed_reader_does_not_keep_a_build_forever(home, corpus):
    code = ("import sys, time; from kb import open_kb; kb = open_kb(sys.argv[1]); kb.documents(); "
            "print('ready', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(home)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout.readline().strip() == "ready"
        first = paths.current_build(home)
        build(corpus, home, progress=None)
        assert first.is_dir()  # the reader is alive: kept
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        build(corpus, home, progress=None)  # its hold died with it: the next build removes the build
        assert not first.exists()
    finally:
        proc.kill()
        proc.wait()


def test_readers_during_real_rebuilds_never_fail(home, corpus):
    """The app's pattern (open the current build once, keep the KB, use it from whatever thread
    serves the next request) and a long-lived KB, both under 3 rebuilds by another process."""
    errors: list[str] = []
    runs = [0]
    stop = threading.Event()
    long_lived = open_kb(home)
    cache: dict[Path, object] = {}
    cache_lock = threading.Lock()

    def app_kb():
        build_dir = paths.current_build(home)
        with cache_lock:
            kb = cache.get(build_dir)
            if kb is None:
                kb = cache[build_dir] = open_kb(home)
                while len(cache) > 2:  # the app keeps a few (st.cache_resource max_entries)
                    cache.pop(next(iter(cache)))
            return kb

    def reader(k: int):
        while not stop.is_set():
            def one():
                kb = app_kb() if k % 2 else long_lived
                assert kb.search("高邮湖").hits
                assert kb.show(SEED_ID)["provisions"]
            try:
                in_new_thread(one)
                runs[0] += 1
            except Exception as e:  # noqa: BLE001 - every failure is the finding
                errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    env = {**os.environ, "POLICYKB_HOME": str(home), "PYTHONPATH": str(ROOT)}
    try:
        for _ in range(3):
            proc = subprocess.run([sys.executable, "-m", "policykb", "build", "--corpus", str(corpus), "--quiet"],
                                  capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
            assert proc.returncode == 0, proc.stderr
            time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, f"{len(errors)} of {runs[0] + len(errors)} runs failed: {errors[:3]}"
    assert runs[0] > 20
    cache.clear()
    long_lived.release()
    gc.collect()
    build(corpus, home, progress=None)
    assert builds(home) == [paths.current_build(home)]  # nothing left behind once readers let go
