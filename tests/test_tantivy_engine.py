"""What is particular to the tantivy engine (its search behaviour is tested with Whoosh's in
``test_search.py``): four-gram phrases match exactly where bigram phrases do, a build with
helper processes equals a build in one process, and a folder without an index says so."""

from __future__ import annotations

import random

import pytest
import tantivy

from conftest import CORPUS
from kb.analysis import CJK_RE, bigram_spans
from kb.errors import KBNotBuiltError
from kb.search import tantivy_engine as te


@pytest.fixture(scope="module")
def records():
    from indexer.build import parse_corpus
    from indexer.search_index import records as make_records

    return list(make_records(parse_corpus(CORPUS, progress=None)))


@pytest.fixture(scope="module")
def index(records, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tantivy")
    te.TantivyEngine().build(folder, records)
    return te.TantivyEngine().open(folder)


def _docs(idx, query) -> set:
    res = idx.searcher.search(query, 10000, count=True)
    assert res.count == len(res.hits)
    return {(a.segment_ord, a.doc) for _, a in res.hits}


def test_four_gram_phrases_match_exactly_where_bigram_phrases_do(index, records):
    """Every CJK run of 3–8 characters from the corpus (and across its separators), as the
    phrase of its bigrams on ``*_bi`` and as the engine's query (four-grams on ``*_quad``)."""
    rng = random.Random(8)
    texts = [r.text for r in records] + [r.headings for r in records if r.headings]
    checked = 0
    for _ in range(400):
        t = rng.choice(texts)
        a = rng.randrange(len(t))
        sample = t[a:a + rng.randint(3, 8)]
        bigrams = tuple(x[0] for x in bigram_spans(sample))
        if len(bigrams) < 2 or not all(len(b) == 2 and CJK_RE.match(b) for b in bigrams):
            continue
        for place in ("text", "headings", "context"):
            by_bigrams = _docs(index, tantivy.Query.phrase_query(index.schema, place + "_bi", list(bigrams)))
            form = type("F", (), {"bigrams": bigrams})
            by_grams = _docs(index, te._bigram_query(index.schema, form, place, 1.0))
            assert by_grams == by_bigrams, (sample, place)
        checked += 1
    assert checked > 100


def test_grams_never_join_two_chains():
    # 碳达, a hard separator, 峰值: no gram may span the comma (or a word between runs).
    for text in ("推进碳达，峰值下降", "碳达pm2.5峰值", "蜀冈—瘦西湖", "生态；环境保护", "a生态环境b"):
        tris = te.grow_grams(bigram_spans(text, index=True))
        for gram in [t[0] for t in tris + te.grow_grams(tris, 3)]:
            if all(CJK_RE.match(c) for c in gram):
                assert gram in text.replace("—", ""), (text, gram)
    tris = te.grow_grams(bigram_spans("蜀冈—瘦西湖", index=True))
    assert "冈瘦西" in [t[0] for t in tris] and "蜀冈瘦西" in [t[0] for t in te.grow_grams(tris, 3)]


def test_packed_tokens_make_the_same_documents(records):
    chunk = records[:120]
    values = te.chunk_values(chunk)
    import pickle

    packed = pickle.loads(pickle.dumps(te.tokenize_values(values, packed=True)))
    plain = te.tokenize_values(values)

    def signature(doc):
        out = {}
        for k, vs in doc.to_dict().items():
            out[k] = [([(t.text, t.position, t.char_offset_from, t.char_offset_to) for t in v.tokens], v.text)
                      if hasattr(v, "tokens") else v for v in vs]
        return out

    a = [signature(d) for d in te.chunk_documents(chunk, packed)]
    b = [signature(d) for d in te.chunk_documents(chunk, plain)]
    assert a == b and len(a) == len(chunk)


def test_a_build_with_helper_processes_equals_one_in_process(records, tmp_path, monkeypatch):
    from kb.search import query as q
    from kb.search.engine import Filters
    from kb.search.plan import plan

    monkeypatch.setattr(te, "PARALLEL_MIN_RECORDS", 50)
    monkeypatch.setattr(te, "CHUNK", 16)
    monkeypatch.setenv("POLICYKB_JOBS", "3")
    te.TantivyEngine().build(tmp_path / "parallel", records)
    assert te.LAST_BUILD["helpers"] == 2
    peaks = te.LAST_BUILD["helper_peak_rss_mb"]
    assert len(peaks) == 2 and all(p and 10 < p < 400 for p in peaks)
    monkeypatch.setenv("POLICYKB_JOBS", "1")
    te.TantivyEngine().build(tmp_path / "single", records)
    assert te.LAST_BUILD["helpers"] == 0
    one, two = (te.TantivyEngine().open(tmp_path / name) for name in ("single", "parallel"))
    for text in ("碳达峰", '"生态保护红线"', "高邮湖 OR 邵伯湖", "污染 NOT 大气", "蜀冈瘦西湖", "PM2.5", "长江 保护"):
        tree = plan(q.parse(text).tree, [])
        a, b = one.search(tree, Filters(), 30), two.search(tree, Filters(), 30)
        assert a.total == b.total
        assert [(h.id, round(h.score, 4)) for h in a.hits] == [(h.id, round(h.score, 4)) for h in b.hits]


def test_a_folder_without_an_index_says_how_to_build_one(tmp_path):
    with pytest.raises(KBNotBuiltError, match="POLICYKB_ENGINE=tantivy policykb build"):
        te.TantivyEngine().open(tmp_path)


def test_one_status_weight_skips_the_multiplication_without_changing_the_ranking(records, tmp_path):
    import dataclasses
    import json

    from kb.search import query as q
    from kb.search.engine import Filters
    from kb.search.plan import plan

    full = [dataclasses.replace(r, status="full") for r in records]
    te.TantivyEngine().build(tmp_path, full)
    marker = tmp_path / te.MARKER
    assert json.loads(marker.read_text())["weights"] == [1.0]
    plain = te.TantivyEngine().open(tmp_path)
    assert plain.weight == {}
    weighted = te.TantivyIndex(te.tantivy.Index.open(str(tmp_path)), weights=None)
    for text in ("碳达峰", "生态环境 监测", "长江 NOT 船舶"):
        tree = plan(q.parse(text).tree, [])
        a, b = plain.search(tree, Filters(), 15), weighted.search(tree, Filters(), 15)
        assert a.total == b.total and [h.id for h in a.hits] == [h.id for h in b.hits]
        assert [h.score for h in a.hits] == pytest.approx([h.score for h in b.hits], rel=1e-5)
