"""A small KB for the app tests: the real seed corpus plus two fixture documents.

``escape-test`` has markup in its text (``<script>``, ``<b>``, ``<a href=javascript:…>``,
``<img onerror=…>``) that must render as text; ``outline-test`` is an outline document (status: outline).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from indexer.build import build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "app_corpus"


def build_fixture_kb(home: Path, with_fixtures: bool = True) -> Path:
    """Copy the corpus (and the fixture documents) beside ``home`` and build the KB into ``home``."""
    corpus = home.parent / f"{home.name}-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    sources = [ROOT / "corpus"] + ([FIXTURES] if with_fixtures else [])
    for src in sources:
        for f in src.iterdir():
            if f.is_file():
                shutil.copy2(f, corpus / f.name)
    build(corpus, home, progress=None)
    return home


def run_app(page=None, **params) -> AppTest:
    """Run the app under AppTest (on ``page``, a ``nav.PageSpec``, if given) with URL query parameters;
    the KB is the one ``POLICYKB_HOME`` names."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    if page is not None:
        at.switch_page(page.script)
    at.run()
    return at
