"""Adding a document to a built KB (`policykb ingest` → ``indexer.build.update``) gives the same
KB as a full rebuild of the same corpus: same links, same citations, same search hits — and it
recomputes only what concerns the new document."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CORPUS

MULTI = Path(__file__).parent / "fixtures" / "multi_corpus"
QUERIES = ["农村生活污水", "黑臭水体", "宝应湖 水质", "河湖长制", "碳达峰", "生态缓冲带", "细颗粒物"]


def _kb_state(home: Path) -> dict:
    from kb import open_kb

    kb = open_kb(home)
    links = sorted(kb.reader.query("SELECT source_id, target_id, kind, score, data FROM links"))
    cites = sorted(kb.reader.query("SELECT doc_id, provision_id, resolved_id, start FROM citations"))
    docs = kb.reader.query("SELECT id, seq FROM documents ORDER BY seq")
    hits = {q: sorted((h.id, round(h.score, 4)) for h in kb.search(q, limit=500).hits) for q in QUERIES}
    totals = {q: kb.search(q, limit=5).total for q in QUERIES}
    out = {"links": links, "citations": cites, "documents": docs, "hits": hits, "totals": totals}
    kb.close()
    return out


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
@pytest.mark.parametrize("new", ["baoying-2025-beautiful", "central-2021-rural-sewage"])
def test_incremental_ingest_equals_a_full_rebuild(tmp_path, monkeypatch, engine, new):
    """A county plan (it implements three documents of the KB) and a central guideline (three
    documents of the KB can implement it, one cites it): added to a built KB, then compared
    with a fresh build of the same files."""
    from indexer.build import build, update

    monkeypatch.setenv("POLICYKB_ENGINE", engine)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    for f in MULTI.iterdir():
        if not f.name.startswith(new):
            shutil.copy(f, corpus / f.name)
    build(corpus, tmp_path / "inc", progress=None)
    for f in MULTI.glob(new + ".*"):
        shutil.copy(f, corpus / f.name)
    summary = update(corpus, [new], tmp_path / "inc", progress=None)
    assert summary.incremental
    build(corpus, tmp_path / "full", progress=None)
    inc, full = _kb_state(tmp_path / "inc"), _kb_state(tmp_path / "full")
    assert inc["links"] == full["links"] and any(r[0].startswith(new) or r[1].startswith(new) for r in inc["links"])
    assert inc["citations"] == full["citations"]
    assert inc["documents"] == full["documents"]
    assert inc["totals"] == full["totals"]
    assert inc["hits"] == full["hits"]


def test_update_falls_back_to_a_full_build_when_another_document_changed(tmp_path):
    from indexer.build import build, update

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    build(corpus, tmp_path / "h", progress=None)
    text = corpus / "yangzhou-2024-118.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    shutil.copy(MULTI / "baoying-2025-beautiful.txt", corpus)
    shutil.copy(MULTI / "baoying-2025-beautiful.meta.yaml", corpus)
    summary = update(corpus, ["baoying-2025-beautiful"], tmp_path / "h", progress=None)
    assert not summary.incremental and len(summary.documents) == 4


def test_a_failed_update_leaves_the_previous_kb(tmp_path, monkeypatch):
    from indexer import build as build_mod
    from kb import open_kb
    from kb.search import whoosh_engine

    monkeypatch.setenv("POLICYKB_ENGINE", "whoosh")
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    build_mod.build(corpus, tmp_path / "h", progress=None)
    before = (tmp_path / "h" / "current").resolve()
    shutil.copy(MULTI / "baoying-2025-beautiful.txt", corpus)
    shutil.copy(MULTI / "baoying-2025-beautiful.meta.yaml", corpus)

    def boom(self, index_dir, records):
        raise OSError("disk full")

    monkeypatch.setattr(whoosh_engine.WhooshEngine, "add", boom)
    from kb.errors import StorageError

    with pytest.raises(StorageError, match="nothing was changed"):  # the one-line message of a write failure
        build_mod.update(corpus, ["baoying-2025-beautiful"], tmp_path / "h", progress=None)
    assert (tmp_path / "h" / "current").resolve() == before
    assert not list((tmp_path / "h").glob("*.tmp"))
    kb = open_kb(tmp_path / "h")
    assert "baoying-2025-beautiful" not in {d.id for d in kb.documents()}
    assert kb.search("宝应湖").total > 0
