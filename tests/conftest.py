"""Shared fixtures: the real corpus built once per test session into a temporary data directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_ID = "yangzhou-2024-118"


@pytest.fixture(scope="session")
def kb_home(tmp_path_factory) -> Path:
    """A data directory holding a KB built from the real corpus/ (built once)."""
    from indexer.build import build

    home = tmp_path_factory.mktemp("kbhome")
    build(CORPUS, home, progress=None)
    return home


@pytest.fixture(scope="session")
def kb(kb_home):
    from kb import open_kb

    return open_kb(kb_home)


@pytest.fixture
def use_home(kb_home, monkeypatch):
    """Point POLICYKB_HOME at the session KB (for CLI tests)."""
    monkeypatch.setenv("POLICYKB_HOME", str(kb_home))
    return kb_home


# A small data directory: the seed document alone (tests that damage or rebuild a KB).


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """The seed document alone: a previous KB that builds in a moment."""
    out = tmp_path_factory.mktemp("small-corpus")
    for p in CORPUS.glob(f"{SEED_ID}.*"):
        shutil.copy(p, out / p.name)
    return out


@pytest.fixture(scope="module")
def seed_home(small_corpus, tmp_path_factory) -> Path:
    """A data directory with one complete build of the seed document (built once)."""
    from indexer.build import build

    home = tmp_path_factory.mktemp("seed-home") / "home"
    build(small_corpus, home, progress=None)
    return home


@pytest.fixture
def built_home(tmp_path, seed_home) -> Path:
    """A fresh copy of ``seed_home`` for a test to damage."""
    home = tmp_path / "home"
    shutil.copytree(seed_home, home, symlinks=True)
    (home / ".build.lock").unlink(missing_ok=True)
    return home
