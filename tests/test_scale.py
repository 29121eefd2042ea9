"""What keeps a large corpus workable: the synthetic corpus of the benchmark is what it claims
to be, the benchmark's query mix translates for each baseline, and the link stage stays linear
in the number of documents."""

from __future__ import annotations

import collections

import pytest

from conftest import CORPUS


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from policykb.bench.synth import write_corpus
    from indexer.build import parse_corpus

    out = tmp_path_factory.mktemp("synthetic")
    info = write_corpus(out, 1500, CORPUS, seed=3)
    return info, parse_corpus(out, progress=None)


def test_synthetic_corpus_has_exactly_the_clauses_asked_for(synthetic):
    info, docs = synthetic
    assert info.clauses == 1500 == sum(pd.document.clauses for pd in docs)
    assert info.documents == len(docs) >= 8
    assert not [w for pd in docs for w in pd.document.warnings]  # every document parses cleanly
    for pd in docs:
        d = pd.document
        assert d.title and d.doc_number and d.date and d.level in ("provincial", "municipal", "county")
        assert d.parts >= 1 and d.articles >= 1


def test_synthetic_corpus_varies_places_and_words(synthetic):
    _, docs = synthetic
    issuers = {pd.document.issuer for pd in docs}
    assert len(issuers) >= len(docs) * 0.8
    clauses = [p.text for pd in docs for p in pd.provisions if p.kind == "clause"]
    assert len(set(clauses)) >= 0.9 * len(clauses)  # recombined and varied, not repeated
    words = collections.Counter(w for c in clauses for w in c.split("，"))
    assert len(words) > 2000


def test_synthetic_corpus_is_reproducible(tmp_path):
    from policykb.bench.synth import write_corpus

    a, b = tmp_path / "a", tmp_path / "b"
    write_corpus(a, 300, CORPUS, seed=11)
    write_corpus(b, 300, CORPUS, seed=11)
    assert sorted(p.read_bytes() for p in a.iterdir()) == sorted(p.read_bytes() for p in b.iterdir())


def test_query_mix_and_its_fts5_translation():
    from policykb.bench.queries import KINDS, fts5_match, load_queries, resolve_docs

    queries = load_queries()
    assert {q.kind for q in queries} == set(KINDS) and len(queries) >= 50
    seg = lambda s: {"生态环境": ["生态", "环境"]}.get(s, [s])  # noqa: E731
    assert fts5_match("生态环境 监测", seg) == '"生态 环境" AND "监测"'
    assert fts5_match('"生态环境 保护"', seg) == '"生态环境保护"'
    assert fts5_match("碳达峰 OR 碳中和", seg) == '"碳达峰" OR "碳中和"'
    assert fts5_match("污染 NOT 土壤", seg) == '"污染" NOT "土壤"'
    assert fts5_match('say "x""', seg).count('"') % 2 == 0
    resolved = resolve_docs([q for q in queries if "doc" in q.filters], ["d1", "d2", "d3"])
    assert {q.filters["doc"] for q in resolved} <= {"d1", "d2", "d3"}


def test_link_stage_aligns_with_few_upstream_documents(synthetic):
    """A document citing none of the KB is aligned with its most similar higher-level
    documents, not with every one (which made the stage quadratic)."""
    from indexer import link
    from indexer.align import LEVEL_RANK

    _, docs = synthetic
    by_id = {pd.document.id: pd for pd in docs}
    profiles = link.DocProfiles(by_id)
    higher_than_county = [d for d, pd in by_id.items() if pd.document.level != "county"]
    assert len(higher_than_county) > link.FALLBACK_UPSTREAMS
    for pd in docs:
        ups = link.upstream_docs(pd, by_id, profiles)
        assert len(ups) <= link.FALLBACK_UPSTREAMS
        mine = LEVEL_RANK[pd.document.level]
        assert all(LEVEL_RANK[by_id[u].document.level] < mine for u in ups)
        if pd.document.level == "county":
            assert len(ups) == link.FALLBACK_UPSTREAMS
            others = [d for d in higher_than_county if d not in ups]
            worst = min(profiles.similarity(pd.document.id, u) for u in ups)
            assert all(profiles.similarity(pd.document.id, o) <= worst for o in others)


def test_link_stage_keeps_every_upstream_of_a_small_corpus():
    from indexer import link
    from indexer.build import parse_corpus

    docs = parse_corpus(CORPUS, progress=None)
    by_id = {pd.document.id: pd for pd in docs}
    for pd in docs:
        ups = link.upstream_docs(pd, by_id)
        higher = [d for d, o in by_id.items()
                  if link.align.LEVEL_RANK[o.document.level] < link.align.LEVEL_RANK[pd.document.level]]
        assert set(ups) <= set(higher)
        if not any(c.resolved_id in by_id for c in pd.citations):
            assert set(ups) == set(higher)  # three documents: no cap reached


def test_bench_command_runs_outside_the_source_folder(tmp_path):
    """`policykb bench` as the installed script runs it: from any folder (the source folder is
    not on sys.path), a small run prints the JSON report with every engine asked for."""
    import json
    import subprocess
    import sys

    script = "import sys; from policykb.cli import main; sys.exit(main())"
    cmd = [sys.executable, "-c", script, "bench", "--clauses", "400", "--repeats", "1", "--rounds", "1",
           "--engines", "tantivy,baseline:sqlite-fts5", "--corpus", str(CORPUS), "--json", "--quiet"]
    out = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["clauses"] == 400
    engines = {r["engine"]: r for r in report["results"]}
    assert set(engines) == {"tantivy", "baseline:sqlite-fts5"}
    assert engines["tantivy"]["query_p95_ms"] > 0 and engines["tantivy"]["peak_rss_mb"] > 0


def test_a_large_corpus_built_with_whoosh_gets_the_advice_to_use_tantivy(tmp_path, monkeypatch):
    """`policykb build` says when the corpus is too large for the Whoosh engine (and not with
    tantivy); the threshold is lowered here so the real corpus crosses it."""
    from indexer.build import build
    from kb.search import engine

    assert engine.scale_advice(engine.LARGE_CORPUS, "whoosh") is None
    assert "POLICYKB_ENGINE=tantivy" in engine.scale_advice(engine.LARGE_CORPUS + 1, "whoosh")
    assert engine.scale_advice(10 * engine.LARGE_CORPUS, "tantivy") is None

    monkeypatch.setattr(engine, "LARGE_CORPUS", 50)
    monkeypatch.setenv("POLICYKB_ENGINE", "whoosh")
    summary = build(CORPUS, tmp_path / "w", progress=None)
    assert any("tantivy" in w for w in summary.warnings)
    monkeypatch.setenv("POLICYKB_ENGINE", "tantivy")
    summary = build(CORPUS, tmp_path / "t", progress=None)
    assert not any("tantivy" in w for w in summary.warnings)
