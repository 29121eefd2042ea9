"""Shared fixtures: the real corpus built once per test session into a temporary data directory."""

from __future__ import annotations

import os
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
