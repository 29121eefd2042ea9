"""Readers across a rebuild: a ``KB`` keeps the build it opened, a build removes only builds
nobody holds, and ``current_kb`` follows the ``current`` link (what ``policykb serve`` uses)."""

from __future__ import annotations

import gc
import shutil
import threading
from pathlib import Path

import pytest

from conftest import CORPUS, SEED_ID
from indexer.build import build
from kb.api import current_kb, open_kb


@pytest.fixture
def home(tmp_path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in CORPUS.glob(f"{SEED_ID}.*"):
        shutil.copy(p, corpus / p.name)
    home = tmp_path / "home"
    build(corpus, home, progress=None)
    return home, corpus


def in_new_thread(func):
    out = {}
    th = threading.Thread(target=lambda: out.update(value=func()))
    th.start()
    th.join()
    return out["value"]


def builds(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir() if p.name.startswith("build-"))


def test_a_kb_opened_before_a_rebuild_keeps_reading_its_build(home):
    home, corpus = home
    kb = open_kb(home)
    old = kb.build_dir
    build(corpus, home, progress=None)
    assert old.exists() and (home / "current").resolve() != old  # held: not removed by the build
    # A new thread opens new connections and searchers: they still find the old build's files.
    assert in_new_thread(lambda: kb.search("高邮湖").total) >= 1
    assert in_new_thread(lambda: [d.id for d in kb.documents()]) == [SEED_ID]

    del kb
    gc.collect()
    build(corpus, home, progress=None)  # nobody holds it now
    assert not old.exists()
    assert builds(home) == [(home / "current").resolve().name]


def test_current_kb_follows_the_current_link_and_leaves_the_old_kb_working(home):
    home, corpus = home
    first = current_kb(home)
    assert current_kb(home) is first
    build(corpus, home, progress=None)
    second = current_kb(home)
    assert second is not first and second.build_dir == (home / "current").resolve()
    assert current_kb(home) is second
    assert first.build_dir.exists() and in_new_thread(lambda: first.search("高邮湖").total) >= 1
