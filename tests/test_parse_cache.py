"""The parse cache: a rebuild parses only changed documents and gives the same KB."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from conftest import CORPUS
from indexer.build import build
from indexer.parse_cache import DIR, ParseCache, entry_key, fingerprint


def dump(build_dir) -> dict[str, list]:
    """Every row of every table of a build's SQLite file (but the build time)."""
    con = sqlite3.connect(build_dir / "kb.sqlite")
    tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'") if t != "meta"]
    out = {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    con.close()
    return out


@pytest.fixture
def corpus(tmp_path):
    out = tmp_path / "corpus"
    shutil.copytree(CORPUS, out)
    return out


def test_a_rebuild_loads_unchanged_documents_and_gives_the_same_kb(corpus, tmp_path):
    home = tmp_path / "home"
    first = build(corpus, home, progress=None)  # (a build removes the builds before it)
    n, before = len(first.documents), dump(first.build_dir)
    assert first.cached == 0
    second = build(corpus, home, progress=None)
    assert second.cached == n
    assert dump(second.build_dir) == before
    # The same corpus built without a cache (another home) gives the same KB too.
    assert dump(build(corpus, tmp_path / "fresh", progress=None).build_dir) == before


def test_a_changed_document_is_parsed_again(corpus, tmp_path):
    home = tmp_path / "home"
    first = build(corpus, home, progress=None)
    seed = next(p for p in corpus.glob("*.txt"))
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("高邮湖", "高邮湖（测试改动）", 1), encoding="utf-8")
    second = build(corpus, home, progress=None)
    assert second.cached == len(first.documents) - 1
    changed = next(pd for pd in second.documents if pd.document.source == seed.name)
    assert "高邮湖（测试改动）" in changed.document.text


def test_an_unreadable_cache_file_is_parsed_again_and_rewritten(corpus, tmp_path):
    home = tmp_path / "home"
    first = build(corpus, home, progress=None)
    before = dump(first.build_dir)
    files = sorted((home / DIR / fingerprint()).glob("*.json"))
    assert len(files) == len(first.documents)
    files[0].write_bytes(b"{not json")
    second = build(corpus, home, progress=None)
    assert second.cached == len(first.documents) - 1
    assert dump(second.build_dir) == before
    assert build(corpus, home, progress=None).cached == len(first.documents)


def test_entries_of_other_code_versions_and_removed_files_are_pruned(corpus, tmp_path):
    home = tmp_path / "home"
    old = home / DIR / ("0" * 20)
    old.mkdir(parents=True)
    (old / "x.json").write_bytes(b"")
    first = build(corpus, home, progress=None)
    assert not old.exists()
    victim = next(p for p in corpus.glob("*.outline.yaml"))
    victim.unlink()
    second = build(corpus, home, progress=None)
    assert len(second.documents) == len(first.documents) - 1
    assert len(list((home / DIR / fingerprint()).glob("*.json"))) == len(second.documents)


def test_the_key_follows_content_path_and_metadata(corpus, tmp_path):
    from indexer.corpus import discover

    entry = discover(corpus)[0]
    key = entry_key(entry)
    assert entry_key(entry) == key
    moved = tmp_path / "elsewhere"
    shutil.copytree(corpus, moved)
    assert entry_key(discover(moved)[0]) != key  # another path
    entry.meta = {**entry.meta, "title": "另一个标题"}
    assert entry_key(entry) != key
    assert ParseCache(tmp_path / "h").get("missing") is None


def test_a_crafted_cache_file_runs_no_code_and_is_parsed_again(corpus, tmp_path):
    """The cache is JSON: a pickle that would run code when loaded is only an unreadable file."""
    import pickle

    home = tmp_path / "home"
    first = build(corpus, home, progress=None)
    before = dump(first.build_dir)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    files = sorted((home / DIR / fingerprint()).glob("*.json"))
    files[0].write_bytes(pickle.dumps(Exploit()))
    files[1].write_text('{"format": 1, "document": {"id": 5}}', encoding="utf-8")  # valid JSON, wrong shape
    second = build(corpus, home, progress=None)
    assert not marker.exists()
    assert second.cached == len(first.documents) - 2
    assert dump(second.build_dir) == before
