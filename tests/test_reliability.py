"""Reliability: builds killed midway, many threads on one KB, hostile files and queries.

* A ``policykb build`` killed with SIGKILL while it writes its new build folder leaves the
  previous KB answering ``docs``/``show``/``search``; the next build removes the leftovers.
* 8 threads × 1,000 mixed queries against one opened ``KB``: no errors, same answers as alone.
* Bad input (empty, binary, BOM + garbage, truncated HTML, 20 MB files; hostile queries): one
  ``Error: …`` line or a normal answer, never a traceback, never a document lost.

Every test here takes seconds: the large corpus for the kill test is generated once
(``bench.synth``) and shared.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, SEED_ID
from kb.cli import main

KILL_CLAUSES = 5000  # enough that writing the new build (SQLite, search index) takes seconds


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli(home: Path, *argv, timeout: float = 120) -> subprocess.CompletedProcess:
    """The CLI as a user runs it: a fresh process."""
    env = {**os.environ, "POLICYKB_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("POLICYKB_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "kb.cli", *argv], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)


def assert_one_line_error(proc_or_err, code: int | None = None) -> str:
    err = proc_or_err if isinstance(proc_or_err, str) else proc_or_err.stderr
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "internal error" not in lines[0], lines[0]
    if code is not None and not isinstance(proc_or_err, str):
        assert proc_or_err.returncode == code
    return lines[0]


def doc_ids(home: Path) -> list[str]:
    proc = cli(home, "docs", "--json")
    assert proc.returncode == 0, proc.stderr
    return [d["id"] for d in json.loads(proc.stdout)]


def build_dirs(home: Path) -> list[str]:
    """Build folders and temporary links (not ``current``, not the build lock)."""
    return sorted(p.name for p in home.iterdir() if p.name.startswith(("build-", ".current-")))


# ---------------------------------------------------------------------------
# A build killed midway
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """A synthetic corpus of KILL_CLAUSES clauses (plus the real documents)."""
    from bench.synth import write_corpus

    out = tmp_path_factory.mktemp("big-corpus")
    write_corpus(out, KILL_CLAUSES, CORPUS, seed=7)
    return out


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """The seed document alone: a previous KB that builds in a moment."""
    out = tmp_path_factory.mktemp("small-corpus")
    for p in CORPUS.glob(f"{SEED_ID}.*"):
        shutil.copy(p, out / p.name)
    return out


@pytest.fixture
def built_home(tmp_path, small_corpus) -> Path:
    """A data directory with one complete build of the seed document."""
    home = tmp_path / "home"
    proc = cli(home, "build", "--quiet", "--corpus", str(small_corpus))
    assert proc.returncode == 0, proc.stderr
    return home


def kill_midway(home: Path, corpus: Path, wait_for: str | None) -> Path:
    """Start ``policykb build --corpus corpus``; SIGKILL it once its ``build-*.tmp`` folder
    exists (and, if given, once ``wait_for`` exists inside it). Returns the leftover folder."""
    env = {**os.environ, "POLICYKB_HOME": str(home), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "build", "--quiet", "--corpus", str(corpus)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    tmp = None
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            tmps = [p for p in home.glob("build-*.tmp")]
            if tmps and (wait_for is None or (tmps[0] / wait_for).exists()):
                tmp = tmps[0]
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        if proc.poll() is None and tmp is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
    assert tmp is not None, (f"the build ended (exit {proc.returncode}) before it could be killed "
                             "midway; raise KILL_CLAUSES")
    assert proc.returncode == -signal.SIGKILL
    # No worker process (parsing pool, tokenizing helper) outlives the build.
    deadline = time.monotonic() + 10
    while processes_mentioning(str(corpus)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not processes_mentioning(str(corpus)), "a worker of the killed build is still running"
    return tmp


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line mentions ``text`` (zombies excluded)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if text in (d / "cmdline").read_bytes().decode(errors="replace") and \
                    (d / "stat").read_text().split(") ", 1)[1][:1] != "Z":
                out.append(int(d.name))
        except OSError:
            continue
    return out


@pytest.mark.parametrize("wait_for", [None, "kb.sqlite"], ids=["tmp-folder-created", "writing-kb"])
def test_build_killed_midway_leaves_previous_kb_usable(built_home, big_corpus, small_corpus, wait_for,
                                                       capsys, monkeypatch):
    home = built_home
    before_ids = doc_ids(home)
    before_target = os.readlink(home / "current")
    seed_show = cli(home, "show", SEED_ID, "--json")
    assert seed_show.returncode == 0

    leftover = kill_midway(home, big_corpus, wait_for)

    # The previous build is still the current one, complete and answering.
    assert os.readlink(home / "current") == before_target
    assert leftover.exists(), "the killed build should have left its .tmp folder behind"
    assert doc_ids(home) == before_ids
    again = cli(home, "show", SEED_ID, "--json")
    assert again.returncode == 0 and json.loads(again.stdout) == json.loads(seed_show.stdout)
    monkeypatch.setenv("POLICYKB_HOME", str(home))
    code, out, err = run(capsys, "show", f"{SEED_ID}#part_3__art_5__cl_4", "--json")
    assert code == 0 and "船舶受电设施改造" in out, err

    # The next build succeeds and clears the leftovers.
    proc = cli(home, "build", "--quiet", "--corpus", str(small_corpus))
    assert proc.returncode == 0, proc.stderr
    assert not leftover.exists()
    names = build_dirs(home)
    assert len(names) == 1 and not names[0].endswith(".tmp"), names
    assert doc_ids(home) == before_ids


def test_stale_leftovers_of_any_kind_are_cleared(built_home, small_corpus):
    """Leftovers a kill can leave at each step: a .tmp folder, a finished folder never
    linked, a temporary symlink not yet renamed."""
    home = built_home
    current = os.readlink(home / "current")
    (home / "build-20000101-000000-1-000001.tmp").mkdir()
    (home / "build-20000101-000000-1-000001.tmp" / "kb.sqlite").write_bytes(b"partial")
    (home / "build-20000101-000000-2-000002").mkdir()
    os.symlink("build-20000101-000000-2-000002", home / ".current-20000101-000000-2-000002")
    assert SEED_ID in doc_ids(home)  # readers ignore them
    assert os.readlink(home / "current") == current
    proc = cli(home, "build", "--quiet", "--corpus", str(small_corpus))
    assert proc.returncode == 0, proc.stderr
    left = build_dirs(home)
    assert len(left) == 1 and os.readlink(home / "current") == left[0], left


def test_a_second_build_while_one_runs_fails_at_once_with_one_line(built_home, big_corpus, small_corpus):
    home = built_home
    env = {**os.environ, "POLICYKB_HOME": str(home), "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen([sys.executable, "-m", "kb.cli", "build", "--quiet", "--corpus", str(big_corpus)],
                             env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = home / ".build.lock"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and first.poll() is None:
            if lock.exists() and lock.read_text().strip() == str(first.pid):
                break
            time.sleep(0.002)
        assert first.poll() is None, "the first build ended before the second started"
        t = time.monotonic()
        second = cli(home, "build", "--quiet", "--corpus", str(small_corpus))
        assert time.monotonic() - t < 30
        line = assert_one_line_error(second, code=1)
        assert f"another `policykb build` (pid {first.pid})" in line
    finally:
        first.kill()
        first.wait()
    # The lock dies with its holder: the next build runs.
    proc = cli(home, "build", "--quiet", "--corpus", str(small_corpus))
    assert proc.returncode == 0, proc.stderr
    assert SEED_ID in doc_ids(home)
