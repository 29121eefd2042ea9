"""KB.search, the index writer, filters, `policykb search` / `policykb eval`, on the real corpus."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, ROOT, SEED_ID
from kb.analysis import fold
from policykb.cli import main
from kb.errors import InputError, NotFoundError, QueryError
from kb.search import query as q
from kb.search.evaluate import evaluate
from kb.search.service import NOTICE_PARTIAL
from test_search_query import HOSTILE

DEV = ROOT / "eval" / "dev_queries.tsv"
EXTRA = ROOT / "eval" / "extra_queries.tsv"
HARD = ROOT / "eval" / "dev_queries_hard.tsv"
OWN = ROOT / "eval" / "own_queries_hard.tsv"
FRESH = ROOT / "eval" / "fresh_queries_hard.tsv"
ENGINES = ("whoosh", "tantivy")


# Every test of this module runs once per engine: the same KB, built with each engine.

@pytest.fixture(scope="module", params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def kb_home(engine, kb_home, tmp_path_factory):
    """The real corpus built with ``engine`` (the session's KB for the default engine)."""
    from indexer.build import build
    from kb.search.engine import DEFAULT, ENV

    if engine == DEFAULT:
        return kb_home
    home = tmp_path_factory.mktemp(f"kbhome-{engine}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV, engine)
        build(CORPUS, home, progress=None)
    return home


@pytest.fixture(scope="module")
def kb(kb_home):
    from kb import open_kb

    return open_kb(kb_home)


def ids(res):
    return [h.id for h in res.hits]


def has(h, word):
    return fold(word) in fold(h.text) or fold(word) in fold(h.heading or "")


def marked(h):
    return [h.text[s:e] for s, e in h.spans]


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------

def test_the_build_writes_a_search_index(kb_home, kb, engine):
    assert [p.name for p in (kb_home / "current" / "index").iterdir()] == [engine]
    assert any((kb_home / "current" / "index" / engine).iterdir())
    assert kb.search("长江").engine == engine  # read from the build, no variable needed


def test_whoosh_term_lookups_remembered_answer_as_whoosh_does(kb, engine):
    """The Whoosh searcher remembers its term look-ups (``whoosh_engine.remember_terms``): the same
    answers as a plain reader, present and missing terms alike, the first time and again."""
    if engine != "whoosh":
        pytest.skip("Whoosh only")
    from whoosh.reading import TermNotFound

    from kb.search.service import open_index
    from kb.search.whoosh_engine import _RememberedTerms

    index = open_index(kb).index
    remembered, plain = index.searcher.reader(), index.ix.reader()
    assert all(isinstance(r._terms, _RememberedTerms) for r in getattr(remembered, "readers", None) or [remembered])
    for field, word in [("text", "长江"), ("text_bi", "长江"), ("headings", "生态"), ("text", "没有这个词"),
                        ("text_bi", "犇骉")]:
        for _ in range(2):
            assert remembered.doc_frequency(field, word) == plain.doc_frequency(field, word)
            assert ((field, word) in remembered) == ((field, word) in plain)
            if (field, word) not in plain:
                with pytest.raises(TermNotFound):
                    remembered.term_info(field, word)
    assert plain.doc_frequency("text", "长江") > 0
    first, again = kb.search("长江 生态 保护"), kb.search("长江 生态 保护")
    assert first.total == again.total > 0 and ids(first) == ids(again)


def test_exact_phrase(kb):
    res = kb.search('"生态保护红线"')
    assert res.total >= 1 and not res.notices
    assert all(has(h, "生态保护红线") for h in res.hits)
    assert res.hits[0].article_no == 1
    assert marked(res.hits[0]) == ["生态保护红线", "生态保护红线"]


def test_sub_word_query_finds_the_longer_name_and_marks_only_the_query(kb):
    res = kb.search("邵伯湖")
    inside = [h for h in res.hits if "高宝邵伯湖" in h.text]
    assert len(inside) >= 2
    for h in res.hits:
        assert set(marked(h)) <= {"邵伯湖"} and (h.spans or h.heading_spans)
    # standing alone (高邮湖、邵伯湖) ranks above inside the longer name
    assert "高宝邵伯湖" not in res.hits[0].text


def test_words_the_dictionary_does_not_know_are_found_by_bigrams(kb):
    res = kb.search("入湖污染负荷")
    assert res.hits and res.hits[0].id == f"{SEED_ID}#part_3__art_6__cl_2"
    assert marked(res.hits[0]) == ["入湖污染负荷"]


def test_case_and_width_do_not_matter(kb):
    runs = [ids(kb.search(x)) for x in ("PM2.5", "pm2.5", "ＰＭ２.５", "Pm２．5")]
    assert runs[0] and all(r == runs[0] for r in runs)
    assert kb.search("PM2.5").hits[0].article_no == 5


def test_synonyms_find_what_the_document_says_differently(kb):
    res = kb.search("空气质量")
    assert res.hits[0].article_no == 5
    assert set(marked(res.hits[0])) & {"细颗粒物", "PM2.5"}
    assert "细颗粒物" in res.expansions["空气质量"]
    # the typed word outranks its synonym
    both = kb.search("细颗粒物")
    assert "细颗粒物" in both.hits[0].text


def test_heading_matches_lift_the_whole_article(kb):
    res = kb.search("优化空间开发保护格局")
    assert res.hits[0].article_no == 1
    h = res.hits[0]
    assert h.heading == "优化空间开发保护格局" and h.heading_spans == ((0, len(h.heading)),)
    assert h.heading_highlight == "<mark>优化空间开发保护格局</mark>"


def test_boolean_operators(kb):
    both = kb.search("船舶 AND 岸电")
    assert both.total >= 1 and all(has(h, "船舶") and has(h, "岸电") for h in both.hits)
    either = kb.search("船舶 OR 光伏", limit=100)
    assert {h.id for h in kb.search("船舶").hits} | {h.id for h in kb.search("光伏").hits} <= set(ids(either))
    without = kb.search("长江 AND NOT 大运河", limit=100)
    assert 1 <= without.total < kb.search("长江").total
    assert all(has(h, "长江") and not has(h, "大运河") for h in without.hits)
    grouped = kb.search("(噪声 OR 扬尘) 治理")
    assert grouped.hits and all((has(h, "噪声") or has(h, "扬尘")) for h in grouped.hits)


def test_words_not_all_in_one_clause_are_partial_matches_shown_apart(kb):
    assert kb.search("船舶 岸电").notices == []
    res = kb.search("光伏 船舶")
    assert NOTICE_PARTIAL in res.notices and res.total == 0 and not res.hits
    assert res.partial_total >= 2 and any(has(h, "光伏") for h in res.partial) \
        and any(has(h, "船舶") for h in res.partial)
    assert not {h.id for h in res.partial} & {h.id for h in kb.search("光伏").hits if has(h, "船舶")}
    explicit = kb.search("光伏 AND 船舶")  # an explicit AND is kept: nothing partial
    assert explicit.total == 0 and not explicit.partial


@pytest.mark.parametrize("text", HOSTILE + ["", "   "])
def test_hostile_queries_never_crash(kb, text):
    res = kb.search(text)
    assert res.total >= 0 and isinstance(res.notices, list)
    for h in res.hits:
        assert "<script>" not in h.highlight


def test_malformed_query_says_it_fell_back(kb):
    res = kb.search('"无废城市')
    assert res.notices == [q.NOTICE_SYNTAX.format(why="引号不配对")]
    assert res.hits and res.hits[0].article_no == 7
    assert kb.search("").notices == [q.NOTICE_EMPTY]


def test_spans_are_exact_for_every_hit(kb):
    for text in ("碳达峰", "无废城市", "船舶", "水源地", "长江经济带"):
        for h in kb.search(f'"{text}"', limit=50).hits:  # quoted: no synonyms
            assert set(marked(h)) <= {text}, (text, h.id)
            assert {h.heading[s:e] for s, e in h.heading_spans} <= {text}
            assert h.spans or h.heading_spans  # matched in the text or in the heading above it
            assert h.highlight.count("<mark>") == len(h.spans)


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------

def test_doc_and_level_filters(kb):
    everywhere = kb.search("长江", limit=100)
    one = kb.search("长江", doc=SEED_ID, limit=100)
    assert 0 < one.total < everywhere.total and {h.doc_id for h in one.hits} == {SEED_ID}
    municipal = kb.search("长江", level="municipal", limit=100)
    assert municipal.total > 0 and {h.level for h in municipal.hits} == {"municipal"}
    assert kb.search("长江", level="市级").total == municipal.total
    central = kb.search("长江", level="central", limit=100)
    assert {h.level for h in central.hits} <= {"central"}
    assert kb.search("长江", level="county").total == 0
    with pytest.raises(QueryError, match="--level 'city' is not a level"):
        kb.search("长江", level="city")
    with pytest.raises(NotFoundError, match="no document 'nope'"):
        kb.search("长江", doc="nope")


def test_year_filter_uses_target_years_in_the_text(kb):
    res = kb.search("水质", year=2027)
    assert res.total >= 1 and all("2027年" in h.text for h in res.hits)
    assert kb.search("水质", year="2027年").total == res.total
    assert kb.search("水质", year=1999).total == 0
    with pytest.raises(QueryError, match="--year 'soon'"):
        kb.search("水质", year="soon")


def test_limit(kb):
    res = kb.search("生态", limit=2)
    assert len(res.hits) == 2 and res.total > 2
    with pytest.raises(QueryError, match="--limit 0 is out of range"):
        kb.search("生态", limit=0)


@pytest.fixture(scope="module")
def kb_with_tasks(engine, tmp_path_factory):
    """The seed with one task of our own (what the task extractor will add), built for real."""
    from indexer import search_index
    from indexer.pipeline import parse_file
    from kb import store
    from kb.api import KB
    from kb.models import Deadline, Party, Task

    pd = parse_file(CORPUS / f"{SEED_ID}.txt")
    clause = next(p for p in pd.provisions if p.kind == "clause" and "宝应县、高邮市" in p.text)
    pd.tasks = [Task(id=f"{clause.id}#t1", clause_id=clause.id, doc_id=SEED_ID, article_no=clause.article_no,
                     item_no=None, text=clause.text,
                     parties=(Party("宝应县人民政府", "lead", "explicit", "宝应县"),
                              Party("市发展改革委", "support", "inferred", "生态产品价值")),
                     deadline=Deadline(2026, None, "2026年底前", "explicit"))]
    build = tmp_path_factory.mktemp("tasks-build")
    store.write(build / "kb.sqlite", [pd])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYKB_ENGINE", engine)
        search_index.write(build, [pd], [])
    return KB(build), clause.id


def test_party_filter_from_tasks(kb_with_tasks):
    kb, clause_id = kb_with_tasks
    assert ids(kb.search("生态产品", party="宝应县")) == [clause_id]
    assert ids(kb.search("生态产品", party="发改委")) == [clause_id]  # an abbreviation of 发展改革委
    res = kb.search("生态产品", party="财政局")
    assert res.total == 0 and "财政局" in res.notices[0]


def test_year_filter_from_task_deadlines(kb_with_tasks):
    kb, clause_id = kb_with_tasks
    assert ids(kb.search("生态产品", year=2026)) == [clause_id]


def test_text_years():
    from indexer.search_index import text_years

    assert text_years("到2027年，宝应湖水质稳定达到Ⅲ类；到2030年，建成美丽湖泊") == {2027, 2030}
    assert text_years("2025年底前完成；展望2035年；2026年前建成") == {2025, 2035, 2026}
    assert text_years("扬州市人民政府2024年9月26日；2020年以来") == set()
    # one grammar with the extractor: a month deadline and a year range count too
    assert text_years("2025年11月底前完成主体工程；2024年至2026年期间") == {2025, 2026}
    assert text_years("较2020年下降14%；2024年起") == set()


# ---------------------------------------------------------------------------
# Quality on the judged sets
# ---------------------------------------------------------------------------

def test_dev_set_floor(kb):
    out = evaluate(kb, DEV)
    assert out["queries"] == 21 and out["doc_id"] == SEED_ID
    assert out["recall_at_5"] >= 0.95 and out["mrr"] >= 0.90, out["misses"]
    assert out["ndcg_at_10"] >= 0.85


def test_extra_set_floor(kb):
    out = evaluate(kb, EXTRA)
    assert out["recall_at_5"] >= 0.99 and out["mrr"] >= 0.99, out["misses"]


def test_hard_set_floor(kb):
    """Issue 18's bar on the development set of hard queries, searched across all documents."""
    out = evaluate(kb, HARD)
    assert out["queries"] == 40 and out["doc_id"] is None and out["no_answer"] == 6
    assert out["recall_at_5"] >= 0.95 and out["mrr"] >= 0.90, out["misses"]
    assert out["zero_hit_rate"] >= 0.9
    assert set(out["categories"]) == {"paraphrase", "variant", "natural", "time", "crossdoc", "none"}
    assert out["categories"]["none"]["recall_at_5"] is None


@pytest.mark.parametrize("path, recall, mrr", [(OWN, 0.95, 0.90), (FRESH, 0.90, 0.80)])
def test_own_hard_sets_floor(kb, path, recall, mrr):
    """Queries of the same kinds written by us (eval/own_queries_hard.tsv before the thesaurus,
    eval/fresh_queries_hard.tsv after it): the mechanisms carry beyond the development set."""
    out = evaluate(kb, path)
    assert out["recall_at_5"] >= recall and out["mrr"] >= mrr, out["misses"]
    assert out["zero_hit_rate"] == 1.0

def test_eval_file_errors(kb, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        evaluate(kb, tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("# 扬府发〔2024〕118号\n碳达峰\t2:x\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: '2:x' is not 'article_no:grade'"):
        evaluate(kb, bad)
    nodoc = tmp_path / "nodoc.tsv"
    nodoc.write_text("# no number here\n碳达峰\t2:2\n", encoding="utf-8")
    with pytest.raises(NotFoundError, match="pass the document with --doc ID"):
        evaluate(kb, nodoc)
    assert evaluate(kb, nodoc, doc=SEED_ID)["mrr"] == 1.0
    brackets = tmp_path / "brackets.tsv"
    brackets.write_text("# 扬府发[2024]118号\n碳达峰\t2:2\n", encoding="utf-8")
    assert evaluate(kb, brackets)["doc_id"] == SEED_ID
    bad_unit = tmp_path / "badunit.tsv"
    bad_unit.write_text("碳达峰\tyangzhou-2024-118:2\tnatural\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: 'yangzhou-2024-118:2' is not 'article_no:grade'.*NONE"):
        evaluate(kb, bad_unit)


def test_eval_reads_units_across_documents_and_no_answer_rows(kb, tmp_path):
    f = tmp_path / "units.tsv"
    f.write_text("# new format\n高邮湖\tyangzhou-2024-118:6:2\tname\n网约车管理\tNONE\tnone\n"
                 "碳达峰\tcentral-2023-beautiful-china:2:1,yangzhou-2024-118:2:2\tname\n", encoding="utf-8")
    out = evaluate(kb, f)
    assert out["doc_id"] is None and out["queries"] == 3 and out["answerable"] == 2
    assert out["recall_at_5"] == 1.0 and out["zero_hit_rate"] == 1.0 and out["misses"] == []
    assert out["categories"]["none"]["zero_hit_rate"] == 1.0 and out["categories"]["name"]["mrr"] == 1.0
    assert out["per_query"][0]["ranking"][0] == "yangzhou-2024-118:6"


def test_unit_ranking_counts_non_article_hits():
    from kb.models import Hit
    from kb.search.evaluate import ndcg_at, recall_at, reciprocal_rank, unit_ranking

    def hit(i, art):
        return Hit(id=i, doc_id=i.split("#")[0], level="municipal", kind="clause", part_no=1, article_no=art,
                   heading=None, text="", highlight="", score=1.0)

    ranking = unit_ranking([hit("d#part_1__cl_2", None), hit("d#part_2__art_5__cl_1", 5),
                            hit("d#part_2__art_5__cl_3", 5), hit("e#task_2__cl_1", None),
                            hit("d#part_2__art_1__cl_1", 1)])
    assert ranking == [("d", "part1"), ("d", "5"), ("e", "task2"), ("d", "1")]
    rel = {("d", "5"): 2, ("d", "9"): 1}
    assert reciprocal_rank(ranking, rel) == 0.5 and recall_at(ranking, rel, 5) == 0.5
    assert 0 < ndcg_at(ranking, rel, 10) < 1


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_search_json(use_home, capsys):
    code, out, err = run(capsys, "search", "高邮湖", "--json", "--limit", "3")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert {"query", "total", "hits", "notices"} <= set(data) and data["query"] == "高邮湖"
    assert len(data["hits"]) <= 3
    h = data["hits"][0]
    assert {"id", "doc_id", "level", "kind", "part_no", "article_no", "heading", "text", "highlight",
            "score", "spans"} <= set(h)
    assert h["article_no"] == 6 and "<mark>高邮湖</mark>" in h["highlight"]
    assert all(h["text"][s:e] == "高邮湖" for s, e in h["spans"])
    assert {"partial", "partial_total", "corrected", "suggestion", "question", "parties"} <= set(data)
    code, out, _ = run(capsys, "search", "宝应胡水质", "--json")
    data = json.loads(out)
    assert data["suggestion"] == "宝应湖水质" and data["corrected"][0]["to"] == "宝应湖"


def test_cli_search_readable(use_home, capsys):
    code, out, _ = run(capsys, "search", "无废城市", "--year", "2030")
    assert code == 0
    assert out.startswith("检索“无废城市”：共 1 条结果") and "【无废城市】" in out


@pytest.mark.parametrize("argv, start", [
    (["search", "长江", "--level", "city"], "Error: --level 'city' is not a level"),
    (["search", "长江", "--limit", "0"], "Error: --limit 0 is out of range"),
    (["search", "长江", "--doc", "nope"], "Error: no document 'nope'"),
    (["eval", "missing.tsv"], "Error: missing.tsv: no such file"),
])
def test_cli_errors_are_one_line(use_home, capsys, argv, start):
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == "" and err.startswith(start) and err.count("\n") == 1


def test_cli_unknown_engine(use_home, capsys, monkeypatch):
    monkeypatch.setenv("POLICYKB_ENGINE", "bogus")
    code, out, err = run(capsys, "search", "长江", "--json")
    assert code == 1 and err == "Error: POLICYKB_ENGINE='bogus' is not a search engine; use one of: tantivy, whoosh\n"


def test_cli_hostile_query_json(use_home, capsys):
    code, out, _ = run(capsys, "search", '"(AND', "--json")
    assert code == 0 and json.loads(out)["notices"]


def test_cli_eval_json(use_home, capsys):
    code, out, _ = run(capsys, "eval", str(DEV), "--json")
    data = json.loads(out)
    assert code == 0 and {"queries", "recall_at_5", "mrr", "ndcg_at_10", "misses"} <= set(data)
    code, out, _ = run(capsys, "eval", str(DEV))
    assert code == 0 and "Recall@5" in out
    code, out, _ = run(capsys, "eval", str(HARD), "--json")
    data = json.loads(out)
    assert {"queries", "recall_at_5", "mrr", "ndcg_at_10", "misses", "zero_hit_rate", "categories"} <= set(data)
    code, out, _ = run(capsys, "eval", str(HARD))
    assert code == 0 and "无答案零命中率" in out and "paraphrase" in out


def test_record_fields(kb):
    """Every searchable leaf is indexed, with the fields hits show."""
    from indexer.pipeline import parse_file
    from indexer.search_index import document_records

    pd = parse_file(CORPUS / f"{SEED_ID}.txt")
    recs = document_records(pd)
    leaves = [p for p in pd.provisions if p.kind == "clause"]
    assert [r.id for r in recs] == [p.id for p in leaves]
    r = next(r for r in recs if r.id == f"{SEED_ID}#part_3__art_6__cl_4")
    assert r.heading == "全面推进高宝邵伯湖综合治理" and r.headings == r.heading
    assert r.context.startswith("推动生态环境实现根本好转\n市政府关于全面推进美丽扬州建设的实施意见")
    assert r.years == (2027,) and r.article_no == 6 and r.part_no == 3
    preamble = recs[0]
    assert (preamble.kind, preamble.headings, preamble.seq) == ("clause", "", 0)
    assert preamble.context.startswith("市政府关于全面推进美丽扬州建设的实施意见")


def test_full_text_outranks_an_outline_with_the_same_words(kb):
    res = kb.search("细颗粒物", limit=50)
    assert {"full", "outline"} <= {h.status for h in res.hits}
    assert res.hits[0].status == "full"


def test_heading_pieces_are_not_marked_when_the_text_has_the_whole_term(kb):
    for h in kb.search("生态保护红线", limit=50).hits:
        if "生态保护红线" in h.text:
            assert {h.heading[s:e] for s, e in h.heading_spans} <= {"生态保护红线"}, h.id
