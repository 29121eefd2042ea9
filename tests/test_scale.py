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


def test_link_stage_aligns_only_with_documents_that_can_be_upstream(synthetic):
    """A document citing none of the KB is aligned with at most FALLBACK_UPSTREAMS documents,
    each of a higher level of its own jurisdiction chain, issued no later, related in topic
    (not with every higher-level document, which made the stage quadratic); the stage's
    links say why each upstream was a candidate."""
    from indexer import link
    from indexer.jurisdiction import LEVEL_RANK, relation

    _, docs = synthetic
    by_id = {pd.document.id: pd for pd in docs}
    profiles = link.DocProfiles(by_id)
    some = 0
    for pd in docs:
        ups = link.upstream_candidates(pd, by_id, profiles)
        assert len(ups) <= link.FALLBACK_UPSTREAMS
        for c in ups:
            up = by_id[c.doc_id].document
            assert LEVEL_RANK[up.level] < LEVEL_RANK[pd.document.level]
            assert relation(up, pd.document)[0] and up.date <= pd.document.date
            assert profiles.related(pd.document.id, c.doc_id) >= link.MIN_RELATED
            assert "上级行政区" in c.reason
        some += bool(ups)
    assert some  # the synthetic corpus has provinces with their cities


def test_link_stage_bounds_links_per_provision(synthetic):
    from indexer import link

    _, docs = synthetic
    per_source = collections.Counter(lk.source_id for lk in link.link_stage(docs) if lk.kind == "aligned")
    assert per_source and max(per_source.values()) <= link.MAX_LINKS


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


def test_a_user_who_sets_no_engine_gets_tantivy_for_a_large_corpus(tmp_path, monkeypatch):
    """The default serves at every size: above LARGE_CORPUS clauses a build with no engine set
    writes a tantivy index and says so; smaller corpora keep Whoosh (the threshold is lowered
    here so the real corpus crosses it)."""
    from indexer.build import build
    from kb import open_kb
    from kb.search import engine

    monkeypatch.delenv("POLICYKB_ENGINE", raising=False)
    small = build(CORPUS, tmp_path / "s", progress=None)
    assert small.engine == "whoosh" and not any("tantivy" in w for w in small.warnings)
    monkeypatch.setattr(engine, "LARGE_CORPUS", 50)
    large = build(CORPUS, tmp_path / "l", progress=None)
    assert large.engine == "tantivy" and any("已自动使用 tantivy" in w for w in large.warnings)
    assert (large.build_dir / "index" / "tantivy").is_dir() and not (large.build_dir / "index" / "whoosh").exists()
    kb = open_kb(tmp_path / "l")
    assert kb.search("高邮湖").total > 0
